"""No request body may carry card data: anything shaped like a card number (13-19 digits passing
Luhn) or under a card-data key (number, cvc, ...) is refused with 422 before any route, dependency
or other middleware sees it — so it is never stored, logged, hashed into an idempotency record or
written into Temporal history. The value is never echoed.

Provider webhooks are exempt: they are signed by the provider, and refusing one would drop an event.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from api.middleware.body_size import WEBHOOK_PREFIX
from api.middleware.send_json import send_json
from domain.payments import looks_like_card_data

CARD_DATA_REFUSED = error_body(
    "invalid_request",
    "card_data_refused",
    "raw card data is never accepted: send the provider's payment method token",
    "body",
)


def body_has_card_data(body: bytes) -> bool:
    if not body:
        return False
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        doc = body.decode("utf-8", "replace")  # not JSON (the route refuses it): scan it as text
    return looks_like_card_data(doc)


class CardDataGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or scope["path"].startswith(WEBHOOK_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        # The body is bounded by BodySizeLimitMiddleware (outside this one) before it is buffered.
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body_has_card_data(body):
            await send_json(send, 422, CARD_DATA_REFUSED)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
