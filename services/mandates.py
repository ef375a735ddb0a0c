"""Spending mandates: grant, read, revoke, and charge one under its caps (issue #11, AP2-style).

`authorize` and `record_charge` run inside the deduct's own DB transaction: the mandate row is locked
first (so a revocation is seen at once and charges under one mandate serialise), and the spend is
added to the day's and the month's usage rows by a guarded UPDATE that refuses to pass the cap — a
refusal raises, and the caller's transaction (the debit included) rolls back.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.mandates import Mandate as MandateRow
from db.repositories import mandates as repo
from domain import mandates as rules
from domain.errors import InvalidAmount, NotFound
from domain.mandates import Mandate


@dataclass(frozen=True, slots=True)
class MandateView:
    row: MandateRow
    status: str
    spent_today: int
    spent_this_month: int


def new_mandate_id() -> str:
    """Ids sort by creation time (ms), so the list pages on the id alone."""
    return f"mdt_{int(time.time() * 1000):012x}{uuid.uuid4().hex[:16]}"


def _not_found() -> NotFound:
    return NotFound("no such mandate", param="mandate_id", code="mandate_not_found")


async def create(
    session: AsyncSession,
    *,
    user_id: str,
    agent_id: str,
    currency: str,
    max_per_charge: int,
    max_per_day: int,
    max_per_month: int,
    contract_id: str | None,
    expires_at: datetime | None,
    description: str | None,
) -> MandateRow:
    if currency not in rules.CURRENCIES:
        raise InvalidAmount(
            f"mandates can charge {', '.join(rules.CURRENCIES)} only",
            param="currency",
            code="unsupported_currency",
        )
    if agent_id == user_id:
        raise InvalidAmount("a mandate is granted to someone else", param="agent_id")
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise InvalidAmount("expires_at must be in the future", param="expires_at")
    rules.validate_caps(max_per_charge, max_per_day, max_per_month)
    mandate_id = new_mandate_id()
    await repo.insert(
        session,
        {
            "id": mandate_id,
            "user_id": user_id,
            "agent_id": agent_id,
            "currency": currency,
            "max_per_charge": max_per_charge,
            "max_per_day": max_per_day,
            "max_per_month": max_per_month,
            "contract_id": contract_id,
            "description": description,
            "expires_at": expires_at,
            "revoked_at": None,
            "created_at": now,
        },
    )
    row = await repo.get_row(session, mandate_id)
    assert row is not None
    return row


async def views(
    session: AsyncSession, rows: list[MandateRow], now: datetime | None = None
) -> list[MandateView]:
    """Each mandate with its status and what was charged under it this UTC day and month (one query)."""
    now = now or utcnow()
    day, month = rules.day_period(now), rules.month_period(now)
    used = await repo.usage(session, [r.id for r in rows], [day, month]) if rows else {}
    return [
        MandateView(r, rules.status(repo.to_domain(r), now), used[(r.id, day)], used[(r.id, month)])
        for r in rows
    ]


async def view(session: AsyncSession, row: MandateRow) -> MandateView:
    return (await views(session, [row]))[0]


async def visible(session: AsyncSession, mandate_id: str, *, principal_id: str, sees_all: bool) -> MandateRow:
    """The mandate if the caller is its user or its agent (or sees all); else 404."""
    row = await repo.get_row(session, mandate_id)
    if row is None or not (sees_all or principal_id in (row.user_id, row.agent_id)):
        raise _not_found()
    return row


async def page(
    session: AsyncSession,
    *,
    user_id: str | None,
    agent_id: str | None,
    limit: int,
    starting_after: str | None,
) -> tuple[list[MandateRow], bool]:
    rows = await repo.page(
        session, user_id=user_id, agent_id=agent_id, limit=limit + 1, before_id=starting_after
    )
    return rows[:limit], len(rows) > limit


async def revoke(session: AsyncSession, mandate_id: str, *, user_id: str, admin: bool = False) -> MandateRow:
    """The user who granted it (or an admin); a second revoke changes nothing (the first time stays)."""
    row = await repo.get_row(session, mandate_id)
    if row is None or not (admin or row.user_id == user_id):
        raise _not_found()
    await repo.revoke(session, mandate_id, utcnow())
    await session.refresh(row)
    return row


async def authorize(
    session: AsyncSession,
    mandate_id: str,
    *,
    user_id: str,
    agent_id: str | None,
    entry_key: str | None = None,
) -> tuple[Mandate, bool]:
    """Lock the mandate; it must be this user's, granted to this agent (None: any — a service acting
    for the mandate's agent). Anyone else's mandate is indistinguishable from none: 404. Also says
    whether the user's credits entry `entry_key` exists already (the charge is a replay)."""
    m, replay = await repo.lock(
        session, mandate_id, entry_of=None if entry_key is None else (user_id, entry_key)
    )
    if m is None or m.user_id != user_id or (agent_id is not None and m.agent_id != agent_id):
        raise _not_found()
    return m, replay


async def record_charge(session: AsyncSession, m: Mandate, *, amount: int, now: datetime) -> None:
    """Add a new charge (already checked with domain.mandates.check_charge) to the day's and the
    month's usage; past either cap → 409 mandate_cap_exceeded and the caller's transaction rolls back."""
    periods = {rules.day_period(now): m.max_per_day, rules.month_period(now): m.max_per_month}
    moved = await repo.add_usage(session, m.id, {p: (amount, cap) for p, cap in periods.items()}, now)
    for period in periods:
        if period not in moved:
            raise rules.cap_exceeded(period)
