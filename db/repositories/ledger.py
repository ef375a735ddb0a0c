"""All ledger SQL. Balances move with a guarded UPDATE so the database, not Python, refuses overdrafts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import MinorUnits, utcnow
from db.models.ledger import Account, Balance, LedgerTransaction, Posting
from db.sql import insert_for
from domain import ledger as rules

_guarded_update = (
    update(Balance)
    .where(Balance.account_code == bindparam("code"))
    .where(
        (bindparam("amt", type_=MinorUnits) >= 0)
        | (Balance.non_negative.is_(False))
        | (Balance.balance + bindparam("amt", type_=MinorUnits) >= 0)
    )
    .values(balance=Balance.balance + bindparam("amt", type_=MinorUnits), updated_at=bindparam("now"))
    .returning(Balance.balance)
)


async def insert_transaction(
    session: AsyncSession,
    *,
    txn_id: str,
    idempotency_key: str,
    kind: str,
    description: str | None,
    metadata: dict[str, Any] | None,
    reverses_id: str | None = None,
) -> bool:
    """Insert the transaction header; False when the idempotency key already exists (posted before)."""
    stmt = (
        insert_for(session, LedgerTransaction)
        .values(
            id=txn_id,
            idempotency_key=idempotency_key,
            kind=kind,
            description=description,
            metadata=metadata,
            reverses_id=reverses_id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(LedgerTransaction.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def transaction_by_key(session: AsyncSession, idempotency_key: str) -> LedgerTransaction | None:
    stmt = select(LedgerTransaction).where(LedgerTransaction.idempotency_key == idempotency_key)
    return (await session.execute(stmt)).scalar_one_or_none()


async def transaction_by_id(session: AsyncSession, txn_id: str) -> LedgerTransaction | None:
    return await session.get(LedgerTransaction, txn_id)


async def transaction_postings(session: AsyncSession, txn_id: str) -> list[rules.Posting]:
    stmt = (
        select(Posting.account_code, Posting.amount, Posting.currency)
        .where(Posting.transaction_id == txn_id)
        .order_by(Posting.id)
    )
    return [rules.Posting(a, int(m), c) for a, m, c in (await session.execute(stmt)).all()]


async def ensure_accounts(session: AsyncSession, accounts: Sequence[tuple[str, str]]) -> None:
    """Create accounts (and their zero balance rows) that do not exist yet. Idempotent."""
    now = utcnow()
    acc_rows = []
    bal_rows = []
    for code, currency in accounts:
        non_negative = rules.is_non_negative(code)
        parts = code.split(":")
        acc_rows.append(
            {
                "code": code,
                "currency": currency,
                "kind": parts[0],
                "owner_id": parts[1] if len(parts) > 2 else None,
                "non_negative": non_negative,
                "created_at": now,
            }
        )
        bal_rows.append(
            {
                "account_code": code,
                "currency": currency,
                "balance": 0,
                "non_negative": non_negative,
                "updated_at": now,
            }
        )
    await session.execute(insert_for(session, Account).values(acc_rows).on_conflict_do_nothing())
    await session.execute(insert_for(session, Balance).values(bal_rows).on_conflict_do_nothing())


async def apply_delta(session: AsyncSession, code: str, amount: int) -> int | None:
    """Add `amount` to a balance; None if the row is missing or the move would overdraw it."""
    result = await session.execute(_guarded_update, {"code": code, "amt": amount, "now": utcnow()})
    row = result.first()
    return None if row is None else int(row[0])


async def insert_postings(session: AsyncSession, txn_id: str, postings: Sequence[rules.Posting]) -> None:
    now = utcnow()
    await session.execute(
        insert_for(session, Posting),
        [
            {
                "transaction_id": txn_id,
                "account_code": p.account,
                "currency": p.currency,
                "amount": p.amount,
                "created_at": now,
            }
            for p in postings
        ],
    )


async def balance_of(session: AsyncSession, code: str) -> int:
    value = (
        await session.execute(select(Balance.balance).where(Balance.account_code == code))
    ).scalar_one_or_none()
    return 0 if value is None else int(value)


async def posting_sum(session: AsyncSession, code: str) -> int:
    total = (
        await session.execute(
            select(func.coalesce(func.sum(Posting.amount), 0)).where(Posting.account_code == code)
        )
    ).scalar_one()
    return int(total)
