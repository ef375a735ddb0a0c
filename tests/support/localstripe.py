"""A session-scoped `localstripe` server (PyPI) for tests that drive the real stripe SDK.

Usage: `def test_x(localstripe: str)` — the fixture yields its base URL (http://127.0.0.1:PORT).
Import the fixture into a conftest or test module: `from tests.support.localstripe import localstripe`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_localstripe() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    exe = Path(sys.executable).parent / "localstripe"
    proc = subprocess.Popen(
        [str(exe), "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            r = httpx.get(f"{base}/v1/customers", headers={"Authorization": "Bearer sk_test_x"}, timeout=1)
            if r.status_code < 500:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("localstripe did not start")


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    proc, base = start_localstripe()
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def count_succeeded_charges(base: str, *, payment_intent: str | None = None) -> int:
    """Charges that took money, counted on the local server itself (not through our code)."""
    r = httpx.get(f"{base}/v1/charges", params={"limit": 100}, headers={"Authorization": "Bearer sk_test_x"})
    r.raise_for_status()
    charges = [c for c in r.json()["data"] if c.get("status") == "succeeded"]
    if payment_intent is not None:
        charges = [c for c in charges if c.get("payment_intent") == payment_intent]
    return len(charges)
