"""The FastAPI app factory. One engine and one Temporal client per process, opened in lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from opentelemetry.sdk.trace import TracerProvider
from temporalio.client import Client

from api.api_keys import KeyCache
from api.errors import install_error_handlers
from api.idempotency import IdempotencyMiddleware
from api.middleware import GUARD_RESPONSES, install_request_guards
from api.observability import RequestContextMiddleware
from api.openapi import install_openapi, operation_id
from api.routes import ROUTERS, health
from api.temporal_client import TemporalHolder
from config import telemetry
from config.settings import Settings, get_settings
from db.session import make_engine, make_session_factory
from domain.money import set_credit_exponent


def create_app(
    settings: Settings | None = None,
    *,
    temporal_client: Client | None = None,
    log_requests: bool = True,
    tracer_provider: TracerProvider | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    set_credit_exponent(settings.credit_exponent)
    tracing = tracer_provider or telemetry.tracer_provider(settings, "api")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
        if tracing is not None:
            telemetry.instrument_engine(engine, tracing)
        app.state.engine = engine
        app.state.session_factory = make_session_factory(engine)
        app.state.temporal = TemporalHolder(
            settings, temporal_client, interceptors=telemetry.temporal_interceptors(tracing)
        )
        try:
            yield
        finally:
            await engine.dispose()

    # Swagger UI and ReDoc served from a package's files: /docs works with no internet access.
    app: FastAPI = FastAPIOffline(
        title="meshpay",
        version="0.1.0",
        description="Payments, escrow, credits, dynamic pricing and billing for an AI-agent marketplace.",
        lifespan=lifespan,
        responses=GUARD_RESPONSES,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.api_key_cache = KeyCache(settings.api_key_cache_seconds)
    install_error_handlers(app)
    app.include_router(health.router)
    v1 = APIRouter(prefix="/api/v1/payments")
    for router in ROUTERS:
        v1.include_router(router)
    app.include_router(v1)
    install_openapi(app)
    # Added innermost first: request context wraps everything, so refusals and replays are logged too.
    app.add_middleware(IdempotencyMiddleware)
    install_request_guards(app, settings)
    app.add_middleware(RequestContextMiddleware, log_requests=log_requests)
    if tracing is not None:  # outermost: the request's span is open for everything inside
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, tracer_provider=tracing)
        telemetry.instrument_httpx(tracing)
    return app
