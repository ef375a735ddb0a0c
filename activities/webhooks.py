"""Outbound webhook activities: dispatch (outbox → delivery workflows), deliver (one signed POST),
give up (disable the endpoint). Deliveries are signed with the maintained `standardwebhooks`
library (headers webhook-id, webhook-timestamp, webhook-signature), as a receiver verifies them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import psycopg
from sqlalchemy.engine import make_url
from standardwebhooks.webhooks import Webhook
from temporalio import activity
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from activities.deps import Deps
from config.metrics import WEBHOOK_DELIVERIES
from contracts import webhooks as c
from db.base import utcnow
from db.models.events import Event, WebhookAttempt, WebhookEndpoint
from db.repositories import events as repo
from db.session import unit_of_work
from domain.errors import DomainError
from services import events
from services.webhook_endpoints import check_url

_DISPATCH_BATCH = 200


def payload(event: Event) -> bytes:
    """The body a receiver gets (Standard Webhooks' {type, timestamp, data} plus our ids)."""
    return orjson.dumps(
        {
            "id": event.id,
            "type": event.type,
            "timestamp": event.created_at.isoformat(),
            "account_id": event.account_id,
            "data": {"object_type": event.object_type, "object_id": event.object_id, "object": event.data},
        }
    )


def signed_headers(endpoint: WebhookEndpoint, event: Event, body: bytes, now: datetime) -> dict[str, str]:
    signature = Webhook(endpoint.secret).sign(event.id, now, body.decode())
    return {
        "content-type": "application/json",
        "webhook-id": event.id,  # the same on every retry: receivers dedupe by it
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "user-agent": "meshpay-webhooks/1",
    }


class WebhookActivities:
    def __init__(self, deps: Deps, http: httpx.AsyncClient | None = None) -> None:
        self.deps = deps
        self._http = http

    def all(self) -> list[Any]:
        return [self.dispatch, self.deliver, self.give_up]

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
        return self._http

    # --- dispatch -------------------------------------------------------------------------------

    async def dispatch_pending(self, task_queue: str) -> int:
        """Start a delivery workflow for every undispatched delivery; the workflow id dedupes."""
        started = 0
        while True:
            async with unit_of_work(self.deps.session_factory) as s:
                batch = await repo.undispatched(s, _DISPATCH_BATCH)
                for d in batch:
                    with contextlib.suppress(WorkflowAlreadyStartedError):
                        await self.deps.client.start_workflow(
                            c.DELIVERY_WORKFLOW,
                            self._delivery_input(d.id),
                            id=c.delivery_workflow_id(d.id),
                            task_queue=task_queue or self.deps.settings.task_queue,
                            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                        )
                await repo.mark_dispatched(s, [d.id for d in batch])
            started += len(batch)
            if len(batch) < _DISPATCH_BATCH:
                return started

    def _delivery_input(self, delivery_id: int) -> c.DeliveryInput:
        s = self.deps.settings
        return c.DeliveryInput(
            delivery_id,
            retry_window_seconds=s.webhook_retry_window_seconds,
            initial_interval_seconds=s.webhook_initial_retry_seconds,
            maximum_interval_seconds=s.webhook_max_retry_seconds,
        )

    @activity.defn(name=c.DISPATCH_ACTIVITY)
    async def dispatch(self, inp: c.DispatcherInput) -> None:
        """LISTEN for committed events and sweep on a timer, for `run_seconds`, heartbeating."""
        url = make_url(self.deps.settings.database_url).set(drivername="postgresql")
        deadline = time.monotonic() + inp.run_seconds
        async with await psycopg.AsyncConnection.connect(
            url.render_as_string(hide_password=False), autocommit=True
        ) as conn:
            await conn.execute(f"LISTEN {events.NOTIFY_CHANNEL}")
            notifies = conn.notifies()
            while time.monotonic() < deadline:
                await self.dispatch_pending(inp.task_queue)
                activity.heartbeat()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(anext(notifies), timeout=inp.sweep_seconds)

    # --- deliver --------------------------------------------------------------------------------

    @activity.defn(name=c.DELIVER_ACTIVITY)
    async def deliver(self, delivery_id: int) -> c.DeliveryResult:
        async with self.deps.session_factory() as s:
            d = await repo.delivery(s, delivery_id)
            if d is None or d.status != "pending":
                return c.DeliveryResult("skipped")
            endpoint = await repo.endpoint(s, d.endpoint_id)
            event = await repo.event(s, d.event_id)
        if endpoint is None or event is None or endpoint.status != "enabled":
            await self._finish(delivery_id, "failed")
            return c.DeliveryResult("skipped", d.attempts)
        body = payload(event)
        started = time.perf_counter()
        code: int | None = None
        error: str | None = None
        try:
            await check_url(endpoint.url, allow_private=self.deps.settings.webhook_allow_private_urls)
            now = datetime.now(UTC)
            r = await self.http.post(
                endpoint.url, content=body, headers=signed_headers(endpoint, event, body, now)
            )
            code = r.status_code
        except DomainError as exc:
            error = exc.message
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        ok = code is not None and 200 <= code < 300
        WEBHOOK_DELIVERIES.labels("succeeded" if ok else "failed").inc()
        async with unit_of_work(self.deps.session_factory) as s:
            await repo.add(
                s,
                WebhookAttempt(
                    delivery_id=delivery_id,
                    endpoint_id=endpoint.id,
                    event_id=event.id,
                    status_code=code,
                    error=error,
                    duration_ms=int((time.perf_counter() - started) * 1000),
                    succeeded=ok,
                    created_at=utcnow(),
                ),
            )
            row = await repo.delivery(s, delivery_id, lock=True)
            assert row is not None
            row.attempts += 1
            if ok:
                row.status, row.finished_at = "succeeded", utcnow()
        if not ok:
            # Retryable: Temporal backs off and tries again until the window closes.
            raise ApplicationError(f"receiver answered {code if code is not None else error}")
        return c.DeliveryResult("succeeded", row.attempts)

    async def _finish(self, delivery_id: int, status: str) -> None:
        async with unit_of_work(self.deps.session_factory) as s:
            row = await repo.delivery(s, delivery_id, lock=True)
            if row is not None and row.status == "pending":
                row.status, row.finished_at = status, utcnow()

    # --- give up --------------------------------------------------------------------------------

    @activity.defn(name=c.GIVE_UP_ACTIVITY)
    async def give_up(self, delivery_id: int) -> c.DeliveryResult:
        """The retry window closed: the delivery failed and its endpoint is disabled (an event)."""
        async with unit_of_work(self.deps.session_factory) as s:
            d = await repo.delivery(s, delivery_id, lock=True)
            if d is None:
                return c.DeliveryResult("skipped")
            if d.status == "pending":
                d.status, d.finished_at = "failed", utcnow()
            endpoint = await repo.endpoint(s, d.endpoint_id)
            if endpoint is not None and endpoint.status == "enabled":
                endpoint.status = "disabled"
                endpoint.disabled_reason = (
                    f"deliveries failed for the whole retry window (event {d.event_id})"
                )
                endpoint.updated_at = utcnow()
                await events.emit(
                    s,
                    "webhook_endpoint.disabled",
                    account_id=endpoint.owner_id,
                    object_type="webhook_endpoint",
                    object_id=endpoint.id,
                    data={"id": endpoint.id, "url": endpoint.url, "reason": endpoint.disabled_reason},
                )
            return c.DeliveryResult("failed", d.attempts)


async def ensure_webhook_dispatcher(client: Any, task_queue: str) -> None:
    """Start the dispatcher if it is not running (idempotent: one per namespace)."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            c.DISPATCHER_WORKFLOW,
            c.DispatcherInput(task_queue=task_queue),
            id=c.DISPATCHER_WORKFLOW_ID,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
