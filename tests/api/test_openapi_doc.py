"""The OpenAPI document integrators generate clients from, and /docs with no internet access."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from api.openapi import BEARER

OPERATION_ID = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")


@pytest.fixture
def doc(make_app: Callable[..., Any]) -> dict[str, Any]:
    return make_app().openapi()  # type: ignore[no-any-return]


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, item in doc["paths"].items() for m, op in item.items() if isinstance(op, dict)]


def test_operation_ids_are_area_then_action_and_unique(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(doc)]
    assert len(ids) == len(set(ids))
    bad = [i for i in ids if not OPERATION_ID.match(i) or "api_v1" in i]
    assert not bad, bad
    assert {"escrow_create", "credits_deduct", "payments_refund", "escrow_list"} <= set(ids)


def test_every_operation_but_health_and_provider_webhooks_requires_the_bearer_scheme(
    doc: dict[str, Any],
) -> None:
    assert doc["components"]["securitySchemes"][BEARER] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"][BEARER]["description"],
    }
    for method, path, op in _operations(doc):
        open_ = path in ("/healthz", "/readyz") or "/webhooks/" in path
        assert ("security" in op) is not open_, (method, path)


async def test_docs_assets_are_served_locally(api_client: httpx.AsyncClient) -> None:
    page = await api_client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css))["']""", page.text)
    assert assets and all(a.startswith("/") for a in assets), assets  # no CDN
    for asset in assets:
        r = await api_client.get(asset)
        assert r.status_code == 200 and len(r.content) > 10_000, asset


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_api(db_url: str) -> Iterator[str]:
    """The real app under uvicorn on a free port (the browser needs a socket, not ASGI)."""
    from bench.harness import free_port

    port = free_port()
    env = {**os.environ, "MESHPAY_ENV": "dev", "MESHPAY_DATABASE_URL": db_url, "MESHPAY_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the API did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def test_docs_render_the_operations_in_headless_chromium(live_api: str) -> None:
    """A person opening /docs on a machine without internet sees the operations (not a white page)."""
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=15000",
            "--dump-dom",
            f"{live_api}/docs",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "opblock" in dom, dom[:2000]  # Swagger UI's rendered operation blocks
    assert "escrow_create" in dom or "/api/v1/payments/escrow/create" in dom
    assert "authorize" in dom.lower()  # the Authorize button exists: the bearer scheme is declared
