"""Credits reads: balance, history, stats (also per agent) and the cost of an orchestration run.

Everything is answered from the credits ledger rows (credit_entries, written in the same DB
transaction as the postings), so totals are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.credits import CreditEntry, CreditLowBalanceEvent
from db.repositories import credits as repo
from db.repositories import credits_runs as runs_repo
from db.session import SessionFactory
from domain import credits as rules


@dataclass(frozen=True, slots=True)
class BalanceView:
    user_id: str
    balance: int  # available now: expired credits never count
    expiring: list[tuple[datetime, int]]
    next_expiry: datetime | None


@dataclass(frozen=True, slots=True)
class AgentCost:
    agent_id: str | None  # None: deducts no agent was named for
    charges: int
    spent: int
    refunded: int

    @property
    def net(self) -> int:
        return self.spent - self.refunded


@dataclass(frozen=True, slots=True)
class RunCost:
    run_id: str
    charges: int
    spent: int
    refunded: int
    agents: list[AgentCost]
    executions: list[CreditEntry]  # one page, oldest first
    has_more: bool

    @property
    def net(self) -> int:
        return self.spent - self.refunded


async def available(session: AsyncSession, w: repo.WalletRow, now: datetime) -> int:
    if w.next_expiry is not None and w.next_expiry <= now:
        return w.balance - await repo.expired_unswept(session, w.user_id, now)
    return w.balance


async def balance_view(session: AsyncSession, user_id: str, now: datetime | None = None) -> BalanceView:
    """A primary-key read of the wallet summary; lots are read only when some credits expire."""
    now = now or utcnow()
    w = await repo.get_wallet(session, user_id)
    if w is None:
        return BalanceView(user_id, 0, [], None)
    if w.next_expiry is None:
        return BalanceView(user_id, w.balance, [], None)
    balance = await available(session, w, now)
    upcoming = await repo.expiring(session, user_id, now)
    return BalanceView(user_id, balance, upcoming, upcoming[0][0] if upcoming else None)


async def read_balance(factory: SessionFactory, user_id: str) -> BalanceView:
    """balance_view on an autocommit connection: one statement, no BEGIN/COMMIT round trips."""
    async with factory() as session:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return await balance_view(session, user_id)


async def history(
    session: AsyncSession, user_id: str, *, limit: int, starting_after: int | None
) -> tuple[list[CreditEntry], bool]:
    """Newest first; (page, has_more)."""
    rows = await repo.history(session, user_id, limit=limit + 1, before_id=starting_after)
    return rows[:limit], len(rows) > limit


async def stats(
    session: AsyncSession, user_id: str, start: datetime | None, end: datetime | None
) -> dict[str, int]:
    """Totals per movement type in [start, end), and the available balance now."""
    totals = await repo.totals_by_type(session, user_id, start, end)
    out = {t: totals.get(t, 0) for t in rules.ENTRY_TYPES}
    out["balance"] = (await balance_view(session, user_id)).balance
    return out


async def stats_by_agent(
    session: AsyncSession, user_id: str, start: datetime | None, end: datetime | None
) -> list[AgentCost]:
    """The user's deducts in [start, end) per agent they paid for; refunds made since count."""
    return [
        AgentCost(*row) for row in await runs_repo.by_agent(session, user_id=user_id, start=start, end=end)
    ]


async def run_cost(
    session: AsyncSession, run_id: str, *, user_id: str | None, limit: int, starting_after: int | None
) -> RunCost | None:
    """The run's total and per-agent breakdown (all of it), and one page of its executions.

    `user_id`: only that payer's deducts (a user sees their own); None: everyone's (admin/service).
    None when the run has no deducts visible to the caller.
    """
    agents = [AgentCost(*row) for row in await runs_repo.by_agent(session, user_id=user_id, run_id=run_id)]
    if not agents:
        return None
    rows = await runs_repo.executions(
        session, run_id, user_id=user_id, limit=limit + 1, after_id=starting_after
    )
    return RunCost(
        run_id=run_id,
        charges=sum(a.charges for a in agents),
        spent=sum(a.spent for a in agents),
        refunded=sum(a.refunded for a in agents),
        agents=agents,
        executions=rows[:limit],
        has_more=len(rows) > limit,
    )


async def low_balance_events(
    session: AsyncSession, user_id: str, *, limit: int, starting_after: str | None
) -> list[CreditLowBalanceEvent]:
    return await repo.low_balance_events(session, user_id, limit=limit, starting_after=starting_after)


async def threshold_of(session: AsyncSession, user_id: str) -> int | None:
    w = await repo.get_wallet(session, user_id)
    return None if w is None else w.low_balance_threshold


async def due_lots(session: AsyncSession, as_of: datetime, limit: int) -> list[int]:
    return await repo.due_lots(session, as_of, limit)


async def earliest_expiry(session: AsyncSession) -> datetime | None:
    return await repo.earliest_expiry(session)
