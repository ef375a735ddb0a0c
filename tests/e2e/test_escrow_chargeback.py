"""Chargebacks against escrow funding and credits purchases, end to end (issue 11 case 7): the real
app, a registry worker on the Temporal dev server, PostgreSQL, localstripe, signed Stripe webhooks.

A dispute opened on the payment that funded an escrow freezes it (nothing leaves the hold); lost, it
takes what it covered out of the hold, so the money is never paid twice (once back to the card
holder by the bank, once to the agent). A lost dispute on a credits purchase takes the credits back
as far as they are unspent."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from config.settings import DEV_WEBHOOK_SECRET
from contracts.disputes import DisputeResult, chargeback_workflow_id
from db.models.disputes import Dispute
from db.models.ledger import LedgerTransaction
from db.models.payments import Payment
from domain.ledger import earnings, escrow_holding, system, wallet
from services import ledger
from tests.e2e.test_escrow_e2e import _card, _wait
from tests.e2e.test_webhooks_robustness import confirm_client_side, dispute_event, purchase, wait_status
from tests.support.invariants import assert_invariants
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env, stripe_event, stripe_signed
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
BASE = "/api/v1/payments/escrow"
STRIPE = "/api/v1/payments/webhooks/stripe"


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, localstripe):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, stripe_api_base=localstripe
    ) as e:
        yield e


async def _webhook(env: PayEnv, event: dict[str, Any]) -> None:
    body, headers = stripe_signed(event, DEV_WEBHOOK_SECRET)
    r = await env.http.post(STRIPE, content=body, headers=headers)
    assert r.status_code == 200, r.text


async def _balances(env: PayEnv, *accounts: str) -> list[int]:
    async with env.factory() as s:
        return [await ledger.balance(s, a) for a in accounts]


async def _escrow_doc(env: PayEnv, eid: str, who: str) -> dict[str, Any]:
    return (await env.http.get(f"{BASE}/{eid}", headers=auth(who))).json()


async def _until(env: PayEnv, eid: str, who: str, ok: Any) -> dict[str, Any]:
    for _ in range(150):
        doc = await _escrow_doc(env, eid, who)
        if ok(doc):
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(doc)


async def test_chargeback_on_escrow_funding_freezes_release_and_a_loss_never_pays_twice(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    payer, payee, admin = uid("user"), uid("agent"), uid("admin")
    r = await env.http.post(
        f"{BASE}/create",
        headers=auth(payer),
        json={"contract_id": uid("ct"), "amount": "20.00", "currency": "USD", "payee_id": payee},
    )
    eid, cid = r.json()["escrow_id"], r.json()["contract_id"]
    started = await env.http.post(
        f"{BASE}/{eid}/fund",
        headers=auth(payer),
        json={"provider": "stripe", "payment_method_id": _card(localstripe)},
    )
    pid = started.json()["payment"]["payment_id"]
    assert (
        await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(payer), json={})
    ).status_code == 200
    await _wait(env, eid, payer, "funded")
    async with env.factory() as s:
        pi_id = (await s.get(Payment, pid)).provider_object_id  # type: ignore[union-attr]
    losses, recoveries = system("chargeback_losses", "USD"), system("chargeback_recoveries", "USD")
    before = await _balances(env, losses, recoveries)

    # The card holder disputes the payment while the escrow still holds the money.
    du = f"du_{uuid.uuid4().hex[:12]}"
    await _webhook(env, dispute_event(du, pi_id, "needs_response", 2000))
    frozen = await _until(env, eid, payer, lambda d: d["frozen"])
    assert frozen["status"] == "funded"
    await env.http.post(f"{BASE}/{eid}/deliver", headers=auth(payee, "agent"), json={})
    signed = await env.http.post(f"{BASE}/{eid}/sign", headers=auth(payer), json={})
    assert signed.status_code == 200 and (signed.json()["counted"], signed.json()["status"]) == (
        True,
        "delivered",
    )
    refund = await env.http.post(f"{BASE}/{eid}/refund", headers=auth(admin, "admin"), json={})
    assert (refund.status_code, refund.json()["error"]["code"]) == (409, "escrow_frozen")
    assert await _balances(env, escrow_holding(cid, "USD"), earnings(payee, "USD")) == [2000, 0]

    # Lost: the bank gave the payer the money back; the hold pays the loss, the agent gets nothing.
    await _webhook(env, dispute_event(du, pi_id, "lost", 2000))
    handle = env.client.get_workflow_handle(chargeback_workflow_id(du), result_type=DisputeResult)
    result = await asyncio.wait_for(handle.result(), 30)
    assert (result.outcome, result.loss, result.escrow_taken, result.clawed_back) == ("lost", 2000, 2000, 0)
    done = await _until(env, eid, payer, lambda d: d["status"] == "refunded")
    assert (done["held"], done["released"], done["charged_back"], done["frozen"]) == (
        "0.00",
        "0.00",
        "20.00",
        False,
    )
    assert await _balances(
        env, escrow_holding(cid, "USD"), earnings(payee, "USD"), f"dispute_hold:{du}:USD"
    ) == [
        0,
        0,
        0,
    ]
    after = await _balances(env, losses, recoveries)
    assert (after[0] - before[0], after[1] - before[1]) == (2000, 2000)  # net loss 0: recovered from the hold
    async with env.factory() as s:
        released = (
            await s.execute(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.idempotency_key == f"esc:{cid}:release")
            )
        ).scalar_one()
        row = await s.get(Dispute, du)
    assert released == 0 and row is not None and row.escrow_taken == 2000
    await assert_invariants(env.factory)


async def test_lost_chargeback_on_a_credits_purchase_takes_back_the_unspent_credits(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    user = uid("buyer")
    pid, pi_id = await purchase(env, user, "10.00")
    pi = confirm_client_side(localstripe, pi_id)
    await _webhook(env, stripe_event("payment_intent.succeeded", pi))
    await wait_status(env, pid, user, {"completed"})
    async with env.factory() as s:
        bought = (await s.get(Payment, pid)).purpose_credits  # type: ignore[union-attr]
        granted = await ledger.balance(s, wallet(user))
    assert granted == bought > 0
    spend = bought // 4  # a quarter is spent before the dispute
    r = await env.http.post(
        "/api/v1/payments/credits/deduct",
        headers=auth("orchestrator", "service"),
        json={"user_id": user, "amount": str(spend / 10_000), "reference": uid("run")},
    )
    assert r.status_code in (200, 201), r.text

    du = f"du_{uuid.uuid4().hex[:12]}"
    await _webhook(env, dispute_event(du, pi_id, "needs_response", 1000))
    await _webhook(env, dispute_event(du, pi_id, "lost", 1000))
    handle = env.client.get_workflow_handle(chargeback_workflow_id(du), result_type=DisputeResult)
    result = await asyncio.wait_for(handle.result(), 30)
    assert (result.outcome, result.credits_clawed_back, result.credits_shortfall) == (
        "lost",
        bought - spend,
        spend,
    )
    assert await _balances(env, wallet(user)) == [0]
    async with env.factory() as s:
        row = await s.get(Dispute, du)
    assert row is not None and (row.credits_clawed_back, row.credits_shortfall) == (bought - spend, spend)
    await assert_invariants(env.factory)
