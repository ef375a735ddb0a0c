"""Logs: one line per event through structlog, JSON (`MESHPAY_LOG_JSON=1`) or key=value, from every
logger in the process (ours, uvicorn's, temporalio's) with the context bound where it happened:
request id and trace id (API), principal, and workflow id, run id, activity and attempt (worker).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import IO, Any

import structlog

_TEMPORAL_KEYS = ("workflow_id", "run_id", "workflow_type", "activity_type", "attempt")


def _record_extras(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """Fields a stdlib record carried: our `extra={"fields": {...}}` and Temporal's workflow/activity
    info (`temporal_workflow` / `temporal_activity`)."""
    record = event.get("_record")
    if record is not None:
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            event.update(fields)
        for attr in ("temporal_workflow", "temporal_activity"):
            info = getattr(record, attr, None)
            if isinstance(info, Mapping):
                event.update({k: info[k] for k in _TEMPORAL_KEYS if k in info})
    return event


def configure_logging(*, json_logs: bool, level: str = "INFO", stream: IO[str] | None = None) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _record_extras,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=False, pad_event_to=0)
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


_CAUSE_KEYS = ("request_id", "principal_id", "workflow_id", "run_id", "activity_type")


def cause() -> dict[str, Any]:
    """What is running now, from the bound context: the API request (id, principal) or the workflow
    activity (workflow id, run id, activity). Ledger transactions store it, so `meshpay explain`
    can say what moved the money without guessing."""
    bound_now = structlog.contextvars.get_contextvars()
    return {k: bound_now[k] for k in _CAUSE_KEYS if bound_now.get(k) is not None}


bind = structlog.contextvars.bind_contextvars
bound = structlog.contextvars.bound_contextvars
