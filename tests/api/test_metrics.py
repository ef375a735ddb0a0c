"""Business metrics on /metrics, and several API processes scraping as one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.tokens import auth, uid


def _value(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_ledger_and_idempotency_counters_move(api_client: httpx.AsyncClient) -> None:
    before = (await api_client.get("/metrics")).text
    user = uid("m")
    headers = {**auth("metrics_admin", "admin"), "Idempotency-Key": uid("k")}
    body = {"user_id": user, "amount": "2.5", "reason": "metrics"}
    assert (
        await api_client.post("/api/v1/payments/credits/grant", headers=headers, json=body)
    ).status_code == 201
    assert (
        await api_client.post("/api/v1/payments/credits/grant", headers=headers, json=body)
    ).status_code == 201
    changed = {**body, "amount": "3"}
    r = await api_client.post("/api/v1/payments/credits/grant", headers=headers, json=changed)
    assert r.status_code == 409
    after = (await api_client.get("/metrics")).text
    moved = _value(after, "meshpay_ledger_moved_minor_units_total", currency="CREDIT") - _value(
        before, "meshpay_ledger_moved_minor_units_total", currency="CREDIT"
    )
    assert moved == 25_000  # 2.5 credits at 4 decimals, once: the replay moved nothing
    for result in ("replayed", "conflict"):
        delta = _value(after, "meshpay_idempotency_total", result=result) - _value(
            before, "meshpay_idempotency_total", result=result
        )
        assert delta == 1, result


def test_two_api_processes_scrape_as_one(db_url: str, tmp_path: Path) -> None:
    from bench.harness import free_port

    port = free_port()
    env: dict[str, Any] = {
        **os.environ,
        "MESHPAY_ENV": "dev",
        "MESHPAY_DATABASE_URL": db_url,
        "MESHPAY_LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        time.sleep(1)  # both processes up
        n = 40
        for _ in range(n):  # fresh connections: the kernel spreads them over both processes
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        text = httpx.get(f"{base}/metrics", timeout=5).text
        served = _value(text, "meshpay_http_requests_total", route="/healthz", status="200")
        assert served >= n, text[:2000]
        pids = {p.name for p in tmp_path.glob("*.db")}
        assert len({re.sub(r"\D", "", name) for name in pids}) >= 2, pids  # files from 2 processes
    finally:
        proc.terminate()
        proc.wait(10)
