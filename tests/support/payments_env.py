"""An end-to-end payments environment: the real app (ASGI) + a worker from the registry on the
Temporal dev server, PostgreSQL, and localstripe. Plus Stripe webhook signing like Stripe's."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from temporalio.client import Client

from activities.deps import Deps
from config.settings import Settings
from db.session import SessionFactory
from workers.main import build_worker


@dataclass
class PayEnv:
    client: Client
    http: httpx.AsyncClient
    settings: Settings
    factory: SessionFactory
    task_queue: str


@asynccontextmanager
async def payments_env(
    client: Client,
    settings: Settings,
    factory: SessionFactory,
    make_app: Callable[..., Any],
    **overrides: Any,
) -> AsyncIterator[PayEnv]:
    tq = f"pay-{uuid.uuid4().hex[:10]}"
    s = settings.model_copy(update={"task_queue": tq, **overrides})
    worker = build_worker(client, Deps(settings=s, session_factory=factory, client=client), tq)
    app = make_app(temporal_client=client, task_queue=tq, **overrides)
    async with (
        worker,
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=60) as http,
    ):
        yield PayEnv(client, http, s, factory, tq)


def stripe_event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }


def stripe_signed(
    event: dict[str, Any], secret: str, *, at: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and Stripe-Signature header Stripe would send (HMAC-SHA256 over "{t}.{body}")."""
    body = json.dumps(event).encode()
    t = int(time.time()) if at is None else at
    sig = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={t},v1={sig}", "Content-Type": "application/json"}
