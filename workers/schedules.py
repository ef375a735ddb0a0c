"""Temporal Schedules the system needs, created idempotently when the worker starts."""

from __future__ import annotations

import logging

from temporalio.client import Client

from config.settings import Settings

log = logging.getLogger("meshpay.worker")


async def ensure_schedules(client: Client, settings: Settings) -> None:
    """Each area's ensure_* is idempotent (create, or leave the existing schedule as it is)."""
    ensures: list = []
    # credits
    # billing
    # payouts
    for ensure in ensures:
        try:
            await ensure(client)
        except Exception:  # a schedule problem must not keep the worker from serving workflows
            log.exception("could not ensure schedule %s", getattr(ensure, "__name__", ensure))
