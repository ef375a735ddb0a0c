"""Webhook endpoints: a URL, the event types it wants, and a signing secret shown once.

Receiver URLs must not reach this platform's own network (loopback, private, link-local, reserved
addresses), checked when saved and again before each delivery (DNS can change), unless the
`webhook_allow_private_urls` setting allows it (tests, a local receiver in dev).
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.events import WebhookDelivery, WebhookEndpoint
from db.repositories import events as repo
from domain.errors import InvalidAmount, NotFound
from domain.events import valid_filter
from services.events import NOTIFY_CHANNEL


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


# Resolution runs off the event loop and is bounded: a host whose DNS hangs must not hold a request
# (or a worker) for the resolver's own timeout.
DNS_TIMEOUT_SECONDS = 2.0


async def check_url(url: str, *, allow_private: bool) -> None:
    """422 unless `url` is an http(s) URL whose host resolves only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidAmount("url must be an http(s) URL", param="url", code="invalid_url")
    if parts.username or parts.password:
        raise InvalidAmount("url must not carry credentials", param="url", code="invalid_url")
    if allow_private:
        return
    try:
        infos = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(
                parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP
            ),
            timeout=DNS_TIMEOUT_SECONDS,
        )
    except (OSError, UnicodeError, TimeoutError):
        raise InvalidAmount("url's host does not resolve", param="url", code="invalid_url") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise InvalidAmount(
                "url resolves to an internal address", param="url", code="webhook_url_not_allowed"
            )


def check_filters(event_types: list[str] | None) -> None:
    for t in event_types or []:
        if not valid_filter(t):
            raise InvalidAmount(f"unknown event type {t!r}", param="event_types", code="invalid_event_type")


async def create(
    session: AsyncSession,
    *,
    owner_id: str,
    url: str,
    event_types: list[str] | None,
    all_accounts: bool,
    description: str | None,
    allow_private: bool,
) -> WebhookEndpoint:
    await check_url(url, allow_private=allow_private)
    check_filters(event_types)
    now = utcnow()
    row = WebhookEndpoint(
        id=f"we_{secrets.token_hex(12)}",
        owner_id=owner_id,
        all_accounts=all_accounts,
        url=url,
        event_types=sorted(set(event_types)) if event_types is not None else None,
        secret=new_secret(),
        status="enabled",
        description=description,
        created_at=now,
        updated_at=now,
    )
    await repo.add(session, row)
    return row


async def visible(session: AsyncSession, endpoint_id: str, owner_id: str, *, admin: bool) -> WebhookEndpoint:
    row = await repo.endpoint(session, endpoint_id)
    if row is None or (row.owner_id != owner_id and not admin):
        raise NotFound("no such webhook endpoint", param="endpoint_id", code="webhook_endpoint_not_found")
    return row


async def update(
    session: AsyncSession,
    row: WebhookEndpoint,
    *,
    url: str | None,
    event_types: list[str] | None,
    clear_event_types: bool,
    enabled: bool | None,
    description: str | None,
    allow_private: bool,
) -> WebhookEndpoint:
    if url is not None:
        await check_url(url, allow_private=allow_private)
        row.url = url
    if clear_event_types:
        row.event_types = None
    elif event_types is not None:
        check_filters(event_types)
        row.event_types = sorted(set(event_types))
    if enabled is not None:
        row.status = "enabled" if enabled else "disabled"
        row.disabled_reason = None if enabled else "disabled by its owner"
    if description is not None:
        row.description = description
    row.updated_at = utcnow()
    await session.flush()
    return row


async def resend(
    session: AsyncSession, row: WebhookEndpoint, event_id: str, *, admin: bool
) -> WebhookDelivery:
    """Queue `event_id` to this endpoint again (a new delivery; the old attempts stay listed)."""
    event = await repo.event(session, event_id)
    if event is None or not (admin or row.all_accounts or event.account_id == row.owner_id):
        raise NotFound("no such event", param="event_id", code="event_not_found")
    delivery = WebhookDelivery(
        endpoint_id=row.id, event_id=event.id, resend=await repo.next_resend(session, row.id, event.id)
    )
    await repo.add(session, delivery)

    await session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
    return delivery
