"""One trace per payment: the API request → Temporal (start, workflow, activity) → SQL and the
provider's HTTP call, all under the request's trace id, which is also its X-Request-Id."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client

from activities.deps import Deps
from api.app import create_app
from config import telemetry
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.tokens import auth, uid
from workers.main import build_worker

pytestmark = pytest.mark.e2e


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    names, cur = [], span
    while cur.parent is not None and cur.parent.span_id in by_id:
        cur = by_id[cur.parent.span_id]
        names.append(cur.name)
    return names


async def test_a_payment_is_one_trace_from_request_to_provider_call(
    dev_env: Any,
    settings: Any,
    session_factory: Any,
    localstripe: str,  # noqa: F811
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    client = Client(
        dev_env.client.service_client,
        namespace=dev_env.client.namespace,
        interceptors=telemetry.temporal_interceptors(provider),
    )
    tq = f"trace-{uuid.uuid4().hex[:8]}"
    s = settings.model_copy(update={"task_queue": tq, "stripe_api_base": localstripe})
    app = create_app(s, temporal_client=client, log_requests=False, tracer_provider=provider)
    try:
        async with (
            build_worker(client, Deps(settings=s, session_factory=session_factory, client=client), tq),
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60
            ) as http,
        ):
            r = await http.post(
                "/api/v1/payments/create",
                headers=auth(uid("buyer")),
                json={"amount": "5.00", "currency": "USD", "provider": "stripe"},
            )
            assert r.status_code == 201, r.text
            request_id = r.headers["x-request-id"]
    finally:
        HTTPXClientInstrumentor().uninstrument()
    spans = exporter.get_finished_spans()
    trace = [sp for sp in spans if format(sp.context.trace_id, "032x") == request_id]
    by_id = {sp.context.span_id: sp for sp in trace}
    names = [sp.name for sp in trace]
    assert any(n.startswith("POST /api/v1/payments/create") for n in names), names
    assert "StartWorkflow:PaymentWorkflow" in names and "RunWorkflow:PaymentWorkflow" in names, names
    provider_calls = [
        sp
        for sp in trace
        if sp.attributes
        and "payment_intents" in str(sp.attributes.get("url.full", sp.attributes.get("http.url", "")))
    ]
    assert provider_calls, names
    chain = _ancestors(provider_calls[0], by_id)
    # provider call ← the activity run ← the workflow's activity start ← the workflow start ← the request
    assert chain[:3] == [
        "RunActivity:payment_create_provider",
        "StartActivity:payment_create_provider",
        "StartWorkflow:PaymentWorkflow",
    ], chain
    assert chain[-1].startswith("POST /api/v1/payments/create"), chain
    assert any(sp.attributes and sp.attributes.get("db.system") == "postgresql" for sp in trace), names
