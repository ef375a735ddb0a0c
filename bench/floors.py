"""Floors: what this machine can do, measured in the same run as the project's figures.

An absolute figure on a shared 2-core machine drifts from run to run and host to host; the ratio
of a project figure to the floor it stands on does not. `make bench` runs this module first and
every project row that names a floor (`"floor": FLOOR_ID`) gets its ratio in bench/results.md.

- raw guarded debit (psycopg, no ORM): conditional UPDATE of the debited balance, UPDATE of the
  credited one (locked in the same stable order as services.ledger), INSERT of the transaction and
  its two postings, COMMIT — the same work as one ledger transfer, on 1 connection, 8 connections
  spread over accounts, and 8 connections on one hot account.
- bare FastAPI + JWT (bench/floor_app.py): the project's own token check and nothing else, one
  uvicorn process; sequential p50/p99 and saturated throughput under wrk.
- Temporal dev server (in memory) with one Python worker in this process: start_workflow latency,
  an Update round trip on a running workflow, and one-activity workflows per second, 50 in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench import wrk
from bench.floor_workflows import FloorWorkflow, OneActivityWorkflow, floor_noop
from bench.harness import free_port, measure, scratch_database, summarize_ms, sync_libpq
from tests.support.temporal import dev_server_path
from tests.support.tokens import auth

N_DEBITS = int(os.environ.get("MESHPAY_BENCH_FLOOR_DEBITS", "3000"))
N_HTTP = 500
N_TEMPORAL = 200
N_WORKFLOWS = 500
WRK_SECONDS = int(os.environ.get("MESHPAY_BENCH_WRK_SECONDS", "15"))

RAW_DEBIT_1 = "raw_debit_1"
RAW_DEBIT_8 = "raw_debit_8"
RAW_DEBIT_HOT = "raw_debit_hot"
BARE_API_P50 = "bare_api_p50"
BARE_API_WRK = "bare_api_wrk"
TEMPORAL_START = "temporal_start"
TEMPORAL_UPDATE = "temporal_update"
TEMPORAL_WORKFLOWS = "temporal_one_activity"

_SCHEMA = """
CREATE TABLE floor_accounts (code text PRIMARY KEY, balance numeric(38,0) NOT NULL,
                             CONSTRAINT floor_nonneg CHECK (balance >= 0 OR code LIKE 'system:%'));
