"""A request body larger than the limit is refused with 413 before it is read (and a URI longer
than a few KiB with 414).

A declared Content-Length over the limit is answered at once (nothing is read); a body that streams
(chunked, or a lying Content-Length) is counted as it arrives and refused the moment it passes the
limit. Webhooks have a tighter limit: they are unauthenticated until their signature is checked.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from api.middleware.send_json import send_json

WEBHOOK_PREFIX = "/api/v1/payments/webhooks/"
# Every path and query parameter is bounded by these (no id or filter comes near them).
MAX_PATH_BYTES = 2048
MAX_QUERY_BYTES = 4096


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the streamed body passes the limit; answered as 413 either by the
    app's error handlers (a route was reading) or by this middleware (another middleware was)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit


def _too_large(limit: int) -> dict[str, object]:
    return error_body(
        "invalid_request", "request_too_large", f"the request body is larger than {limit} bytes"
    )


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_webhook_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_webhook_bytes = max_webhook_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("raw_path") or scope["path"].encode()) > MAX_PATH_BYTES or (
            len(scope.get("query_string", b"")) > MAX_QUERY_BYTES
        ):
            body = error_body("invalid_request", "uri_too_long", "the request URI is too long")
            await send_json(send, 414, body)
            return
        limit = self.max_webhook_bytes if scope["path"].startswith(WEBHOOK_PREFIX) else self.max_bytes
        declared = _content_length(scope)
        if declared == -1:
            body = error_body("invalid_request", "invalid_content_length", "Content-Length is not a number")
            await send_json(send, 400, body)
            return
        if declared is not None and declared > limit:
            await send_json(send, 413, _too_large(limit), extra_headers=[(b"connection", b"close")])
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await send_json(send, 413, _too_large(limit), extra_headers=[(b"connection", b"close")])


def _content_length(scope: Scope) -> int | None:
    """The declared length; None when absent; -1 when it is not a plain decimal number."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            if not value.isdigit() or len(value) > 18:
                return -1
            return int(value)
    return None
