"""Traces with OpenTelemetry: API request → Temporal (the SDK's TracingInterceptor carries the
context into workflows and activities) → SQL (SQLAlchemy) and provider HTTP calls (httpx).

One tracer provider per process, built from settings: `MESHPAY_OTEL_EXPORTER` = none (default) |
console | otlp (`MESHPAY_OTEL_ENDPOINT`, e.g. http://collector:4318/v1/traces). Tests pass their own
provider with an in-memory exporter.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

from config.settings import Settings

_provider: TracerProvider | None = None


def tracer_provider(settings: Settings, service: str) -> TracerProvider | None:
    """The process's provider (built once), or None when tracing is off."""
    global _provider
    if settings.otel_exporter == "none":
        return None
    if _provider is None:
        provider = TracerProvider(resource=Resource.create({"service.name": f"meshpay-{service}"}))
        if settings.otel_exporter == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter: Any = OTLPSpanExporter(endpoint=settings.otel_endpoint)
        else:
            exporter = ConsoleSpanExporter()
        provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _provider = provider
    return _provider


def instrument_engine(engine: Any, provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # The instrumentation declares sqlalchemy < 2.1; its event hooks work on 2.1 (checked by a test).
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )


def instrument_httpx(provider: TracerProvider) -> None:
    """Provider calls (the Stripe SDK and webhooks go through httpx)."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    instrumentor = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


def temporal_interceptors(provider: TracerProvider | None) -> list[Any]:
    if provider is None:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor(provider.get_tracer("meshpay.temporal"))]


def current_trace_id() -> str | None:
    """The active span's trace id (32 hex), which the API uses as the request id."""
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None
