"""Request ids, one structured log line per request, Prometheus metrics. Pure ASGI for low overhead."""

from __future__ import annotations

import logging
import re
import time
import uuid

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.logging import bound
from config.telemetry import current_trace_id

log = logging.getLogger("meshpay.request")

REQUESTS = Counter("meshpay_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "meshpay_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


class RequestContextMiddleware:
    """Adds X-Request-Id, logs one line per request, records count and latency per route template."""

    def __init__(self, app: ASGIApp, *, log_requests: bool = True) -> None:
        self.app = app
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # With tracing on, the request id is the trace id: logs, the X-Request-Id header and the
        # trace of the workflow it started all carry the same id.
        request_id = current_trace_id() or _client_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        # Every log line of this request carries its id; the principal is bound once known
        # (api/deps.py) and unbound with the rest when the request ends.
        with bound(request_id=request_id, principal_id=None, role=None):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = getattr(scope.get("route"), "path", None) or "unmatched"
                REQUESTS.labels(scope["method"], route, str(status)).inc()
                LATENCY.labels(scope["method"], route).observe(elapsed)
                if self.log_requests:
                    log.info(
                        "request",
                        extra={
                            "fields": {
                                "method": scope["method"],
                                "path": scope["path"],
                                "status": status,
                                "ms": round(elapsed * 1000, 2),
                            }
                        },
                    )


# A client's X-Request-Id is kept only if it is a plain token; anything else (spaces, `=`, control
# characters, over 64 characters) is replaced, so a caller cannot forge fields in our log lines.
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def _client_request_id(scope: Scope) -> str | None:
    for k, v in scope.get("headers", []):
        if k == b"x-request-id":
            return v.decode("ascii") if _REQUEST_ID.fullmatch(v) else None
    return None
