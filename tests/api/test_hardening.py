"""JWT checks, security headers, request ids, the 503 body, card data in any body, settings that
would silently disable a check."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import jwt
import pytest
from pydantic import ValidationError

from api.auth import issue_token
from api.temporal_client import TemporalHolder
from config.settings import DEV_JWT_SECRET, Settings
from tests.support.tokens import auth, uid

API = "/api/v1/payments"
CARD = "4242424242424242"


def _bearer(claims: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(claims, DEV_JWT_SECRET, algorithm='HS256')}"}


def _claims(**over: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "u_jwt", "role": "user", "aud": "meshpay", "iss": "meshpay", "iat": now, "exp": now + 600}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize(
    ("name", "claims"),
    [
        ("wrong issuer", _claims(iss="someone-else")),
        ("no issuer", _claims(iss=None)),
        ("no iat", _claims(iat=None)),
        ("100-year lifetime", _claims(exp=int(time.time()) + 100 * 365 * 86400)),
        ("25-hour lifetime", _claims(exp=int(time.time()) + 25 * 3600)),
        ("blank subject", _claims(sub=" ")),
        ("padded subject", _claims(sub=" u_jwt ")),
        ("subject with a colon", _claims(sub="u:USD")),
        ("subject with a newline", _claims(sub="u\nadmin")),
        ("overlong subject", _claims(sub="u" * 101)),
    ],
)
async def test_tokens_that_are_refused(api_client: httpx.AsyncClient, name: str, claims: dict) -> None:
    r = await api_client.get(f"{API}/credits/balance", headers=_bearer(claims))
    assert r.status_code == 401, (name, r.text)
    assert r.json()["error"]["code"] == "unauthenticated"


async def test_a_well_formed_token_is_accepted(api_client: httpx.AsyncClient) -> None:
    r = await api_client.get(
        f"{API}/credits/balance", headers=_bearer(_claims(exp=int(time.time()) + 23 * 3600))
    )
    assert r.status_code == 200, r.text


async def test_issuer_and_lifetime_are_settings(make_app: Any) -> None:
    app = make_app(jwt_issuer="https://id.example", jwt_max_lifetime_seconds=60)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        ok = issue_token(DEV_JWT_SECRET, "u_iss", "user", issuer="https://id.example", ttl_seconds=60)
        assert (
            await c.get(f"{API}/credits/balance", headers={"Authorization": f"Bearer {ok}"})
        ).status_code == 200
        long = issue_token(DEV_JWT_SECRET, "u_iss", "user", issuer="https://id.example", ttl_seconds=61)
        assert (
            await c.get(f"{API}/credits/balance", headers={"Authorization": f"Bearer {long}"})
        ).status_code == 401
        default_iss = issue_token(DEV_JWT_SECRET, "u_iss", "user", ttl_seconds=60)
        r = await c.get(f"{API}/credits/balance", headers={"Authorization": f"Bearer {default_iss}"})
        assert r.status_code == 401


def test_issue_token_refuses_a_bad_subject() -> None:
    with pytest.raises(ValueError):
        issue_token(DEV_JWT_SECRET, " ", "user")


# ------------------------------------------------------------------ headers and request ids


async def test_security_headers_on_every_response(api_client: httpx.AsyncClient) -> None:
    responses = [
        await api_client.get("/healthz"),
        await api_client.get(f"{API}/credits/balance", headers=auth(uid())),
        await api_client.get(f"{API}/credits/balance"),  # 401
        await api_client.post(f"{API}/credits/grant", json={}, headers=auth("adm", "admin")),  # 422
        await api_client.post(f"{API}/webhooks/crypto", content=b"x" * (300 << 10)),  # 413, middleware
    ]
    for r in responses:
        assert r.headers["x-content-type-options"] == "nosniff", r.request.url
        assert r.headers["cache-control"] == "no-store", r.request.url


async def test_a_forged_request_id_is_replaced(api_client: httpx.AsyncClient) -> None:
    forged = "x status=200 user=admin"
    r = await api_client.get("/healthz", headers={"X-Request-Id": forged})
    assert r.headers["x-request-id"] != forged and len(r.headers["x-request-id"]) == 32
    r = await api_client.get("/healthz", headers={"X-Request-Id": "a" * 65})
    assert r.headers["x-request-id"] != "a" * 65
    r = await api_client.get("/healthz", headers={"X-Request-Id": "req-123.abc_D"})
    assert r.headers["x-request-id"] == "req-123.abc_D"


def test_key_value_log_fields_cannot_be_forged() -> None:
    import io

    from config.logging import configure_logging

    out = io.StringIO()
    configure_logging(json_logs=False, stream=out)
    try:
        fields = {"path": "/a status=200 user=admin\nFAKE", "status": 404}
        logging.getLogger("meshpay.request").info("request", extra={"fields": fields})
    finally:
        configure_logging(json_logs=False)
    line = out.getvalue()
    assert line.count("\n") == 1 and "path='/a status=200 user=admin\\nFAKE' status=404" in line


async def test_the_503_body_does_not_carry_temporals_exception_text() -> None:
    from domain.errors import DomainError

    holder = TemporalHolder(Settings(env="dev", temporal_address="127.0.0.1:1"))
    with pytest.raises(DomainError) as caught:
        await holder.get()
    assert caught.value.status == 503
    assert "127.0.0.1" not in caught.value.message and "Error" not in caught.value.message


@pytest.mark.parametrize(
    "bad",
    [
        {"stripe_webhook_tolerance_seconds": 0},
        {"crypto_webhook_tolerance_seconds": 0},
        {"jwt_max_lifetime_seconds": 0},
        {"rate_limit_per_principal": "lots"},
        {"rate_limit_storage": "memcached://x"},
    ],
)
def test_settings_that_would_silently_disable_a_check_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Settings(env="dev", **bad)


# ------------------------------------------------------------------ card data in any body


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/billing/account", {"default_payment_method_id": CARD}),
        ("POST", "/escrow/esc_any/fund", {"provider": "stripe", "payment_method_id": CARD}),
        (
            "POST",
            "/escrow/create",
            {"contract_id": "c1", "amount": "5", "payee_id": "a", "note": "4242 4242 4242 4242"},
        ),
        ("PUT", "/pricing/agents/a1", {"timezone": CARD}),
        ("POST", "/subscriptions", {"plan_id": "p", "card": {"exp_month": 12, "cvc": "123"}}),
        ("POST", "/credits/grant", {"user_id": "u", "amount": "1", "reason": CARD, "cvc": "123"}),
    ],
)
async def test_card_data_in_any_body_is_refused_and_never_echoed(
    api_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, method: str, path: str, body: dict
) -> None:
    caplog.set_level(logging.DEBUG)
    r = await api_client.request(method, f"{API}{path}", json=body, headers=auth("u_card", "admin"))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "card_data_refused"
    assert CARD not in r.text and "4242 4242" not in r.text and CARD not in caplog.text


async def test_payment_method_ids_have_a_strict_format(api_client: httpx.AsyncClient) -> None:
    h = auth(uid("u"))
    for bad in ("not a token", "pm_", "pm_x y", "x" * 70, "meth_" + "a" * 65, "123456"):
        r = await api_client.patch(
            f"{API}/billing/account", json={"default_payment_method_id": bad}, headers=h
        )
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["param"] == "default_payment_method_id"
    for good in ("pm_card_visa", "pm_1Abc", "meth_0123abcd"):
        r = await api_client.patch(
            f"{API}/billing/account", json={"default_payment_method_id": good}, headers=h
        )
        assert r.status_code == 200, (good, r.text)
