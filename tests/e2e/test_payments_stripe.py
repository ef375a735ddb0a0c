"""Stripe end to end: the real stripe SDK against localstripe, the real app, a real worker on the
Temporal dev server, PostgreSQL. Purchase credits → client-side confirm → signed webhook (three
times) → credits granted once; partial refunds up to, and not beyond, the captured amount."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import stripe
from sqlalchemy import func, select

from config.settings import DEV_WEBHOOK_SECRET
from db.models.ledger import LedgerTransaction
from db.repositories import payments as repo
from domain.ledger import wallet
from services import ledger
from tests.support.localstripe import count_succeeded_charges, localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env, stripe_event, stripe_signed
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, localstripe):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, stripe_api_base=localstripe
    ) as e:
        yield e


def sdk(base: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_meshpay_dev", base_addresses={"api": base})


def card(client: stripe.StripeClient) -> str:
    pm = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    )
    return str(pm.id)


async def wait_status(
    env: PayEnv, payment_id: str, user: str, want: set[str], tries: int = 100
) -> dict[str, Any]:
    for _ in range(tries):
        doc = (await env.http.get(f"/api/v1/payments/{payment_id}", headers=auth(user))).json()
        if doc["status"] in want:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment stayed {doc['status']}")


async def test_credits_purchase_webhook_three_times_grants_once(env: PayEnv, localstripe: str) -> None:  # noqa: F811
    user = uid("buyer")
    r = await env.http.post("/api/v1/payments/credits/purchase", json={"amount": "10.00"}, headers=auth(user))
    assert r.status_code == 201, r.text
    doc = r.json()
    pid = doc["payment_id"]
    # The seed's shape: top-level credits and status "processing" while in flight.
    assert (doc["status"], doc["payment_status"], doc["credits"]) == (
        "processing",
        "requires_action",
        "10.0000",
    )
    assert doc["next_action"]["client_secret"].startswith("pi_")
    pi_id = doc["next_action"]["client_secret"].split("_secret_")[0]

    # The browser confirms with the client secret (client-side), so only the webhook tells us.
    client = sdk(localstripe)
    client.v1.payment_intents.update(pi_id, {"payment_method": card(client)})
    pi = client.v1.payment_intents.confirm(pi_id)
    assert pi.status == "succeeded"

    event = stripe_event("payment_intent.succeeded", pi.to_dict())
    body, headers = stripe_signed(event, DEV_WEBHOOK_SECRET)
    answers = [
        await env.http.post("/api/v1/payments/webhooks/stripe", content=body, headers=headers)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]

    done = await wait_status(env, pid, user, {"completed"})
    assert done["captured_amount"] == "10.00"
    assert done["purpose"] == {"kind": "credits", "reference": None, "credits": "10.0000"}
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4  # once, not three times
        n = (
            await s.execute(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.idempotency_key == f"pay:{pid}:complete")
            )
        ).scalar_one()
        assert n == 1
    assert count_succeeded_charges(localstripe, payment_intent=pi_id) == 1

    # Forged and stale deliveries: 400, nothing recorded.
    forged = stripe_event("payment_intent.succeeded", pi.to_dict())
    body, headers = stripe_signed(forged, "not-the-secret")
    assert (
        await env.http.post("/api/v1/payments/webhooks/stripe", content=body, headers=headers)
    ).status_code == 400
    body, headers = stripe_signed(forged, DEV_WEBHOOK_SECRET, at=int(__import__("time").time()) - 400)
    r = await env.http.post("/api/v1/payments/webhooks/stripe", content=body, headers=headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_signature"


async def test_refunds_never_exceed_captured_even_racing(env: PayEnv, localstripe: str) -> None:  # noqa: F811
    user = uid("payer")
    client = sdk(localstripe)
    pm = card(client)
    r = await env.http.post(
        "/api/v1/payments/create",
        headers=auth(user),
        json={"amount": "10.00", "currency": "USD", "provider": "stripe", "payment_method_id": pm},
    )
    assert r.status_code == 201, r.text
    pid = r.json()["payment_id"]
    r = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
    assert r.status_code == 200, r.text
    assert (await wait_status(env, pid, user, {"completed"}))["captured_amount"] == "10.00"

    admin = auth("ops", "admin")
    r1 = await env.http.post(
        f"/api/v1/payments/{pid}/refund", headers=admin, json={"amount": "3.00", "reason": "a"}
    )
    assert r1.status_code == 201, r1.text
    assert r1.json()["status"] == "succeeded"
    # The same Idempotency-Key replays the first refund instead of refunding again.
    h = {**admin, "Idempotency-Key": "refund-once"}
    a = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=h, json={"amount": "2.00"})
    b = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=h, json={"amount": "2.00"})
    assert a.status_code == b.status_code == 201 and a.json()["refund_id"] == b.json()["refund_id"]
    # 5.00 left; two racing refunds of 4.00: exactly one wins.
    racing = await asyncio.gather(
        *(
            env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={"amount": "4.00"})
            for _ in range(2)
        )
    )
    assert sorted(x.status_code for x in racing) == [201, 422]
    loser = next(x for x in racing if x.status_code == 422)
    assert loser.json()["error"]["code"] == "refund_exceeds_captured"
    over = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={"amount": "1.01"})
    assert over.status_code == 422
    last = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={"amount": "1.00"})
    assert last.status_code == 201

    doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()
    assert doc["refunded_amount"] == "10.00"
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.provider_object_id
        charge = client.v1.payment_intents.retrieve(row.provider_object_id).to_dict()["latest_charge"]
        assert charge["amount_refunded"] == 1000  # the provider saw exactly what we allowed
        n = (
            await s.execute(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.idempotency_key.like(f"pay:{pid}:refund:%"))
            )
        ).scalar_one()
        assert n == 4  # one reversing transaction per refund
