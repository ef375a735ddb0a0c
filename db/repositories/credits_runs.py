"""Deducts grouped by the agent they paid for and by orchestration run (GET /credits/runs/{run_id},
GET /credits/stats?group_by=agent). Read from credit_entries: the deduct rows themselves, with
what has been refunded of each (`refunded`, capped by a CHECK constraint)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.credits import CreditEntry
from domain import credits as rules


async def by_agent(
    session: AsyncSession,
    *,
    user_id: str | None = None,
    run_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[tuple[str | None, int, int, int]]:
    """[(agent_id, charges, spent, refunded)] of deducts, agents in id order (None last)."""
    conds = [CreditEntry.type == rules.DEDUCT]
    if user_id is not None:
        conds.append(CreditEntry.user_id == user_id)
    if run_id is not None:
        conds.append(CreditEntry.run_id == run_id)
    if start is not None:
        conds.append(CreditEntry.created_at >= start)
    if end is not None:
        conds.append(CreditEntry.created_at < end)
    stmt = (
        select(
            CreditEntry.agent_id,
            func.count(),
            func.coalesce(func.sum(-CreditEntry.amount), 0),
            func.coalesce(func.sum(CreditEntry.refunded), 0),
        )
        .where(*conds)
        .group_by(CreditEntry.agent_id)
        .order_by(CreditEntry.agent_id.asc().nulls_last())
    )
    return [(a, int(n), int(s), int(r)) for a, n, s, r in (await session.execute(stmt)).all()]


async def executions(
    session: AsyncSession, run_id: str, *, user_id: str | None, limit: int, after_id: int | None
) -> list[CreditEntry]:
    """The run's deducts oldest first, keyset-paginated on the entry id (index run_id, id)."""
    stmt = select(CreditEntry).where(CreditEntry.run_id == run_id, CreditEntry.type == rules.DEDUCT)
    if user_id is not None:
        stmt = stmt.where(CreditEntry.user_id == user_id)
    if after_id is not None:
        stmt = stmt.where(CreditEntry.id > after_id)
    stmt = stmt.order_by(CreditEntry.id).limit(limit)
    return list((await session.execute(stmt)).scalars().all())
