"""Payments at the money boundary, through the API (issue #11 cases 1, 2, 6, 9): a payment settles an
invoice only in its currency, up to what is due, by its account; credits are sold only at the
server's price; refunds go through what the payment was for; a forged confirmation completes nothing.

The real app + a worker on the Temporal dev server + PostgreSQL + localstripe (the stripe SDK).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import stripe
from sqlalchemy import func, select

from config.settings import DEV_WEBHOOK_SECRET
from contracts import payments as c
from contracts.temporal import payment_workflow_id
from db.models.billing import Invoice
from db.models.escrow import Escrow
from db.models.ledger import LedgerTransaction
from db.models.payments import Payment
from db.repositories import billing as billing_repo
from db.repositories import payments as repo
from db.session import unit_of_work
from domain.ledger import wallet
from services import billing, ledger
from services.invariants import check, failures
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env, stripe_event, stripe_signed
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
CREATE = "/api/v1/payments/create"


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


async def make_invoice(env: PayEnv, account: str, total: int, currency: str = "USD") -> str:
    """An open (finalized) invoice, written directly: the payments side is what is under test."""
    inv_id = uid("inv")
    now = datetime.now(UTC)
    async with unit_of_work(env.factory) as s:
        s.add(
            Invoice(
                id=inv_id,
                account_id=account,
                period=uid("p")[:7],
                period_start=now,
                period_end=now,
                status="open",
                currency=currency,
                number=uid("INV"),
                subtotal=total,
                total=total,
                issued_at=now,
            )
        )
    return inv_id


async def invoice(env: PayEnv, inv_id: str) -> Invoice:
    async with env.factory() as s:
        row = await billing_repo.get_invoice(s, inv_id)
    assert row is not None
    return row


async def payments_for(env: PayEnv, reference: str) -> int:
    async with env.factory() as s:
        q = select(func.count()).select_from(Payment).where(Payment.purpose_reference == reference)
        return int((await s.execute(q)).scalar_one())


async def wait_status(env: PayEnv, pid: str, want: set[str], tries: int = 150) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(tries):
        doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth("ops", "admin"))).json()
        if doc["status"] in want:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment stayed {doc.get('status')}")


async def assert_invariants(env: PayEnv) -> None:
    async with env.factory() as s:
        assert [r.name for r in failures(await check(s))] == []


def invoice_payment(amount: str, currency: str, provider: str, inv: str, **extra: Any) -> dict[str, Any]:
    return {
        "amount": amount,
        "currency": currency,
        "provider": provider,
        "purpose": {"kind": "invoice", "reference": inv},
        **extra,
    }


async def test_an_invoice_is_paid_only_by_its_account_in_its_currency_up_to_what_is_due(env: PayEnv) -> None:
    owner, stranger = uid("acct"), uid("mallory")
    inv = await make_invoice(env, owner, 10_000)  # $100.00
    refusals = [
        # any user, 1 CREDIT against a $100 invoice (the reproduction)
        (stranger, invoice_payment("1", "CREDIT", "credits", inv), 404, "invoice_not_found"),
        (owner, invoice_payment("1", "CREDIT", "credits", inv), 422, "invoice_currency_mismatch"),
        (owner, invoice_payment("100", "JPY", "stripe", inv), 422, "invoice_currency_mismatch"),
        (owner, invoice_payment("0.000000000000000004", "ETH", "crypto", inv, chain="ETH"), 422, None),
        (owner, invoice_payment("100", "USD", "crypto", inv, chain="ETH"), 201, None),  # USD via ETH: fine
        (owner, invoice_payment("100.01", "USD", "stripe", inv), 422, "amount_exceeds_due"),
        (stranger, invoice_payment("100.00", "USD", "stripe", inv), 404, "invoice_not_found"),
    ]
    for who, body, status, code in refusals:
        r = await env.http.post(CREATE, json=body, headers=auth(who))
        assert r.status_code == status, (body, r.text)
        if code:
            assert r.json()["error"]["code"] == code
    assert await payments_for(env, inv) == 1  # only the legitimate one was written
    row = await invoice(env, inv)
    assert (row.status, row.amount_paid) == ("open", 0)
    # A service (the orchestrator) or an admin may pay an account's invoice.
    r = await env.http.post(
        CREATE, json=invoice_payment("40.00", "USD", "stripe", inv), headers=auth("ops", "admin")
    )
    assert r.status_code == 201, r.text
    # An escrow payment names an escrow that exists, and only its payer funds it.
    body = {
        "amount": "1",
        "currency": "USD",
        "provider": "stripe",
        "purpose": {"kind": "escrow", "reference": "nope"},
    }
    r = await env.http.post(CREATE, json=body, headers=auth(stranger))
    assert r.status_code == 404 and r.json()["error"]["code"] == "escrow_not_found", r.text


async def test_a_payment_the_invoice_no_longer_takes_is_refunded_not_kept(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    owner = uid("acct")
    inv = await make_invoice(env, owner, 1_000)
    client = sdk(localstripe)
    body = invoice_payment("10.00", "USD", "stripe", inv, payment_method_id=card(client))
    r = await env.http.post(CREATE, json=body, headers=auth(owner))
    assert r.status_code == 201, r.text
    pid = r.json()["payment_id"]
    # Dunning (or another manual payment) pays $4 of the invoice while this payment is in flight.
    async with unit_of_work(env.factory) as s:
        await billing.mark_invoice_paid(s, invoice_id=inv, payment_id="dunning-a1", amount=400)
    r = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(owner), json={})
    assert r.status_code == 200, r.text
    await wait_status(env, pid, {"completed"})
    row = await invoice(env, inv)
    assert (row.status, row.amount_paid) == ("paid", 1_000)  # never beyond its total
    for _ in range(100):  # the $4 surplus goes back to the card, once
        async with env.factory() as s:
            refunds = await repo.refunds_for(s, pid)
        if refunds and refunds[0].status == "succeeded":
            break
        await asyncio.sleep(0.1)
    assert [(x.amount, x.status) for x in refunds] == [(400, "succeeded")]
    async with env.factory() as s:
        pay = await repo.get_payment(s, pid)
        assert pay is not None and pay.provider_object_id
        assert (pay.captured_amount, pay.refunded_amount, pay.failure_code) == (1000, 400, "invoice_surplus")
    charge = client.v1.payment_intents.retrieve(pay.provider_object_id).to_dict()["latest_charge"]
    assert charge["amount_refunded"] == 400
    await assert_invariants(env)

    # Refunding what the invoice did take reopens it (the surplus refund left it alone).
    r = await env.http.post(
        f"/api/v1/payments/{pid}/refund", headers=auth("ops", "admin"), json={"amount": "2.50"}
    )
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    row = await invoice(env, inv)
    assert (row.status, row.amount_paid, row.paid_at) == ("open", 750, None)
    await assert_invariants(env)


async def test_credits_are_sold_only_in_priced_currencies_in_the_seed_shape(env: PayEnv) -> None:
    user = uid("buyer")
    r = await env.http.post(
        "/api/v1/payments/credits/purchase", json={"amount": "100", "currency": "JPY"}, headers=auth(user)
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "credits_currency_not_sold", r.text
    async with env.factory() as s:
        assert await repo.list_payments(s, user, limit=5, starting_after=None) == []
    r = await env.http.post(
        "/api/v1/payments/credits/purchase", json={"amount": 100.00, "provider": "stripe"}, headers=auth(user)
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["payment_id"].startswith("pay_")
    assert (doc["credits"], doc["status"], doc["payment_status"]) == (
        "100.0000",
        "processing",
        "requires_action",
    )


async def test_a_forged_provider_confirmation_completes_nothing(env: PayEnv, localstripe: str) -> None:  # noqa: F811
    user = uid("buyer")
    r = await env.http.post(
        "/api/v1/payments/credits/purchase", json={"amount": "500.00"}, headers=auth(user)
    )
    assert r.status_code == 201, r.text
    pid = r.json()["payment_id"]
    # Anyone who reaches Temporal signals "succeeded" for a payment nobody paid.
    handle = env.client.get_workflow_handle(payment_workflow_id(pid))
    await handle.signal(c.PAYMENT_CONFIRMED_SIGNAL, c.ProviderEvent("succeeded", "evt_forged"))
    await asyncio.sleep(3)
    doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()
    assert (doc["status"], doc["captured_amount"]) == ("requires_action", "0.00")
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 0
        q = select(func.count()).select_from(LedgerTransaction)
        assert (
            await s.execute(q.where(LedgerTransaction.idempotency_key.like(f"pay:{pid}:%")))
        ).scalar_one() == 0
    status = await handle.query(c.PAYMENT_STATUS_QUERY, result_type=c.PaymentStarted)
    assert status.status == "requires_action"  # still waiting, not wedged

    # The real payment, later, completes it once.
    client = sdk(localstripe)
    pi_id = doc["next_action"]["client_secret"].split("_secret_")[0]
    client.v1.payment_intents.update(pi_id, {"payment_method": card(client)})
    pi = client.v1.payment_intents.confirm(pi_id)
    body, headers = stripe_signed(stripe_event("payment_intent.succeeded", pi.to_dict()), DEV_WEBHOOK_SECRET)
    assert (
        await env.http.post("/api/v1/payments/webhooks/stripe", content=body, headers=headers)
    ).status_code == 200
    await wait_status(env, pid, {"completed"})
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 500 * 10**4


async def test_an_escrow_funding_is_refunded_only_through_the_escrow(env: PayEnv) -> None:
    payer, contract = uid("payer"), uid("contract")
    pid = f"pay_{uid('esc')}"
    async with unit_of_work(env.factory) as s:
        s.add(  # a live escrow this payment funded (what claim_funding leaves)
            Escrow(
                id=uid("esc"),
                contract_id=contract,
                payer_id=payer,
                payee_id=uid("agent"),
                amount=2_000,
                currency="USD",
                status="funded",
                fee_percent=Decimal("10"),
                signers=[payer],
                required_signatures=1,
                threshold_ppm=800000,
                funding_payment_id=pid,
                funding_provider="stripe",
            )
        )
        await repo.insert_payment(
            s,
            {
                "id": pid,
                "payer_id": payer,
                "amount": 2_000,
                "currency": "USD",
                "provider": "stripe",
                "status": "completed",
                "purpose_kind": "escrow",
                "purpose_reference": contract,
                "captured_amount": 2_000,
            },
        )
    r = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=auth("ops", "admin"), json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "refund_through_escrow", r.text
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.refunded_amount == 0 and await repo.refunds_for(s, pid) == []


async def test_a_stripe_refund_that_fails_later_is_undone(env: PayEnv, localstripe: str) -> None:  # noqa: F811
    user = uid("buyer")
    client = sdk(localstripe)
    r = await env.http.post(
        "/api/v1/payments/credits/purchase",
        json={"amount": "10.00", "payment_method_id": card(client)},
        headers=auth(user),
    )
    assert r.status_code == 201, r.text
    pid = r.json()["payment_id"]
    assert (
        await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
    ).status_code == 200
    await wait_status(env, pid, {"completed"})
    r = await env.http.post(
        f"/api/v1/payments/{pid}/refund", headers=auth("ops", "admin"), json={"amount": "3.00"}
    )
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    async with env.factory() as s:
        [refund] = await repo.refunds_for(s, pid)
        assert await ledger.balance(s, wallet(user)) == 7 * 10**4
    # Stripe reports days later that the refund failed (the card was closed).
    obj = {
        "id": refund.provider_refund_id,
        "object": "refund",
        "status": "failed",
        "failure_reason": "expired_or_canceled_card",
    }
    body, headers = stripe_signed(stripe_event("charge.refund.updated", obj), DEV_WEBHOOK_SECRET)
    assert (
        await env.http.post("/api/v1/payments/webhooks/stripe", content=body, headers=headers)
    ).status_code == 200
    doc = await wait_status(env, pid, {"completed"})
    assert doc["refunded_amount"] == "0.00"
    async with env.factory() as s:
        [refund] = await repo.refunds_for(s, pid)
        assert refund.status == "failed"
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4  # the credits are back
    await assert_invariants(env)
