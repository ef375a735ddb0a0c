"""Answering from ASGI middleware, before (or instead of) the app, in the one error shape."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import Send


async def send_json(
    send: Send, status: int, body: dict[str, Any], *, extra_headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = orjson.dumps(body)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *(extra_headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
