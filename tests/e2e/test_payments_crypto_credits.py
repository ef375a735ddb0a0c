"""Crypto deposits through the HMAC webhook, credits payments, and card-data refusal — end to end
on the real app, a worker on the Temporal dev server and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from config.settings import DEV_WEBHOOK_SECRET
from db.repositories import payments as repo
from domain.ledger import system, wallet
from services import credits, ledger
from tests.support.crypto_webhooks import crypto_signed as signed
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app):  # type: ignore[no-untyped-def]
    async with payments_env(dev_env.client, settings, session_factory, make_app) as e:
        yield e


async def wait_status(env: PayEnv, pid: str, user: str, want: set[str]) -> dict[str, Any]:
    for _ in range(100):
        doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()
        if doc["status"] in want:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment stayed {doc['status']}")


async def deposit(
    env: PayEnv, address: str, amount: str, confirmations: int, txid: str, secret: str = DEV_WEBHOOK_SECRET
) -> int:
    body, headers = signed(
        {"chain": "BTC", "address": address, "txid": txid, "amount": amount, "confirmations": confirmations},
        secret,
    )
    return (
        await env.http.post("/api/v1/payments/webhooks/crypto", content=body, headers=headers)
    ).status_code


async def test_crypto_deposit_completes_at_confirmations_and_bad_hmac_changes_nothing(env: PayEnv) -> None:
    user = uid("btc")
    docs = []
    for _ in range(2):
        r = await env.http.post(
            "/api/v1/payments/credits/purchase",
            headers=auth(user),
            json={"amount": "60.00", "provider": "crypto", "chain": "BTC"},
        )
        assert r.status_code == 201, r.text
        docs.append(r.json())
    a, b = (d["next_action"] for d in docs)
    assert a["address"].startswith("bc1q") and a["address"] != b["address"]  # never shared
    assert a["crypto_amount"] == "0.00100000"  # 60.00 USD at the configured 60000 USD/BTC
    assert a["expires_at"]
    pid = docs[0]["payment_id"]

    txid = uuid.uuid4().hex
    assert await deposit(env, a["address"], "0.00100000", 2, txid, secret="forged") == 400
    assert await deposit(env, a["address"], "0.00100000", 1, txid) == 200  # seen, not yet confirmed
    await asyncio.sleep(0.3)
    assert (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()[
        "status"
    ] == "requires_action"
    assert await deposit(env, a["address"], "0.00100000", 2, txid) == 200
    done = await wait_status(env, pid, user, {"completed"})
    assert done["captured_amount"] == "60.00"
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 60 * 10**4

    # Overpaid: the purpose is fulfilled and the excess becomes credits, not lost money.
    pid_b = docs[1]["payment_id"]
    assert await deposit(env, b["address"], "0.00150000", 6, uuid.uuid4().hex) == 200
    await wait_status(env, pid_b, user, {"overpaid"})
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == (60 + 60 + 30) * 10**4

    # A late deposit on a finished payment also becomes credits.
    assert await deposit(env, a["address"], "0.00010000", 3, uuid.uuid4().hex) == 200
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == (60 + 60 + 30 + 6) * 10**4
        assert {d.status for d in await repo.deposits_for(s, pid)} == {"applied", "credited"}


async def test_credits_payment_moves_from_wallet_and_409_when_short(env: PayEnv) -> None:
    user = uid("spender")
    async with env.factory() as s, s.begin():
        await credits.credit_wallet(
            s,
            user_id=user,
            amount=5 * 10**4,
            reference=f"seed:{user}",
            source="purchase",
            from_account=system("credits_issued", "CREDIT"),
        )
    r = await env.http.post(
        "/api/v1/payments/create",
        headers=auth(user),
        json={"amount": "3.0000", "currency": "CREDIT", "provider": "credits", "purpose": {"kind": "none"}},
    )
    assert r.status_code == 201 and r.json()["status"] == "completed", r.text
    r = await env.http.post(
        "/api/v1/payments/create",
        headers=auth(user),
        json={"amount": "3.0000", "currency": "CREDIT", "provider": "credits", "purpose": {"kind": "none"}},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_credits"
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 2 * 10**4
        assert await ledger.balance(s, system("payments_unallocated", "CREDIT")) >= 3 * 10**4


@pytest.mark.parametrize(
    "body",
    [
        {"provider": "stripe", "token": "4242424242424242"},
        {"provider": "stripe", "token": "pm_x", "card": {"number": "4000 0566 5566 5556", "cvc": "123"}},
        {"provider": "stripe", "token": "pm_x", "cvc": "123"},
    ],
)
async def test_card_shaped_data_is_refused_and_never_logged(
    env: PayEnv, body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    r = await env.http.post("/api/v1/payments/methods", headers=auth(uid("u")), json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "card_data_refused"
    assert "4242424242424242" not in r.text and "5556" not in r.text
    assert "4242424242424242" not in caplog.text and "5556" not in caplog.text
