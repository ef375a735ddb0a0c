"""Events: written in the caller's transaction (the outbox), with one delivery row for each enabled
webhook endpoint that wants it — so an event is never lost, never invented, and each endpoint gets
exactly the events it asked for. A NOTIFY (delivered by PostgreSQL only on commit) wakes the
dispatcher at once; it also sweeps on a timer, so a lost notification only delays.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.events import Event, WebhookDelivery
from db.repositories import events as repo
from domain.events import EVENT_TYPES, matches

NOTIFY_CHANNEL = "meshpay_webhooks"


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


async def emit(
    session: AsyncSession,
    type_: str,
    *,
    account_id: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
) -> Event:
    """Record that `object` changed; call inside the unit of work that made the change."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}")  # a programming error, not a request's
    event = Event(
        id=new_event_id(),
        type=type_,
        account_id=account_id,
        object_type=object_type,
        object_id=object_id,
        data=data,
        created_at=utcnow(),
    )
    await repo.add(session, event)
    wanted = [e for e in await repo.endpoints_for(session, account_id) if matches(e.event_types, type_)]
    if wanted:
        await repo.add(session, *(WebhookDelivery(endpoint_id=e.id, event_id=event.id) for e in wanted))
        await session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
    return event


async def page(
    session: AsyncSession,
    *,
    account_id: str | None,
    types: list[str] | None,
    created_gte: datetime | None,
    created_lt: datetime | None,
    starting_after: str | None,
    limit: int,
) -> tuple[list[Event], bool]:
    after_seq = None
    if starting_after is not None:
        cursor = await repo.event(session, starting_after)
        after_seq = cursor.seq if cursor is not None else 0
    rows = await repo.events_page(
        session,
        account_id=account_id,
        types=types,
        created_gte=created_gte,
        created_lt=created_lt,
        after_seq=after_seq,
        limit=limit + 1,
    )
    return rows[:limit], len(rows) > limit
