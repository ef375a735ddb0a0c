"""Idempotency-Key on POSTs, with Stripe's semantics, as ASGI middleware.

The first response (status + body) is stored and replayed for 24 h with `Idempotent-Replayed: true`;
the same key with a different request (method, path, query string, body) → 409
idempotency_key_reused; a duplicate while the first is in flight → 409 idempotency_key_in_use.
Keys are scoped per principal.

A 5xx is not stored, but the key stays bound to its request: a 503 may come after Temporal applied
the change, so the retry must run the same operation again, and does so safely because the routes
derive their workflow and update ids from (principal, key). A request whose process died leaves its
key in flight only until `idempotency_in_flight_seconds` pass; then a retry of the same request
takes it over and re-runs (safe for the same reason). Expired keys are purged on a schedule.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any

import orjson
from fastapi import Header
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.api_keys import authenticate
from api.auth import AuthError
from api.errors import error_body
from config.metrics import IDEMPOTENCY
from db.base import utcnow
from db.models.platform import IdempotencyRecord
from db.repositories import idempotency as repo
from services.temporal_gateway import derived_id

_REPLAYED_HEADERS = ("content-type", "location")

# The caller's Idempotency-Key, for routes that derive workflow / update ids from it
# (services.temporal_gateway.derived_id), so a retry after a lost answer finds the first attempt.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="retry with the same key after a timeout or a 503: the move happens once",
    ),
]


def op_id(principal_id: str, key: str | None, purpose: str) -> str | None:
    """The id of what (principal, key) asked for `purpose`; None without a key (no promise then)."""
    return derived_id(principal_id, key, purpose) if key else None


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        key_raw = headers.get(b"idempotency-key")
        if key_raw is None:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings = state.settings
        try:
            principal = await authenticate(headers.get(b"authorization", b"").decode("latin-1"), state)
        except AuthError:
            await self.app(scope, receive, send)  # the route answers 401
            return
        key = key_raw.decode("latin-1")
        if not 1 <= len(key) <= 255:
            await _send_json(
                send,
                422,
                error_body(
                    "invalid_request",
                    "invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 255 characters",
                    "Idempotency-Key",
                ),
            )
            return

        body = await _read_body(receive)
        request_hash = hashlib.sha256(
            scope["method"].encode()
            + b" "
            + scope["path"].encode()
            + b"?"
            + scope.get("query_string", b"")
            + b"\n"
            + body
        ).hexdigest()
        factory = state.session_factory
        record_id, existing = await _claim(
            factory,
            settings,
            principal_id=principal.id,
            key=key,
            method=scope["method"],
            path=scope["path"],
            request_hash=request_hash,
        )
        if record_id is None:
            await self._answer_duplicate(existing, request_hash, send)
            return

        captured: dict[str, object] = {"status": 500, "headers": [], "body": b""}
        chunks: list[bytes] = []

        async def capture_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, _replay_receive(body, receive), capture_send)
        except BaseException:
            async with factory() as session, session.begin():
                await repo.release(session, record_id, utcnow())
            raise
        status = int(captured["status"])  # type: ignore[call-overload]
        async with factory() as session, session.begin():
            if status >= 500:
                await repo.release(session, record_id, utcnow())
            else:
                kept = {
                    k.decode("latin-1"): v.decode("latin-1")
                    for k, v in captured["headers"]  # type: ignore[attr-defined]
                    if k.decode("latin-1").lower() in _REPLAYED_HEADERS
                }
                await repo.complete(session, record_id, status, b"".join(chunks), kept)

    async def _answer_duplicate(
        self, existing: IdempotencyRecord | None, request_hash: str, send: Send
    ) -> None:
        if existing is not None and existing.request_hash != request_hash:
            IDEMPOTENCY.labels("conflict").inc()
            await _send_json(
                send,
                409,
                error_body(
                    "idempotency_error",
                    "idempotency_key_reused",
                    "this Idempotency-Key was used with a different request",
                    "Idempotency-Key",
                ),
            )
            return
        if existing is None or existing.status_code is None:
            IDEMPOTENCY.labels("in_use").inc()
            await _send_json(
                send,
                409,
                error_body(
                    "idempotency_error",
                    "idempotency_key_in_use",
                    "a request with this Idempotency-Key is still being processed; retry later",
                    "Idempotency-Key",
                ),
                headers=[(b"retry-after", b"1")],
            )
            return
        headers = [(k.encode(), v.encode()) for k, v in (existing.response_headers or {}).items()]
        headers.append((b"idempotent-replayed", b"true"))
        IDEMPOTENCY.labels("replayed").inc()
        await send({"type": "http.response.start", "status": existing.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": existing.response_body or b""})


async def _claim(
    factory: Any,
    settings: Any,
    *,
    principal_id: str,
    key: str,
    method: str,
    path: str,
    request_hash: str,
) -> tuple[int | None, IdempotencyRecord | None]:
    """(record id we now own, None) or (None, the record that answers this request)."""
    now = utcnow()
    in_flight = timedelta(seconds=settings.idempotency_in_flight_seconds)
    claim: dict[str, Any] = {
        "principal_id": principal_id,
        "key": key,
        "method": method,
        "path": path,
        "request_hash": request_hash,
        "expires_at": now + timedelta(hours=settings.idempotency_ttl_hours),
        "locked_until": now + in_flight,
    }
    async with factory() as session, session.begin():
        record_id = await repo.claim(session, **claim)
        if record_id is not None:
            return record_id, None
        existing = await repo.find(session, principal_id, key)
        if existing is None:  # purged between the two statements: the next retry claims it
            return None, None
        if existing.expires_at < now:
            await repo.delete_expired(session, existing.id, now)
            return await repo.claim(session, **claim), None
        if existing.status_code is None and existing.request_hash == request_hash:
            taken = await repo.take_over(
                session,
                existing.id,
                request_hash=request_hash,
                now=now,
                stale_before=now - in_flight,
                locked_until=now + in_flight,
            )
            if taken is not None:
                return taken, None
        return None, existing


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _replay_receive(body: bytes, original: Receive) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()  # after the body: wait for the real disconnect

    return receive


async def _send_json(
    send: Send, status: int, doc: dict[str, object], headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = orjson.dumps(doc)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
