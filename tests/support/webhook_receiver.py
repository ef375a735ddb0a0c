"""A local webhook receiver, as an integrator writes one: it verifies every delivery with the
`standardwebhooks` library's own verifier and records what it got, per endpoint path."""

from __future__ import annotations

import asyncio
import socket
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Receiver:
    base: str
    secrets: dict[str, str] = field(default_factory=dict)  # path → signing secret
    received: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    refused: list[str] = field(default_factory=list)
    fail_paths: set[str] = field(default_factory=set)  # answer 500 here

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def webhook_receiver() -> AsyncIterator[Receiver]:
    port = _free_port()
    receiver = Receiver(f"http://127.0.0.1:{port}")

    async def hook(request: Request) -> Response:
        path = request.path_params["path"]
        body = await request.body()
        if path in receiver.fail_paths:
            return Response(status_code=500)
        secret = receiver.secrets.get(path)
        try:
            doc = Webhook(secret).verify(body, dict(request.headers)) if secret else None
        except WebhookVerificationError as exc:
            receiver.refused.append(f"{path}: {exc}")
            return Response(status_code=400)
        if doc is None:
            receiver.refused.append(f"{path}: no secret registered")
            return Response(status_code=400)
        receiver.received[path].append({**doc, "_webhook_id": request.headers["webhook-id"]})
        return Response(status_code=204)

    app = Starlette(routes=[Route("/{path}", hook, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
