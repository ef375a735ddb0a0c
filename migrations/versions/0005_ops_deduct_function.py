"""ops: install the credits deduct function (meshpay_credit_debit) by migration.

Until now each API process installed it on first use, which needed DDL rights at run time. The body
is exactly the one that process installed (db/repositories/credits_pg.py at this revision); a change
to it is a later migration with CREATE OR REPLACE.

Revision ID: ops_deduct_function
Revises: escrow_chargeback_clawbacks
"""

from alembic import op

revision = "ops_deduct_function"
down_revision = "escrow_chargeback_clawbacks"
branch_labels = None
depends_on = None

SIGNATURE = (
    "meshpay_credit_debit(text, numeric, text, text, boolean, text, text, text, text, timestamptz, numeric)"
)

DEBIT_FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION meshpay_credit_debit(
    p_user text, p_amount numeric, p_reference text, p_destination text, p_dest_non_negative boolean,
    p_dest_owner text, p_kind text, p_description text, p_ledger_key text, p_now timestamptz,
    p_default_threshold numeric)
RETURNS TABLE (o_status text, o_entry_id bigint, o_txn_id text, o_amount numeric, o_available numeric,
               o_created_at timestamptz, o_low_balance boolean, o_threshold numeric)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_wallet_code text := 'wallet:' || p_user || ':CREDIT';
    v_key text := 'debit:' || p_reference;
    v_balance numeric;
    v_next timestamptz;
    v_threshold numeric;
    v_expired numeric := 0;
    v_available numeric;
    v_ids bigint[];
    v_takes numeric[];
    v_recompute boolean;
    v_txn text;
    v_bal numeric;
    v_entry bigint;
    v_low boolean;
