"""Logs are one JSON line per event (structlog), carrying the context where they were written:
the request id and principal in the API, the workflow id and activity in the worker."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
from temporalio import activity
from temporalio.worker import Worker

from bench.floor_workflows import OneActivityWorkflow
from config.logging import configure_logging
from tests.support.tokens import auth, uid
from workers.log_context import LogContextInterceptor


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(json_logs=True, level="INFO", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def _lines(text: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


async def test_a_request_logs_one_json_line_with_its_request_id_and_principal(
    json_logs: io.StringIO, make_app: Any
) -> None:
    from api.app import create_app

    app = create_app(make_app().state.settings, log_requests=True)
    user = uid("u")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        r = await http.get("/api/v1/payments/credits/balance", headers=auth(user))
    assert r.status_code == 200
    lines = [d for d in _lines(json_logs.getvalue()) if d.get("event") == "request"]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line["request_id"] == r.headers["x-request-id"]
    assert line["principal_id"] == user and line["status"] == 200 and line["level"] == "info"
    assert line["path"] == "/api/v1/payments/credits/balance" and "timestamp" in line


@activity.defn(name="floor_noop")
async def noisy(n: int) -> int:
    logging.getLogger("meshpay.test").info("working on it", extra={"fields": {"n": n}})
    return n


async def test_an_activity_logs_its_workflow_and_attempt(json_logs: io.StringIO, ts_env: Any) -> None:
    tq = f"log-{uuid.uuid4().hex[:8]}"
    wf_id = f"log-wf-{uuid.uuid4().hex[:8]}"
    async with Worker(
        ts_env.client,
        task_queue=tq,
        workflows=[OneActivityWorkflow],
        activities=[noisy],
        interceptors=[LogContextInterceptor()],
    ):
        assert await ts_env.client.execute_workflow(OneActivityWorkflow.run, 7, id=wf_id, task_queue=tq) == 7
    lines = [d for d in _lines(json_logs.getvalue()) if d.get("event") == "working on it"]
    assert len(lines) == 1, lines
    assert lines[0]["workflow_id"] == wf_id and lines[0]["activity_type"] == "floor_noop"
    assert lines[0]["attempt"] == 1 and lines[0]["n"] == 7
