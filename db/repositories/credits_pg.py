"""The deduct hot path on PostgreSQL: one PL/pgSQL function, one round trip, atomic.

It does what the portable path in services/credits.py does with ~10 statements: lock the user's
wallet summary row, answer a repeated reference with the first result, check the available balance
(expired-but-unswept lots excluded), draw lots earliest-expiry first, write the ledger transaction
(header, guarded wallet balance update, destination balance, two postings — the same rows
services.ledger.transfer writes), the history entry with its running balance, the lot draws and a
low-balance event on a downward crossing. When the credits are not there it returns 'insufficient'
having written nothing.

Lock order: the wallet summary row, then the wallet's ledger balance row, and the (hot, shared)
destination balance row last, so that row is held for as short a time as possible. Every credits
operation takes the summary row first, so credits operations cannot deadlock with each other.

v2 (issue #11): the entry key is passed in (API callers' references live in their own namespace,
services/credits_keys.py); a repeated key answers with what the first deduct moved, so the caller can
refuse a different movement with 409; each deduct records the agent it pays for, the mandate that
allowed it and the orchestration run (also in the ledger transaction's metadata).

The function is installed (CREATE OR REPLACE, under an advisory lock) on first use by each process
whenever its source differs from what the database holds; it needs the CREATE privilege.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

FUNCTION = "meshpay_credit_debit_v2"

DEBIT_FUNCTION_SQL = r"""
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

_SOURCE_HASH = hashlib.md5(DEBIT_FUNCTION_SQL.encode()).hexdigest()
_installed: set[str] = set()
_install_lock = asyncio.Lock()

_CALL = text(
    "SELECT * FROM meshpay_credit_debit_v2(:user, :amount, :key, :reference, :destination, :dest_nn, "
    ":dest_owner, :kind, :description, :ledger_key, :now, :threshold, :agent, :mandate, :run, "
    "CAST(:metadata AS json))"
)


async def ensure_installed(session: AsyncSession) -> None:
    """Install (or update) the function once per process and database.

    Call it before the session holds a connection: it borrows a second one from the pool.
    """
    bind = session.get_bind()
    sync_engine: Engine = bind.engine if isinstance(bind, Connection) else bind
    marker = f"{sync_engine.url.render_as_string(hide_password=True)}#{_SOURCE_HASH}"
    if marker in _installed:
        return
    async with _install_lock:
        if marker not in _installed:
            await _install(sync_engine)
            _installed.add(marker)


async def _install(sync_engine: Engine) -> None:
    async with AsyncEngine(sync_engine).begin() as conn:  # its own transaction, committed now
        await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('meshpay_credit_functions'))"))
        current = (
            await conn.execute(
                text("SELECT obj_description(oid, 'pg_proc') FROM pg_proc WHERE proname = :name"),
                {"name": FUNCTION},
            )
        ).scalar_one_or_none()
        if current != _SOURCE_HASH:
            raw = await conn.get_raw_connection()
            cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
            await cursor.execute(DEBIT_FUNCTION_SQL)  # no parameters: '%' in the body stays literal
            await conn.execute(
                text(
                    f"COMMENT ON FUNCTION {FUNCTION}(text, numeric, text, text, text, boolean, text, text, "
                    f"text, text, timestamptz, numeric, text, text, text, json) IS '{_SOURCE_HASH}'"
                )
            )


async def debit(
    session: AsyncSession,
    *,
    user_id: str,
    amount: int,
    key: str,
    reference: str,
    destination: str,
    destination_non_negative: bool,
    destination_owner: str | None,
    kind: str,
    description: str | None,
    ledger_key: str,
    now: datetime,
    default_threshold: int,
    agent_id: str | None,
    mandate_id: str | None,
    run_id: str | None,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    await ensure_installed(session)
    row = (
        await session.execute(
            _CALL,
            {
                "user": user_id,
                "amount": amount,
                "key": key,
                "reference": reference,
                "destination": destination,
                "dest_nn": destination_non_negative,
                "dest_owner": destination_owner,
                "kind": kind,
                "description": description,
                "ledger_key": ledger_key,
                "now": now,
                "threshold": default_threshold,
                "agent": agent_id,
                "mandate": mandate_id,
                "run": run_id,
                "metadata": json.dumps(metadata),
            },
        )
    ).one()
    return dict(row._mapping)
