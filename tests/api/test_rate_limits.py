"""Rate limits per IP and per principal: 429 with Retry-After, in process or on Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tests.support.tokens import auth, uid

API = "/api/v1/payments"
REDIS = "redis://127.0.0.1:6379/0"


@asynccontextmanager
async def _client(make_app: Any, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(**overrides)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        yield c


def _assert_429(r: httpx.Response) -> None:
    assert r.status_code == 429, r.text
    assert r.json()["error"] == {
        "type": "rate_limited",
        "code": "rate_limited",
        "message": r.json()["error"]["message"],
        "param": None,
    }
    assert 1 <= int(r.headers["retry-after"]) <= 60


async def test_per_principal_limit(make_app: Any) -> None:
    async with _client(make_app, rate_limit_per_principal="3/minute") as c:
        alice, bob = auth(uid("alice")), auth(uid("bob"))
        for _ in range(3):
            assert (await c.get(f"{API}/credits/balance", headers=alice)).status_code == 200
        _assert_429(await c.get(f"{API}/credits/balance", headers=alice))
        assert (await c.get(f"{API}/credits/balance", headers=bob)).status_code == 200  # bob has his own


async def test_writes_have_a_tighter_per_principal_limit(make_app: Any) -> None:
    async with _client(make_app, rate_limit_writes_per_principal="2/minute") as c:
        h = auth(uid("u"))
        for _ in range(2):
            r = await c.patch(f"{API}/billing/account", json={"name": "n"}, headers=h)
            assert r.status_code == 200, r.text
        _assert_429(await c.patch(f"{API}/billing/account", json={"name": "n"}, headers=h))
        assert (await c.get(f"{API}/credits/balance", headers=h)).status_code == 200  # reads still pass


async def test_per_ip_limit_counts_unauthenticated_requests(make_app: Any) -> None:
    async with _client(make_app, rate_limit_per_ip="4/minute") as c:
        for _ in range(4):
            assert (await c.get(f"{API}/credits/balance")).status_code == 401
        _assert_429(await c.get(f"{API}/credits/balance", headers=auth(uid())))
        assert (await c.get("/healthz")).status_code == 200  # probes are never limited


async def test_webhooks_have_their_own_ip_budget(make_app: Any) -> None:
    async with _client(make_app, rate_limit_webhooks_per_ip="2/minute", temporal_client=object()) as c:
        for _ in range(2):
            assert (await c.post(f"{API}/webhooks/crypto", content=b"{}")).status_code == 400
        _assert_429(await c.post(f"{API}/webhooks/crypto", content=b"{}"))
        assert (await c.get(f"{API}/credits/balance", headers=auth(uid()))).status_code == 200


async def test_limits_can_be_turned_off(make_app: Any) -> None:
    async with _client(make_app, rate_limit_per_principal="1/minute", rate_limit_enabled=False) as c:
        h = auth(uid())
        for _ in range(3):
            assert (await c.get(f"{API}/credits/balance", headers=h)).status_code == 200


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running at 127.0.0.1:6379")
async def test_on_redis_two_api_processes_share_one_budget(make_app: Any) -> None:
    """Two apps (as two API processes would) with the same Redis storage count together."""
    opts = {"rate_limit_storage": REDIS, "rate_limit_per_principal": "3/minute"}
    h = auth(f"redis_{uuid.uuid4().hex[:10]}")
    async with _client(make_app, **opts) as one, _client(make_app, **opts) as two:
        assert (await one.get(f"{API}/credits/balance", headers=h)).status_code == 200
        assert (await two.get(f"{API}/credits/balance", headers=h)).status_code == 200
        assert (await one.get(f"{API}/credits/balance", headers=h)).status_code == 200
        _assert_429(await two.get(f"{API}/credits/balance", headers=h))


async def test_in_memory_budgets_are_per_process(make_app: Any) -> None:
    h = auth(uid())
    async with (
        _client(make_app, rate_limit_per_principal="1/minute") as one,
        _client(make_app, rate_limit_per_principal="1/minute") as two,
    ):
        assert (await one.get(f"{API}/credits/balance", headers=h)).status_code == 200
        assert (await two.get(f"{API}/credits/balance", headers=h)).status_code == 200
        _assert_429(await one.get(f"{API}/credits/balance", headers=h))


async def test_an_unreachable_limiter_lets_requests_through(make_app: Any) -> None:
    """The limiter guards capacity, not money: its outage must not stop payments (and is logged)."""
    async with _client(make_app, rate_limit_storage="redis://127.0.0.1:1/0") as c:
        r = await c.get(f"{API}/credits/balance", headers=auth(uid()))
        assert r.status_code == 200, r.text
