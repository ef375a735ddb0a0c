"""The worker process: one Temporal worker on the meshpay task queue with every workflow/activity."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.deps import Deps
from config import telemetry
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


async def run_worker(settings: Settings | None = None, *, metrics_port: int | None = 9464) -> None:
    settings = settings or get_settings()
    set_credit_exponent(settings.credit_exponent)
    runtime = None
    if metrics_port:
        # Temporal SDK metrics (task latencies, failures) in Prometheus format.
        runtime = Runtime(
            telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=f"127.0.0.1:{metrics_port}"))
        )
    tracing = telemetry.tracer_provider(settings, "worker")
    client = await _connect(settings, runtime, telemetry.temporal_interceptors(tracing))
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    if tracing is not None:
        telemetry.instrument_engine(engine, tracing)
        telemetry.instrument_httpx(tracing)
    deps = Deps(settings=settings, session_factory=make_session_factory(engine), client=client)
    worker = build_worker(client, deps, settings.task_queue)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker started on task queue %s", settings.task_queue)
    async with worker:
        await ensure_schedules(client, settings)
        await stop.wait()
    await engine.dispose()


async def _connect(settings: Settings, runtime: Runtime | None, interceptors: list[Any]) -> Client:
    last: Exception | None = None
    for _ in range(60):  # the dev server may still be starting
        try:
            return await Client.connect(
                settings.temporal_address,
                namespace=settings.temporal_namespace,
                runtime=runtime,
                interceptors=interceptors,
            )
        except Exception as exc:
            last = exc
            await asyncio.sleep(1)
    raise RuntimeError(f"could not reach Temporal at {settings.temporal_address}: {last}")
