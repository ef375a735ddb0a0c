"""Events, webhook endpoints, deliveries and attempts: all their SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.events import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint


async def add(session: AsyncSession, *rows: Any) -> None:
    session.add_all(rows)
    await session.flush()


async def event(session: AsyncSession, event_id: str) -> Event | None:
    return await session.get(Event, event_id)


async def events_page(
    session: AsyncSession,
    *,
    account_id: str | None,
    types: list[str] | None,
    created_gte: datetime | None,
    created_lt: datetime | None,
    after_seq: int | None,
    limit: int,
) -> list[Event]:
    q = select(Event).order_by(Event.seq.desc()).limit(limit)
    if account_id is not None:
        q = q.where(Event.account_id == account_id)
    if types:
        exact = [t for t in types if not t.endswith(".*")]
        prefixes = [t[:-1] for t in types if t.endswith(".*")]
        q = q.where(or_(Event.type.in_(exact), *(Event.type.startswith(p) for p in prefixes)))
    if created_gte is not None:
        q = q.where(Event.created_at >= created_gte)
    if created_lt is not None:
        q = q.where(Event.created_at < created_lt)
    if after_seq is not None:
        q = q.where(Event.seq < after_seq)
    return list((await session.execute(q)).scalars())


async def endpoints_for(session: AsyncSession, account_id: str) -> list[WebhookEndpoint]:
    """Enabled endpoints that receive this account's events (its own, and all-account ones)."""
    q = select(WebhookEndpoint).where(
        WebhookEndpoint.status == "enabled",
        or_(WebhookEndpoint.owner_id == account_id, WebhookEndpoint.all_accounts.is_(True)),
    )
    return list((await session.execute(q)).scalars())


async def endpoint(session: AsyncSession, endpoint_id: str) -> WebhookEndpoint | None:
    return await session.get(WebhookEndpoint, endpoint_id)


async def endpoints_page(
    session: AsyncSession, owner_id: str | None, *, after: str | None, limit: int
) -> list[WebhookEndpoint]:
    q = select(WebhookEndpoint).order_by(WebhookEndpoint.id).limit(limit)
    if owner_id is not None:
        q = q.where(WebhookEndpoint.owner_id == owner_id)
    if after is not None:
        q = q.where(WebhookEndpoint.id > after)
    return list((await session.execute(q)).scalars())


async def undispatched(session: AsyncSession, limit: int) -> list[WebhookDelivery]:
    q = (
        select(WebhookDelivery)
        .where(WebhookDelivery.dispatched.is_(False))
        .order_by(WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(q)).scalars())


async def mark_dispatched(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(ids)).values(dispatched=True)
        )


async def delivery(session: AsyncSession, delivery_id: int, *, lock: bool = False) -> WebhookDelivery | None:
    q = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    if lock:
        q = q.with_for_update()
    return (await session.execute(q)).scalar_one_or_none()


async def next_resend(session: AsyncSession, endpoint_id: str, event_id: str) -> int:
    q = select(WebhookDelivery.resend).where(
        WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.event_id == event_id
    )
    return max([*(await session.execute(q)).scalars(), -1]) + 1


async def attempts_page(
    session: AsyncSession, endpoint_id: str, *, after: int | None, limit: int
) -> list[WebhookAttempt]:
    q = (
        select(WebhookAttempt)
        .where(WebhookAttempt.endpoint_id == endpoint_id)
        .order_by(WebhookAttempt.id.desc())
        .limit(limit)
    )
    if after is not None:
        q = q.where(WebhookAttempt.id < after)
    return list((await session.execute(q)).scalars())
