"""Temporal Schedules the system needs, created idempotently when the worker starts."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)

from activities.credits import ensure_credit_expiry
from activities.webhooks import ensure_webhook_dispatcher
from config.settings import Settings
from contracts.idempotency import IDEMPOTENCY_PURGE_SCHEDULE_ID, IDEMPOTENCY_PURGE_WORKFLOW, PurgeRequest
from services.billing_schedule import ensure_billing_schedule
from workflows.payout_schedule import ensure_payout_schedule

log = logging.getLogger("meshpay.worker")


async def ensure_schedules(client: Client, settings: Settings) -> None:
    """Each area's ensure_* is idempotent (create, or leave the existing schedule as it is)."""
    ensures: list[Callable[[Client], Awaitable[object]]] = [
        partial(ensure_credit_expiry, task_queue=settings.task_queue),
        partial(ensure_payout_schedule, task_queue=settings.task_queue, cron=settings.payout_schedule_cron),
        partial(ensure_billing_schedule, task_queue=settings.task_queue),
        partial(ensure_idempotency_purge_schedule, task_queue=settings.task_queue),
        partial(ensure_webhook_dispatcher, task_queue=settings.task_queue),
    ]
    for ensure in ensures:
        try:
            await ensure(client)
        except Exception:  # a schedule problem must not keep the worker from serving workflows
            log.exception("could not ensure schedule %s", getattr(ensure, "func", ensure))


async def ensure_idempotency_purge_schedule(client: Client, *, task_queue: str) -> bool:
    """Hourly: delete expired Idempotency-Keys (the table would otherwise only grow). True if created."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            IDEMPOTENCY_PURGE_WORKFLOW,
            PurgeRequest(batch=0),
            id="idempotency-purge-run",  # the server appends the scheduled time
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(hours=1))]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        await client.create_schedule(IDEMPOTENCY_PURGE_SCHEDULE_ID, schedule)
        return True
    except ScheduleAlreadyRunningError:
        return False
