"""All mandate SQL. Usage moves by a guarded UPDATE, so the database — not Python — holds the caps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import MinorUnits
from db.models.credits import CreditEntry
from db.models.mandates import Mandate as MandateRow
from db.models.mandates import MandateUsage
from db.sql import insert_for
from domain.mandates import Mandate


def to_domain(row: MandateRow) -> Mandate:
    return Mandate(
        id=row.id,
        user_id=row.user_id,
        agent_id=row.agent_id,
        currency=row.currency,
        max_per_charge=int(row.max_per_charge),
        max_per_day=int(row.max_per_day),
        max_per_month=int(row.max_per_month),
        contract_id=row.contract_id,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


async def insert(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert_for(session, MandateRow).values(**values))


async def get_row(session: AsyncSession, mandate_id: str) -> MandateRow | None:
    return await session.get(MandateRow, mandate_id)


async def lock(
    session: AsyncSession, mandate_id: str, *, entry_of: tuple[str, str] | None = None
) -> tuple[Mandate | None, bool]:
    """The mandate, row-locked: charges under it and its revocation serialise on this row. With
    `entry_of=(user_id, entry key)`, also whether that credits entry exists (a replay), in the same
    round trip."""
    exists = (
        select(CreditEntry.id)
        .where(CreditEntry.user_id == entry_of[0], CreditEntry.key == entry_of[1])
        .exists()
        if entry_of is not None
        else literal(False)
    )
    stmt = select(MandateRow, exists).where(MandateRow.id == mandate_id).with_for_update(of=MandateRow)
    row = (await session.execute(stmt)).first()
    return (None, False) if row is None else (to_domain(row[0]), bool(row[1]))


async def page(
    session: AsyncSession,
    *,
    user_id: str | None,
    agent_id: str | None,
    limit: int,
    before_id: str | None,
) -> list[MandateRow]:
    """Newest first (ids sort by creation time), keyset-paginated on the id."""
    stmt = select(MandateRow)
    if user_id is not None:
        stmt = stmt.where(MandateRow.user_id == user_id)
    if agent_id is not None:
        stmt = stmt.where(MandateRow.agent_id == agent_id)
    if before_id is not None:
        stmt = stmt.where(MandateRow.id < before_id)
    stmt = stmt.order_by(MandateRow.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars().all())


async def revoke(session: AsyncSession, mandate_id: str, now: datetime) -> None:
    """Waits for a charge holding the row lock; every charge after it sees the revocation."""
    await session.execute(
        update(MandateRow)
        .where(MandateRow.id == mandate_id, MandateRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def add_usage(
    session: AsyncSession, mandate_id: str, amounts: dict[str, tuple[int, int]], now: datetime
) -> set[str]:
    """Add to each period's spend {period: (amount, cap)} in one statement, each only if it stays
    within its cap; returns the periods that moved (a missing one refused: the caller rolls back).

    A new period row starts at `amount`, which the caller has checked against the charge cap
    (≤ the day cap ≤ the month cap, a CHECK on mandates).
    """
    rows = [
        {"mandate_id": mandate_id, "period": p, "spent": a, "updated_at": now}
        for p, (a, _) in amounts.items()
    ]
    stmt = insert_for(session, MandateUsage).values(rows)
    cap = case(
        *((MandateUsage.period == p, literal(c, MinorUnits)) for p, (_, c) in amounts.items()),
        else_=literal(0, MinorUnits),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["mandate_id", "period"],
        set_={"spent": MandateUsage.spent + stmt.excluded.spent, "updated_at": stmt.excluded.updated_at},
        where=MandateUsage.spent + stmt.excluded.spent <= cap,
    ).returning(MandateUsage.period)
    return set((await session.execute(stmt)).scalars().all())


async def usage(
    session: AsyncSession, mandate_ids: Sequence[str], periods: Sequence[str]
) -> dict[tuple[str, str], int]:
    """{(mandate_id, period): spent} for every pair asked (0 when nothing was charged)."""
    stmt = select(MandateUsage.mandate_id, MandateUsage.period, MandateUsage.spent).where(
        MandateUsage.mandate_id.in_(list(mandate_ids)), MandateUsage.period.in_(list(periods))
    )
    found = {(m, p): int(s) for m, p, s in (await session.execute(stmt)).all()}
    return {(m, p): found.get((m, p), 0) for m in mandate_ids for p in periods}
