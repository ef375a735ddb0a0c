"""Auth, the error shape, exact amounts, Idempotency-Key semantics and health — on the real app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import func, select

from api.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from api.exact_json import ExactJSONRoute
from api.schemas.common import AmountIn, StrictModel
from db.models.ledger import Posting
from domain.ledger import earnings, transfer_postings
from domain.money import format_amount, parse_amount
from services import ledger
from tests.support.tokens import auth, uid

probe = APIRouter(prefix="/probe", route_class=ExactJSONRoute)
calls = {"n": 0}


class GrantBody(StrictModel):
    amount: AmountIn
    account: str
    delay: float = 0


@probe.post("/grant", status_code=201)
async def grant(body: GrantBody, session: SessionDep, principal: AdminPrincipal) -> dict[str, str]:
    calls["n"] += 1
    minor = parse_amount(body.amount, "CREDIT")
    if body.delay:
        await asyncio.sleep(body.delay)
    result = await ledger.transfer(
        session,
        transfer_postings("system:promotions:CREDIT", earnings(body.account, "CREDIT"), minor, "CREDIT"),
        uid("probe"),
    )
    return {"transaction_id": result.transaction_id, "amount": format_amount(minor, "CREDIT")}


@probe.get("/me")
async def me(principal: CurrentPrincipal) -> dict[str, str]:
    return {"id": principal.id, "role": principal.role.value}


@pytest.fixture
async def client(make_app) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app()
    app.include_router(probe)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c,
    ):
        yield c


def _assert_error_shape(resp: httpx.Response, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert set(err) == {"type", "code", "message", "param"}
    if code:
        assert err["code"] == code
    return err


async def test_missing_bad_expired_and_wrong_audience_tokens_are_401(client: httpx.AsyncClient) -> None:
    _assert_error_shape(await client.get("/probe/me"), 401, "unauthenticated")
    _assert_error_shape(await client.get("/probe/me", headers={"Authorization": "Bearer nope"}), 401)
    _assert_error_shape(await client.get("/probe/me", headers=auth("u1", ttl=-10)), 401)
    _assert_error_shape(await client.get("/probe/me", headers=auth("u1", audience="other")), 401)
    _assert_error_shape(await client.get("/probe/me", headers=auth("u1", secret="x" * 40)), 401)
    ok = await client.get("/probe/me", headers=auth("u1", "agent"))
    assert ok.json() == {"id": "u1", "role": "agent"}


async def test_wrong_role_is_403(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/probe/grant", json={"amount": "1", "account": uid()}, headers=auth("u1", "user")
    )
    _assert_error_shape(resp, 403, "forbidden")


@pytest.mark.parametrize("amount", ["-0.001", "0", "NaN", "Infinity", "1.00001", "abc", True, None, "1e40"])
async def test_bad_amounts_are_422_naming_the_field_and_write_nothing(
    client, session_factory, amount
) -> None:
    account = uid()
    resp = await client.post(
        "/probe/grant", json={"amount": amount, "account": account}, headers=auth("a", "admin")
    )
    err = _assert_error_shape(resp, 422)
    assert err["param"] == "amount"
    async with session_factory() as s:
        n = (
            await s.execute(
                select(func.count())
                .select_from(Posting)
                .where(Posting.account_code == earnings(account, "CREDIT"))
            )
        ).scalar_one()
    assert n == 0


async def test_json_numbers_are_parsed_exactly(client: httpx.AsyncClient) -> None:
    raw = b'{"amount": 0.1000, "account": "%s"}' % uid().encode()
    resp = await client.post(
        "/probe/grant", content=raw, headers={**auth("a", "admin"), "content-type": "application/json"}
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["amount"] == "0.1000"
    # NaN is not JSON: refused, not silently parsed.
    bad = await client.post(
        "/probe/grant",
        content=b'{"amount": NaN, "account": "x"}',
        headers={**auth("a", "admin"), "content-type": "application/json"},
    )
    _assert_error_shape(bad, 422)


async def test_unknown_fields_refused(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/probe/grant", json={"amount": "1", "account": "x", "amout": 5}, headers=auth("a", "admin")
    )
    assert _assert_error_shape(resp, 422)["param"] == "amout"


async def test_idempotency_replays_first_response(client: httpx.AsyncClient) -> None:
    headers = {**auth("admin_1", "admin"), "Idempotency-Key": uid("key")}
    body = {"amount": "2.5", "account": uid()}
    before = calls["n"]
    first = await client.post("/probe/grant", json=body, headers=headers)
    second = await client.post("/probe/grant", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert calls["n"] == before + 1


async def test_idempotency_key_reused_with_different_body(client: httpx.AsyncClient) -> None:
    headers = {**auth("admin_1", "admin"), "Idempotency-Key": uid("key")}
    account = uid()
    assert (
        await client.post("/probe/grant", json={"amount": "1", "account": account}, headers=headers)
    ).status_code == 201
    resp = await client.post("/probe/grant", json={"amount": "2", "account": account}, headers=headers)
    _assert_error_shape(resp, 409, "idempotency_key_reused")


async def test_idempotency_keys_are_scoped_per_principal(client: httpx.AsyncClient) -> None:
    key = uid("key")
    body = {"amount": "1", "account": uid()}
    a = await client.post(
        "/probe/grant", json=body, headers={**auth("admin_a", "admin"), "Idempotency-Key": key}
    )
    b = await client.post(
        "/probe/grant", json=body, headers={**auth("admin_b", "admin"), "Idempotency-Key": key}
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["transaction_id"] != b.json()["transaction_id"]


async def test_concurrent_duplicate_gets_409_in_use(client: httpx.AsyncClient) -> None:
    headers = {**auth("admin_1", "admin"), "Idempotency-Key": uid("key")}
    body = {"amount": "1", "account": uid(), "delay": 0.5}
    slow = asyncio.create_task(client.post("/probe/grant", json=body, headers=headers))
    await asyncio.sleep(0.2)
    dup = await client.post("/probe/grant", json=body, headers=headers)
    _assert_error_shape(dup, 409, "idempotency_key_in_use")
    assert (await slow).status_code == 201


async def test_health_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    await client.get("/probe/me", headers=auth("u1"))
    metrics = await client.get("/metrics")
    assert "meshpay_http_requests_total" in metrics.text
    assert (await client.get("/openapi.json")).status_code == 200


async def test_readyz_reports_temporal_down(make_app) -> None:
    app = make_app(temporal_address="127.0.0.1:1")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c,
    ):
        resp = await c.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["checks"]["database"] == "ok"
    assert resp.json()["checks"]["temporal"].startswith("unavailable")


async def test_readyz_ok_with_temporal(make_app, ts_env) -> None:
    app = make_app(temporal_client=ts_env.client)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c,
    ):
        resp = await c.get("/readyz")
    assert resp.status_code == 200, resp.text


def test_amount_in_accepts_decimal() -> None:
    assert parse_amount(Decimal("12.00"), "USD") == 1200