CREATE TABLE floor_txns (id text PRIMARY KEY, idempotency_key text NOT NULL UNIQUE,
                         created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE floor_postings (id bigserial PRIMARY KEY, txn_id text NOT NULL REFERENCES floor_txns,
                             account text NOT NULL, amount numeric(38,0) NOT NULL, currency text NOT NULL);
"""


async def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    rows += await _raw_debits()
    rows += await _bare_api()
    rows += await _temporal()
    return rows


def _floor_row(floor_id: str, figure: str, workload: str, **values: Any) -> dict[str, Any]:
    return {"floor_id": floor_id, "figure": f"FLOOR: {figure}", "workload": workload, **values}


# --- PostgreSQL ------------------------------------------------------------------------------------


async def _raw_debits() -> list[dict[str, Any]]:
    rows = []
    with scratch_database() as url:
        dsn = sync_libpq(url)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(_SCHEMA)
        cases = ((RAW_DEBIT_1, 1, False), (RAW_DEBIT_8, 8, False), (RAW_DEBIT_HOT, 8, True))
        for floor_id, conns, hot in cases:
            accounts = [f"wallet:{uuid.uuid4().hex[:8]}:CREDIT" for _ in range(1 if hot else conns)]
            with psycopg.connect(dsn, autocommit=True) as conn:
                for code in [*accounts, "system:revenue:CREDIT"]:
                    conn.execute(
                        "INSERT INTO floor_accounts VALUES (%s, %s) ON CONFLICT DO NOTHING", (code, 10**12)
                    )
            lat, wall = await _drive_debits(dsn, accounts, conns)
            where = "one hot account" if hot else f"{len(accounts)} account(s)"
            rows.append(
                _floor_row(
                    floor_id,
                    f"raw psycopg guarded debit, {conns} conn, {where}",
                    f"{N_DEBITS} debits",
                    **summarize_ms(lat),
                    throughput=f"{N_DEBITS / wall:.0f}/s",
                    value=N_DEBITS / wall,
                )
            )
    return rows


async def _drive_debits(dsn: str, accounts: list[str], conns: int) -> tuple[list[float], float]:
    pool = [await psycopg.AsyncConnection.connect(dsn) for _ in range(conns)]
    free: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
    for c in pool:
        free.put_nowait(c)
    counter = iter(range(10**9))
    run = uuid.uuid4().hex[:8]

    async def debit() -> None:
        i = next(counter)
        conn = await free.get()
        try:
            await _one_debit(conn, accounts[i % len(accounts)], f"{run}:{i}")
        finally:
            free.put_nowait(conn)

    for _ in range(50):
        await debit()
    try:
        return await measure(debit, N_DEBITS, conns)
    finally:
        for c in pool:
            await c.close()


async def _one_debit(conn: psycopg.AsyncConnection[Any], account: str, key: str) -> None:
    revenue = "system:revenue:CREDIT"
    async with conn.transaction():
        # The same stable lock order as services.ledger.transfer: sorted account codes.
        for code, delta in sorted(((account, -1), (revenue, 1))):
            cur = await conn.execute(
                "UPDATE floor_accounts SET balance = balance + %s WHERE code = %s AND balance + %s >= 0 "
                "RETURNING balance",
                (delta, code, delta),
            )
            if await cur.fetchone() is None:
                raise RuntimeError("overdraft in the floor benchmark")
        txn = uuid.uuid4().hex
        await conn.execute("INSERT INTO floor_txns (id, idempotency_key) VALUES (%s, %s)", (txn, key))
        await conn.execute(
            "INSERT INTO floor_postings (txn_id, account, amount, currency) VALUES "
            "(%s, %s, -1, 'CREDIT'), (%s, %s, 1, 'CREDIT')",
            (txn, account, txn, revenue),
        )


# --- HTTP ------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _floor_server() -> AsyncIterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.floor_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ],
        env={**os.environ, "MESHPAY_ENV": "dev"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{base}/docs")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError("floor API did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


async def _bare_api() -> list[dict[str, Any]]:
    rows = []
    headers = auth("bench_floor", "service")
    async with _floor_server() as base, httpx.AsyncClient(base_url=base) as http:

        async def call() -> None:
            r = await http.get("/floor", headers=headers)
            assert r.status_code == 200, r.text

        for _ in range(50):
            await call()
        lat, _ = await measure(call, N_HTTP)
        summary = summarize_ms(lat)
        rows.append(
            _floor_row(
                BARE_API_P50,
                "bare FastAPI + JWT check, sequential (HTTP)",
                f"{N_HTTP} sequential",
                **summary,
                value=summary["p50_ms"],
            )
        )
        if wrk.available():
            result = await wrk.run_wrk(f"{base}/floor", seconds=WRK_SECONDS, connections=16, headers=headers)
            rows.append(
                _floor_row(
                    BARE_API_WRK,
                    "bare FastAPI + JWT check under wrk, 1 process",
                    f"{WRK_SECONDS} s, 16 connections (wrk, 2 threads)",
                    p50_ms=result["p50_ms"],
                    p99_ms=result["p99_ms"],
                    throughput=f"{result['rps']:.0f}/s",
                    value=result["rps"],
                )
            )
    return rows


# --- Temporal --------------------------------------------------------------------------------------


async def _temporal() -> list[dict[str, Any]]:
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=dev_server_path())
    try:
        tq = f"floor-{uuid.uuid4().hex[:8]}"
        async with Worker(
            env.client, task_queue=tq, workflows=[FloorWorkflow, OneActivityWorkflow], activities=[floor_noop]
        ):
            return await _temporal_rows(env.client, tq)
    finally:
        await env.shutdown()


async def _temporal_rows(client: Client, tq: str) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:8]
    counter = iter(range(10**9))
    started = []

    async def start() -> None:
        handle = await client.start_workflow(
            FloorWorkflow.run, id=f"floor-{run}-{next(counter)}", task_queue=tq
        )
        started.append(handle)

    for _ in range(20):
        await start()
    lat_start, _ = await measure(start, N_TEMPORAL)
    warm = started[0]

    async def update() -> None:
        await warm.execute_update("bump", 1, result_type=int)

    await update()

    lat_update, _ = await measure(update, N_TEMPORAL)
    for handle in started:
        await handle.signal(FloorWorkflow.finish)

    async def one_activity() -> None:
        await client.execute_workflow(
            OneActivityWorkflow.run, 1, id=f"floor-act-{run}-{next(counter)}", task_queue=tq
        )

    for _ in range(20):
        await one_activity()
    lat_wf, wall = await measure(one_activity, N_WORKFLOWS, 50)
    start_s, update_s = summarize_ms(lat_start), summarize_ms(lat_update)
    return [
        _floor_row(
            TEMPORAL_START,
            "Temporal start_workflow (dev server, in memory)",
            f"{N_TEMPORAL} sequential",
            **start_s,
            value=start_s["p50_ms"],
        ),
        _floor_row(
            TEMPORAL_UPDATE,
            "Temporal Update round trip on a running workflow",
            f"{N_TEMPORAL} sequential",
            **update_s,
            value=update_s["p50_ms"],
        ),
        _floor_row(
            TEMPORAL_WORKFLOWS,
            "one-activity workflows, one Python worker",
            f"{N_WORKFLOWS} workflows, 50 in flight",
            **summarize_ms(lat_wf),
            throughput=f"{N_WORKFLOWS / wall:.1f}/s",
            value=N_WORKFLOWS / wall,
        ),
    ]