BEGIN
    SELECT cw.balance, cw.next_expiry, coalesce(cw.low_balance_threshold, p_default_threshold)
      INTO v_balance, v_next, v_threshold
      FROM credit_wallets cw WHERE cw.user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'insufficient'::text, NULL::bigint, NULL::text, p_amount, 0::numeric, p_now,
                            false, NULL::numeric;
        RETURN;
    END IF;

    RETURN QUERY SELECT 'duplicate'::text, e.id, e.transaction_id::text, -e.amount, e.available_after,
                        e.created_at, false, NULL::numeric
                   FROM credit_entries e WHERE e.user_id = p_user AND e.key = v_key;
    IF FOUND THEN
        RETURN;
    END IF;

    IF v_next IS NOT NULL AND v_next <= p_now THEN
        SELECT coalesce(sum(l.remaining), 0) INTO v_expired FROM credit_lots l
         WHERE l.user_id = p_user AND l.remaining > 0 AND l.expires_at <= p_now;
    END IF;
    v_available := v_balance - v_expired;
    IF v_available < p_amount THEN
        RETURN QUERY SELECT 'insufficient'::text, NULL::bigint, NULL::text, p_amount, v_available, p_now,
                            false, NULL::numeric;
        RETURN;
    END IF;

    SELECT array_agg(d.id ORDER BY d.ord), array_agg(d.take ORDER BY d.ord),
           bool_or(d.take = d.remaining AND d.expires_at IS NOT NULL)
      INTO v_ids, v_takes, v_recompute
      FROM (SELECT s.id, s.ord, s.remaining, s.expires_at,
                   least(s.remaining, p_amount - (s.run - s.remaining)) AS take
              FROM (SELECT l.id, l.remaining, l.expires_at,
                           row_number() OVER lw AS ord, sum(l.remaining) OVER lw AS run
                      FROM credit_lots l
                     WHERE l.user_id = p_user AND l.remaining > 0
                       AND (l.expires_at IS NULL OR l.expires_at > p_now)
                    WINDOW lw AS (ORDER BY l.expires_at ASC NULLS LAST, l.id)) s
             WHERE s.run - s.remaining < p_amount) d;
    IF v_ids IS NULL OR (SELECT sum(t) FROM unnest(v_takes) t) <> p_amount THEN
        RAISE EXCEPTION 'credit lots of % out of step with the wallet summary', p_user;
    END IF;

    UPDATE credit_lots l SET remaining = l.remaining - d.take
      FROM unnest(v_ids, v_takes) AS d(id, take) WHERE l.id = d.id;

    v_txn := 'txn_' || replace(gen_random_uuid()::text, '-', '');
    INSERT INTO ledger_transactions (id, idempotency_key, kind, description, metadata, reverses_id,
                                     created_at)
    VALUES (v_txn, p_ledger_key, p_kind, p_description, NULL, NULL, p_now);

    UPDATE balances b SET balance = b.balance - p_amount, updated_at = p_now
     WHERE b.account_code = v_wallet_code AND b.balance >= p_amount
    RETURNING b.balance INTO v_bal;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'credit wallet % out of step with the ledger', p_user;
    END IF;

    IF v_recompute THEN
        SELECT min(l.expires_at) INTO v_next FROM credit_lots l
         WHERE l.user_id = p_user AND l.remaining > 0 AND l.expires_at IS NOT NULL;
    END IF;
    UPDATE credit_wallets cw SET balance = v_bal, next_expiry = v_next, updated_at = p_now
     WHERE cw.user_id = p_user;

    INSERT INTO credit_entries (user_id, key, type, amount, balance_after, available_after, reference,
                                transaction_id, counterparty, refunded, parent_id, lot_id, description,
                                created_at)
    VALUES (p_user, v_key, 'deduct', -p_amount, v_bal, v_available - p_amount, p_reference, v_txn,
            p_destination, 0, NULL, NULL, p_description, p_now)
    RETURNING id INTO v_entry;

    INSERT INTO credit_lot_draws (entry_id, lot_id, seq, amount, refunded)
    SELECT v_entry, d.id, d.ord, d.take, 0 FROM unnest(v_ids, v_takes) WITH ORDINALITY AS d(id, take, ord);

    v_low := v_threshold > 0 AND v_available >= v_threshold AND v_available - p_amount < v_threshold;
    IF v_low THEN
        INSERT INTO credit_low_balance_events (user_id, threshold, balance, entry_id, created_at)
        VALUES (p_user, v_threshold, v_available - p_amount, v_entry, p_now);
    END IF;

    -- The destination (a shared platform account on the hot path) last: its row lock is held only
    -- from here to COMMIT.
    UPDATE balances b SET balance = b.balance + p_amount, updated_at = p_now
     WHERE b.account_code = p_destination;
    IF NOT FOUND THEN
        INSERT INTO accounts (code, currency, kind, owner_id, non_negative, created_at)
        VALUES (p_destination, 'CREDIT', split_part(p_destination, ':', 1), p_dest_owner,
                p_dest_non_negative, p_now)
        ON CONFLICT DO NOTHING;
        INSERT INTO balances (account_code, currency, balance, non_negative, updated_at)
        VALUES (p_destination, 'CREDIT', 0, p_dest_non_negative, p_now)
        ON CONFLICT DO NOTHING;
        UPDATE balances b SET balance = b.balance + p_amount, updated_at = p_now
         WHERE b.account_code = p_destination;
    END IF;
    INSERT INTO postings (transaction_id, account_code, currency, amount, created_at)
    VALUES (v_txn, v_wallet_code, 'CREDIT', -p_amount, p_now),
           (v_txn, p_destination, 'CREDIT', p_amount, p_now);

    RETURN QUERY SELECT 'ok'::text, v_entry, v_txn, p_amount, v_available - p_amount, p_now, v_low,
                        v_threshold;
END
$fn$;
"""


def upgrade() -> None:
    # Straight to psycopg with no parameters (same connection and transaction), so the '%' in
    # RAISE stays literal instead of being read as a placeholder.
    op.get_bind().connection.driver_connection.execute(DEBIT_FUNCTION_SQL)


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")
