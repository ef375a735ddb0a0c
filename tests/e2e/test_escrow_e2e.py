"""Escrow end to end: the real app, a registry worker on the Temporal dev server (search attributes
registered), PostgreSQL, and for card funding the real stripe SDK against localstripe."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import stripe

from db.session import unit_of_work
from domain.ledger import clearing, earnings, escrow_holding, system, wallet
from services import credits, ledger
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
BASE = "/api/v1/payments/escrow"


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, localstripe):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, stripe_api_base=localstripe
    ) as e:
        yield e


async def balances(env: PayEnv, *accounts: str) -> list[int]:
    async with env.factory() as s:
        return [await ledger.balance(s, a) for a in accounts]


async def test_create_fund_with_credits_deliver_095_released(env: PayEnv) -> None:
    payer, payee = uid("user"), uid("agent")
    async with unit_of_work(env.factory) as s:
        await credits.grant_purchased_credits(s, user_id=payer, credits=2_000_000, payment_id=uid("pay"))
    r = await env.http.post(
        f"{BASE}/create",
        headers=auth(payer),
        json={"contract_id": uid("ct"), "amount": "150", "payee_id": payee},
    )
    assert r.status_code == 201, r.text
    eid, cid = r.json()["escrow_id"], r.json()["contract_id"]
    revenue_before = (await balances(env, system("revenue", "CREDIT")))[0]

    funded = await env.http.post(f"{BASE}/{eid}/fund", headers=auth(payer), json={"provider": "credits"})
    assert funded.status_code == 200 and funded.json()["status"] == "funded", funded.text
    delivered = await env.http.post(
        f"{BASE}/{eid}/deliver",
        headers=auth("mesh-validator", "service"),
        json={"validation_score": 0.95, "evidence_url": "https://x/report"},
    )
    assert delivered.status_code == 200, delivered.text
    doc = delivered.json()
    assert (doc["status"], doc["released"], doc["fee"], doc["held"]) == (
        "released",
        "135.0000",
        "15.0000",
        "0.0000",
    )
    assert await balances(env, wallet(payer), escrow_holding(cid, "CREDIT"), earnings(payee, "CREDIT")) == [
        500_000,
        0,
        1_350_000,
    ]
    assert (await balances(env, system("revenue", "CREDIT")))[0] - revenue_before == 150_000

    got = (await env.http.get(f"{BASE}/{eid}", headers=auth(payer))).json()
    assert [e["kind"] for e in got["events"]] == ["created", "funded", "delivered", "released"]
    # An operator finds it in the Temporal UI by its search attributes.
    query = f'EscrowState="released" AND ContractId="{cid}" AND PayeeId="{payee}"'
    for _ in range(50):
        found = [w.id async for w in env.client.list_workflows(query)]
        if found:
            break
        await asyncio.sleep(0.1)
    assert found == [f"escrow-{cid}"]


def _card(base: str) -> str:
    client = stripe.StripeClient("sk_test_meshpay_dev", base_addresses={"api": base})
    pm = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    )
    return str(pm.id)


async def _wait(env: PayEnv, eid: str, who: str, status: str) -> dict[str, Any]:
    for _ in range(150):
        doc = (await env.http.get(f"{BASE}/{eid}", headers=auth(who))).json()
        if doc["status"] == status:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"escrow stayed {doc['status']}")


async def test_card_funded_escrow_partial_refund_through_payments_then_release(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    payer, payee = uid("user"), uid("agent")
    r = await env.http.post(
        f"{BASE}/create",
        headers=auth(payer),
        json={"contract_id": uid("ct"), "amount": "20.00", "currency": "USD", "payee_id": payee},
    )
    eid, cid = r.json()["escrow_id"], r.json()["contract_id"]
    refused = await env.http.post(f"{BASE}/{eid}/fund", headers=auth(payer), json={"provider": "credits"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "currency_not_credits"

    started = await env.http.post(
        f"{BASE}/{eid}/fund",
        headers=auth(payer),
        json={"provider": "stripe", "payment_method_id": _card(localstripe)},
    )
    assert started.status_code == 202, started.text
    pid = started.json()["payment"]["payment_id"]
    again = await env.http.post(f"{BASE}/{eid}/fund", headers=auth(payer), json={"provider": "stripe"})
    assert again.json()["payment"]["payment_id"] == pid  # one payment per escrow and provider
    confirmed = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(payer), json={})
    assert confirmed.status_code == 200, confirmed.text
    funded = await _wait(env, eid, payer, "funded")
    assert (funded["funding_provider"], funded["funding_payment_id"], funded["held"]) == (
        "stripe",
        pid,
        "20.00",
    )

    part = await env.http.post(f"{BASE}/{eid}/refund", headers=auth(payee, "agent"), json={"amount": "5.00"})
    assert part.status_code == 200, part.text
    assert (part.json()["status"], part.json()["held"]) == ("partially_refunded", "15.00")
    payment = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(payer))).json()
    assert payment["refunded_amount"] == "5.00"
    assert await balances(env, escrow_holding(cid, "USD")) == [1500]

    own_score = await env.http.post(
        f"{BASE}/{eid}/deliver", headers=auth(payee, "agent"), json={"validation_score": "1"}
    )
    assert own_score.status_code == 403  # the payee delivers; only a validator scores
    delivered = await env.http.post(f"{BASE}/{eid}/deliver", headers=auth(payee, "agent"), json={})
    assert delivered.json()["status"] == "partially_refunded", delivered.text  # delivered, part refunded
    done = await env.http.post(
        f"{BASE}/{eid}/validate", headers=auth("mesh-validator", "service"), json={"validation_score": "1"}
    )
    assert (done.json()["status"], done.json()["released"], done.json()["fee"]) == (
        "released",
        "13.50",
        "1.50",
    )
    assert await balances(env, escrow_holding(cid, "USD"), earnings(payee, "USD")) == [0, 1350]
    assert (await balances(env, clearing("stripe", "USD")))[0] <= 0  # money came in from the provider
