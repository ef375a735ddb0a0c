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

The function is installed by migration (migrations/versions/0006_credits_mandates.py; a change to
its body is a new migration with CREATE OR REPLACE): the app's database role needs no DDL.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

FUNCTION = "meshpay_credit_debit_v2"


_CALL = text(
    "SELECT * FROM meshpay_credit_debit_v2(:user, :amount, :key, :reference, :destination, :dest_nn, "
    ":dest_owner, :kind, :description, :ledger_key, :now, :threshold, :agent, :mandate, :run, "
    "CAST(:metadata AS json))"
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
