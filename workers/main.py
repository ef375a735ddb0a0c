"""The worker process: one Temporal worker on the meshpay task queue with every workflow/activity."""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.deps import Deps
from config import telemetry, temporal
from config.settings import Settings, get_settings
from db.session import make_engine, make_session_factory
from domain.money import set_credit_exponent
from workers import registry
from workers.log_context import LogContextInterceptor
from workers.schedules import ensure_schedules

log = logging.getLogger("meshpay.worker")


def build_worker(client: Client, deps: Deps, task_queue: str) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=registry.workflows(),
        activities=registry.activities(deps),
        max_concurrent_activities=50,
        interceptors=[LogContextInterceptor()],
    )


async def run_worker(settings: Settings | None = None, *, metrics: bool = True) -> None:
    settings = settings or get_settings()
    set_credit_exponent(settings.credit_exponent)
    runtime = None
    if metrics and settings.worker_metrics_address:
        # Temporal SDK metrics (task latencies, failures) in Prometheus format.
        runtime = Runtime(
            telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=settings.worker_metrics_address))
        )
    tracing = telemetry.tracer_provider(settings, "worker")
    # attempts: the dev server may still be starting
    client = await temporal.connect(
        settings, runtime=runtime, attempts=60, interceptors=telemetry.temporal_interceptors(tracing)
    )
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    if tracing is not None:
        telemetry.instrument_engine(engine, tracing)
        telemetry.instrument_httpx(tracing)
    deps = Deps(settings=settings, session_factory=make_session_factory(engine), client=client)
    worker = build_worker(client, deps, settings.task_queue)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker started on task queue %s", settings.task_queue)
    async with worker:
        await ensure_schedules(client, settings)
        await stop.wait()
    await engine.dispose()
