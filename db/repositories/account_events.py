"""Account events SQL: append one, page through a principal's (newest first)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.account_events import AccountEvent
from db.pagination import keyset_page


async def record(session: AsyncSession, owner_id: str, kind: str, data: dict[str, Any]) -> AccountEvent:
    event = AccountEvent(
        id=f"evt_{uuid.uuid4().hex[:24]}", owner_id=owner_id, kind=kind, data=data, created_at=utcnow()
    )
    session.add(event)
    await session.flush()
    return event


async def events_of(
    session: AsyncSession, owner_id: str, *, limit: int, starting_after: str | None
) -> list[AccountEvent]:
    stmt = select(AccountEvent).where(AccountEvent.owner_id == owner_id)
    return await keyset_page(
        session,
        stmt,
        AccountEvent,
        order=[AccountEvent.created_at],
        limit=limit,
        starting_after=starting_after,
        descending=True,
    )
