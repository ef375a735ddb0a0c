"""Helpers for benchmark scripts: a scratch PostgreSQL database, percentiles, an API server runner."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("MESHPAY_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def summarize_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {"p50_ms": statistics.median(ms), "p99_ms": percentile(ms, 99)}


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one benchmark; dropped afterwards."""
    from tests.support.database import create_database, drop_database, migrate

    url = create_database(SERVER)
    try:
        migrate(url)
        yield url
    finally:
        drop_database(SERVER, url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def api_server(
    database_url: str,
    *,
    temporal_address: str | None = None,
    extra_env: dict[str, str] | None = None,
    workers: int = 1,
) -> AsyncIterator[str]:
    """uvicorn serving the real app in a subprocess (`workers` processes); yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "MESHPAY_DATABASE_URL": database_url,
        "MESHPAY_ENV": "dev",
        "MESHPAY_LOG_LEVEL": "WARNING",
        "MESHPAY_DB_POOL_SIZE": "20",
        # A benchmark is a few principals at full speed: limits far above it (the limiter still runs,
        # so its cost is in the figures).
        "MESHPAY_RATE_LIMIT_PER_IP": "100000000/minute",
        "MESHPAY_RATE_LIMIT_PER_PRINCIPAL": "100000000/minute",
        "MESHPAY_RATE_LIMIT_WRITES_PER_PRINCIPAL": "100000000/minute",
        **(extra_env or {}),
    }
    if temporal_address:
        env["MESHPAY_TEMPORAL_ADDRESS"] = temporal_address
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(1200):  # up to a minute: imports are slow on a loaded 2-core machine
                try:
                    if (await client.get(f"{base}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            else:
                raise RuntimeError("API server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


async def measure(
    call: Callable[[], Awaitable[object]], n: int, concurrency: int = 1
) -> tuple[list[float], float]:
    """Run `call` n times with `concurrency` in flight; (per-call latencies in s, wall time in s)."""
    latencies: list[float] = []
    queue = iter(range(n))

    async def worker() -> None:
        for _ in queue:
            t0 = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def sync_libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def pg_connect(url: str) -> psycopg.Connection:
    return psycopg.connect(sync_libpq(url), autocommit=True)
