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

The function is installed by the migration migrations/versions/0005_ops_deduct_function.py (a change
to its body is a new migration): the app's database role needs no DDL at run time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

FUNCTION = "meshpay_credit_debit"


_CALL = text(
    "SELECT * FROM meshpay_credit_debit(:user, :amount, :reference, :destination, :dest_nn, :dest_owner, "
    ":kind, :description, :ledger_key, :now, :threshold)"
)


async def debit(
    session: AsyncSession,
    *,
    user_id: str,
    amount: int,
    reference: str,
    destination: str,
    destination_non_negative: bool,
    destination_owner: str | None,
    kind: str,
    description: str | None,
    ledger_key: str,
    now: datetime,
    default_threshold: int,
) -> dict[str, Any]:
    row = (
        await session.execute(
            _CALL,
            {
                "user": user_id,
                "amount": amount,
                "reference": reference,
                "destination": destination,
                "dest_nn": destination_non_negative,
                "dest_owner": destination_owner,
                "kind": kind,
                "description": description,
                "ledger_key": ledger_key,
                "now": now,
                "threshold": default_threshold,
            },
        )
    ).one()
    return dict(row._mapping)
