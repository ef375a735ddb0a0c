"""A card payment for an escrow that completes after the escrow left `created` (here: expired at its
funding deadline) must not strand money in the escrow's holding account: the payment is refunded in
full to the card, once, and records why (failure_code `escrow_closed`).

The real app and a registry worker on the Temporal dev server, PostgreSQL, and localstripe."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe

from db.repositories import payments as payments_repo
from domain.ledger import clearing, escrow_holding, system
from services import ledger
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


def _sdk(base: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_meshpay_dev", base_addresses={"api": base})


def _card(base: str) -> str:
    pm = _sdk(base).v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    )
    return str(pm.id)


async def _escrow_status(env: PayEnv, eid: str, who: str, status: str) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(200):
        doc = (await env.http.get(f"{BASE}/{eid}", headers=auth(who))).json()
        if doc["status"] == status:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"escrow stayed {doc.get('status')}")


async def _refunded(env: PayEnv, pid: str) -> Any:
    for _ in range(200):
        async with env.factory() as s:
            row = await payments_repo.get_payment(s, pid)
            refunds = await payments_repo.refunds_for(s, pid)
        if row is not None and refunds and all(r.status == "succeeded" for r in refunds):
            return row, refunds
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment {pid} was not refunded: {row and row.status}, {refunds}")


async def test_card_payment_completing_after_the_funding_deadline_is_refunded_not_held(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    payer, payee = uid("user"), uid("agent")
    deadline = datetime.now(UTC) + timedelta(seconds=3)
    r = await env.http.post(
        f"{BASE}/create",
        headers=auth(payer),
        json={
            "contract_id": uid("ct"),
            "amount": "20.00",
            "currency": "USD",
            "payee_id": payee,
            "funding_deadline": deadline.isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    eid, cid = r.json()["escrow_id"], r.json()["contract_id"]
    started = await env.http.post(
        f"{BASE}/{eid}/fund",
        headers=auth(payer),
        json={"provider": "stripe", "payment_method_id": _card(localstripe)},
    )
    assert started.status_code == 202, started.text
    pid = started.json()["payment"]["payment_id"]
    async with env.factory() as s:
        unallocated_before = await ledger.balance(s, system("payments_unallocated", "USD"))
        clearing_before = await ledger.balance(s, clearing("stripe", "USD"))

    # The deadline passes with the card payment still waiting for its confirmation…
    await _escrow_status(env, eid, payer, "expired")
    # …then the payer confirms it: the card is charged after the escrow has closed.
    confirmed = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(payer), json={})
    assert confirmed.status_code == 200, confirmed.text

    row, refunds = await _refunded(env, pid)
    assert (row.status, row.failure_code) == ("completed", "escrow_closed")
    assert (row.captured_amount, row.refunded_amount) == (2000, 2000)
    assert [(r.amount, r.idempotency_key) for r in refunds] == [(2000, f"pay:{pid}:refund:escrow_closed")]
    async with env.factory() as s:
        assert await ledger.balance(s, escrow_holding(cid, "USD")) == 0  # nothing stranded
        # The money came in and went back out: clearing and the suspense account are where they were.
        assert await ledger.balance(s, clearing("stripe", "USD")) == clearing_before
        assert await ledger.balance(s, system("payments_unallocated", "USD")) == unallocated_before
    # Refunded at the provider exactly once, in full.
    assert row.provider_object_id
    at_stripe = _sdk(localstripe).v1.refunds.list({"payment_intent": row.provider_object_id})
    assert [int(x.amount) for x in at_stripe.data] == [2000]
    escrow = (await env.http.get(f"{BASE}/{eid}", headers=auth(payer))).json()
    assert (escrow["status"], escrow["held"]) == ("expired", "0.00")
    api_view = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(payer))).json()
    assert (api_view["refunded_amount"], api_view["failure_code"]) == ("20.00", "escrow_closed")
