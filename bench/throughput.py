"""Saturated server throughput, measured with wrk (bench/wrk.py): the API's ceiling on this box and
the credits deduct hot path, spread over 200 wallets and on one hot wallet."""

from __future__ import annotations

import os
import uuid
from typing import Any

import httpx

from bench import floors, wrk
from bench.harness import api_server, scratch_database
from bench.report import against
from tests.support.tokens import auth

SECONDS = int(os.environ.get("MESHPAY_BENCH_WRK_SECONDS", "15"))
CONNECTIONS = 16
WALLETS = 200


async def run() -> list[dict[str, Any]]:
    if not wrk.available():
        return [
            {"figure": "wrk throughput rows", "workload": "skipped: wrk not installed (apt-get install wrk)"}
        ]
    rows: list[dict[str, Any]] = []
    workload = f"{SECONDS} s, {CONNECTIONS} connections (wrk, 2 threads)"
    with scratch_database() as url:
        for processes in (1, 2):
            async with api_server(url, workers=processes) as base:
                if processes == 1:
                    await _fund_wallets(base)
                    health = await wrk.run_wrk(f"{base}/healthz", seconds=SECONDS, connections=CONNECTIONS)
                    rows.append(_row("GET /healthz (API ceiling, no auth, no DB)", workload, health))
                service = {**auth("bench_svc", "service"), "Content-Type": "application/json"}
                label = "1 API process" if processes == 1 else f"{processes} API processes"
                spread = await wrk.run_wrk(
                    f"{base}/api/v1/payments/credits/deduct",
                    seconds=SECONDS,
                    connections=CONNECTIONS,
                    headers=service,
                    spread=WALLETS,
                    run_id=uuid.uuid4().hex[:8],
                    body_template='{"reference": "%s", "user_id": "u%d", "amount": "0.01"}',
                )
                rows.append(
                    _row(f"POST /credits/deduct over {WALLETS} wallets, {label}", workload, spread)
                    | against(
                        [floors.BARE_API_WRK, floors.RAW_DEBIT_8],
                        spread["rps"],
                        target="≥ 0.7× (1 process)" if processes == 1 else "—",
                    )
                )
                hot = await wrk.run_wrk(
                    f"{base}/api/v1/payments/credits/deduct",
                    seconds=SECONDS,
                    connections=CONNECTIONS,
                    headers=service,
                    run_id=uuid.uuid4().hex[:8],
                    body_template='{"reference": "%s", "user_id": "hot", "amount": "0.01"}',
                )
                rows.append(
                    _row(f"POST /credits/deduct, one hot wallet, {label}", workload, hot)
                    | against(floors.RAW_DEBIT_HOT, hot["rps"], target="≥ 1.0×")
                )
    return rows


async def _fund_wallets(base: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        admin = auth("bench_admin", "admin")
        for user in [f"u{i}" for i in range(WALLETS)] + ["hot"]:
            r = await client.post(
                f"{base}/api/v1/payments/credits/grant",
                headers=admin,
                json={"user_id": user, "amount": "1000000", "reason": "bench"},
            )
            r.raise_for_status()


def _row(figure: str, workload: str, result: dict[str, Any]) -> dict[str, Any]:
    errors = f", {result['non2xx']} non-2xx" if result["non2xx"] else ""
    return {
        "figure": figure,
        "workload": workload,
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
        "throughput": f"{result['rps']:.0f}/s{errors}",
        "promise": None,
    }
