"""credits: spending mandates and their usage, deduct attribution (agent, mandate, run), agent prices,
and the deduct function meshpay_credit_debit_v2 (issue #11): the entry key is passed in (API callers'
references live in their own namespace), a repeated key answers with what the first deduct moved,
and each deduct records its agent, mandate and run. Its body is frozen here; a change is a new
migration with CREATE OR REPLACE. v1 (ops_deduct_function) has no caller left and is dropped
(downgrade restores it from that revision's text).

Revision ID: credits_mandates
Revises: ops_deduct_function
Create Date: 2026-11-30 02:03:50.167258
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base


revision: str = "credits_mandates"
down_revision: str | None = "ops_deduct_function"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SIGNATURE = (
    "meshpay_credit_debit_v2(text, numeric, text, text, text, boolean, text, text, text, text, timestamptz, "
    "numeric, text, text, text, json)"
)

DEBIT_V2_SQL = r"""
CREATE OR REPLACE FUNCTION meshpay_credit_debit_v2(
    p_user text, p_amount numeric, p_key text, p_reference text, p_destination text,
    p_dest_non_negative boolean, p_dest_owner text, p_kind text, p_description text, p_ledger_key text,
    p_now timestamptz, p_default_threshold numeric, p_agent text, p_mandate text, p_run text,
    p_metadata json)
RETURNS TABLE (o_status text, o_entry_id bigint, o_txn_id text, o_amount numeric, o_available numeric,
               o_created_at timestamptz, o_low_balance boolean, o_threshold numeric, o_counterparty text,
               o_agent text, o_mandate text, o_run text, o_kind text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_wallet_code text := 'wallet:' || p_user || ':CREDIT';
    v_key text := p_key;
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
                            false, NULL::numeric, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text;
        RETURN;
    END IF;

    -- A repeated key answers with the first deduct and what it moved: the caller compares.
    RETURN QUERY SELECT 'duplicate'::text, e.id, e.transaction_id::text, -e.amount, e.available_after,
                        e.created_at, false, NULL::numeric, e.counterparty::text, e.agent_id::text,
                        e.mandate_id::text, e.run_id::text, t.kind::text
                   FROM credit_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                  WHERE e.user_id = p_user AND e.key = v_key;
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
                            false, NULL::numeric, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text;
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
    VALUES (v_txn, p_ledger_key, p_kind, p_description, p_metadata, NULL, p_now);

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
                                created_at, agent_id, mandate_id, run_id)
    VALUES (p_user, v_key, 'deduct', -p_amount, v_bal, v_available - p_amount, p_reference, v_txn,
            p_destination, 0, NULL, NULL, p_description, p_now, p_agent, p_mandate, p_run)
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
                        v_threshold, p_destination, p_agent, p_mandate, p_run, p_kind;
END
$fn$;
"""


V1_SIGNATURE = (
    "meshpay_credit_debit(text, numeric, text, text, boolean, text, text, text, text, timestamptz, numeric)"
)


def _v1_sql() -> str:
    """v1's body as its own revision froze it (for downgrade)."""
    import importlib.util
    from pathlib import Path

    (path,) = Path(__file__).parent.glob("*_ops_deduct_function.py")
    spec = importlib.util.spec_from_file_location("ops_deduct_function", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.DEBIT_FUNCTION_SQL)


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "agent_prices",
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("unit_price", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("updated_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_agent_prices_unit_price")),
        sa.PrimaryKeyConstraint("agent_id", "currency", name=op.f("pk_agent_prices")),
    )
    op.create_table(
        "mandates",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("agent_id", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("max_per_charge", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("max_per_day", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("max_per_month", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("contract_id", sa.String(length=100), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.Column("expires_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "max_per_charge > 0 AND max_per_charge <= max_per_day AND max_per_day <= max_per_month",
            name=op.f("ck_mandates_caps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandates")),
    )
    op.create_index("ix_mandates_agent_id_id", "mandates", ["agent_id", "id"], unique=False)
    op.create_index("ix_mandates_user_id_id", "mandates", ["user_id", "id"], unique=False)
    op.create_table(
        "mandate_usage",
        sa.Column("mandate_id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("spent", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("updated_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("spent >= 0", name=op.f("ck_mandate_usage_spent_non_negative")),
        sa.ForeignKeyConstraint(
            ["mandate_id"], ["mandates.id"], name=op.f("fk_mandate_usage_mandate_id_mandates")
        ),
        sa.PrimaryKeyConstraint("mandate_id", "period", name=op.f("pk_mandate_usage")),
    )
    op.add_column("credit_entries", sa.Column("agent_id", sa.String(length=100), nullable=True))
    op.add_column("credit_entries", sa.Column("mandate_id", sa.String(length=40), nullable=True))
    op.add_column("credit_entries", sa.Column("run_id", sa.String(length=120), nullable=True))
    op.create_index(
        "ix_credit_entries_mandate_id",
        "credit_entries",
        ["mandate_id", "created_at"],
        unique=False,
        postgresql_where=sa.text("mandate_id IS NOT NULL"),
        sqlite_where=sa.text("mandate_id IS NOT NULL"),
    )
    op.create_index(
        "ix_credit_entries_run_id_id",
        "credit_entries",
        ["run_id", "id"],
        unique=False,
        postgresql_where=sa.text("run_id IS NOT NULL"),
        sqlite_where=sa.text("run_id IS NOT NULL"),
    )
    # ### end Alembic commands ###
    # Straight to psycopg with no parameters (same connection and transaction), so the '%' in RAISE
    # and the ':CREDIT' in strings stay literal.
    op.get_bind().connection.driver_connection.execute(DEBIT_V2_SQL)
    op.execute(f"DROP FUNCTION IF EXISTS {V1_SIGNATURE}")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")
    op.get_bind().connection.driver_connection.execute(_v1_sql())
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index(
        "ix_credit_entries_run_id_id",
        table_name="credit_entries",
        postgresql_where=sa.text("run_id IS NOT NULL"),
        sqlite_where=sa.text("run_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_credit_entries_mandate_id",
        table_name="credit_entries",
        postgresql_where=sa.text("mandate_id IS NOT NULL"),
        sqlite_where=sa.text("mandate_id IS NOT NULL"),
    )
    op.drop_column("credit_entries", "run_id")
    op.drop_column("credit_entries", "mandate_id")
    op.drop_column("credit_entries", "agent_id")
    op.drop_table("mandate_usage")
    op.drop_index("ix_mandates_user_id_id", table_name="mandates")
    op.drop_index("ix_mandates_agent_id_id", table_name="mandates")
    op.drop_table("mandates")
    op.drop_table("agent_prices")
    # ### end Alembic commands ###
