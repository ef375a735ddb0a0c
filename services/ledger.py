"""The ledger service: `transfer(postings, idempotency_key)` — the only way a balance changes.

One call is one balanced ledger transaction, written with its balance updates inside the caller's
DB transaction (the unit of work commits). The same idempotency key never posts twice: a second
call for the same movement (the same net amount per account and currency, the same kind) returns the
first transaction; a second call for a different movement is refused with 409
`idempotency_key_conflict` — never "already done" (issue #11.5). An overdraft of a non-negative account raises
InsufficientFunds and — because the caller's transaction rolls back — writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.logging import cause
from config.metrics import IDEMPOTENCY, LEDGER_AMOUNT, LEDGER_TRANSFERS
from db.repositories import ledger as repo
from domain.errors import Conflict, InsufficientFunds
from domain.ledger import Posting, net_by_account, reverse, validate_postings


@dataclass(frozen=True, slots=True)
class TransferResult:
    transaction_id: str
    created: bool  # False: the idempotency key had already posted; nothing moved this time
    balances: dict[str, int] = field(default_factory=dict)  # balances after, for accounts touched


def new_transaction_id() -> str:
    return f"txn_{uuid.uuid4().hex}"


async def transfer(
    session: AsyncSession,
    postings: list[Posting],
    idempotency_key: str,
    *,
    kind: str = "transfer",
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
    reverses_id: str | None = None,
    txn_id: str | None = None,
) -> TransferResult:
    validate_postings(postings)
    txn_id = txn_id or new_transaction_id()
    created = await repo.insert_transaction(
        session,
        txn_id=txn_id,
        idempotency_key=idempotency_key,
        kind=kind,
        description=description,
        metadata=with_cause(metadata),
        reverses_id=reverses_id,
    )
    if not created:
        existing = await repo.transaction_by_key(session, idempotency_key)
        assert existing is not None
        first = net_by_account(await repo.transaction_postings(session, existing.id))
        if existing.kind != kind or first != net_by_account(postings):
            IDEMPOTENCY.labels("movement_conflict").inc()
            raise Conflict(
                f"ledger key {idempotency_key!r} was already used for a different movement",
                code="idempotency_key_conflict",
            )
        return TransferResult(existing.id, created=False)

    balances: dict[str, int] = {}
    # Lock balance rows in a stable order so two transfers over the same accounts cannot deadlock.
    for (code, currency), amount in sorted(net_by_account(postings).items()):
        new_balance = await repo.apply_delta(session, code, amount)
        if new_balance is None:
            # No row, or the guard refused. Create it if missing (a no-op when another transaction
            # created it meanwhile: its INSERT waits for that one to commit) and try once more —
            # never refuse from an existence check, which a concurrent first use can race.
            await repo.ensure_accounts(session, [(code, currency)])
            new_balance = await repo.apply_delta(session, code, amount)
            if new_balance is None:
                raise InsufficientFunds(f"account {code} has insufficient funds", param="amount")
        balances[code] = new_balance
    await repo.insert_postings(session, txn_id, postings)
    _count(postings, kind)
    return TransferResult(txn_id, created=True, balances=balances)


def with_cause(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    """The metadata with what is running now (request or activity); also for the PL/pgSQL deduct,
    which writes its ledger transaction itself."""
    now = cause()
    return {**(metadata or {}), "cause": now} if now else metadata


def _count(postings: list[Posting], kind: str) -> None:
    moved: dict[str, int] = {}
    for p in postings:
        if p.amount > 0:
            moved[p.currency] = moved.get(p.currency, 0) + p.amount
    for currency, amount in moved.items():
        LEDGER_TRANSFERS.labels(currency, kind).inc()
        LEDGER_AMOUNT.labels(currency).inc(amount)


async def reverse_transaction(
    session: AsyncSession, transaction_id: str, idempotency_key: str, *, description: str | None = None
) -> TransferResult:
    """Undo a transaction with a reversing one (the ledger is append-only)."""
    postings = await repo.transaction_postings(session, transaction_id)
    return await transfer(
        session,
        reverse(postings),
        idempotency_key,
        kind="reversal",
        description=description,
        reverses_id=transaction_id,
    )


async def balance(session: AsyncSession, account_code: str) -> int:
    return await repo.balance_of(session, account_code)
