"""Temporal Schedules the system needs, created idempotently when the worker starts."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial

from temporalio.client import Client

from activities.credits import ensure_credit_expiry
from activities.webhooks import ensure_webhook_dispatcher
from config.settings import Settings
from services.billing_schedule import ensure_billing_schedule
from workflows.payout_schedule import ensure_payout_schedule

log = logging.getLogger("meshpay.worker")


async def ensure_schedules(client: Client, settings: Settings) -> None:
    """Each area's ensure_* is idempotent (create, or leave the existing schedule as it is)."""
    ensures: list[Callable[[Client], Awaitable[object]]] = [
        partial(ensure_credit_expiry, task_queue=settings.task_queue),
        partial(ensure_payout_schedule, task_queue=settings.task_queue, cron=settings.payout_schedule_cron),
        partial(ensure_billing_schedule, task_queue=settings.task_queue),
        partial(ensure_webhook_dispatcher, task_queue=settings.task_queue),
    ]
    for ensure in ensures:
        try:
            await ensure(client)
        except Exception:  # a schedule problem must not keep the worker from serving workflows
            log.exception("could not ensure schedule %s", getattr(ensure, "func", ensure))
