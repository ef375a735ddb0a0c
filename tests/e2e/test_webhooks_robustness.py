"""Webhooks under hostile and messy delivery, end to end (real app, worker on the Temporal dev
server, PostgreSQL, localstripe): forged and stale deliveries change nothing; a valid event
delivered five times at once is processed once; events arriving out of order neither double-count
nor regress a payment. Each test checks the inbox table, the ledger and the invariant checker.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import func, select

from config.settings import DEV_WEBHOOK_SECRET
from db.models.ledger import LedgerTransaction
from db.models.platform import WebhookEvent
from db.repositories import payments as repo
from domain.ledger import wallet
from services import ledger
from tests.support.crypto_webhooks import crypto_signed
from tests.support.invariants import assert_invariants
from tests.support.localstripe import count_succeeded_charges, localstripe  # noqa: F401
from tests.support.payments_env import PayEnv, payments_env, stripe_event, stripe_signed
from tests.support.paypal_standin import PayPalStandIn, paypal_event, paypal_standin  # noqa: F401
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e

STRIPE = "/api/v1/payments/webhooks/stripe"
CRYPTO = "/api/v1/payments/webhooks/crypto"
PAYPAL = "/api/v1/payments/webhooks/paypal"


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, localstripe, paypal_standin):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client,
        settings,
        session_factory,
        make_app,
        stripe_api_base=localstripe,
        paypal_api_base=paypal_standin.base,
    ) as e:
        yield e


# --- helpers -------------------------------------------------------------------------------------


def sdk(base: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_meshpay_dev", base_addresses={"api": base})


async def status_of(env: PayEnv, pid: str, user: str) -> dict[str, Any]:
    return dict((await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json())


async def wait_status(env: PayEnv, pid: str, user: str, want: set[str]) -> dict[str, Any]:
    for _ in range(150):
        doc = await status_of(env, pid, user)
        if doc["status"] in want:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment stayed {doc['status']}")


async def inbox(env: PayEnv, provider: str, event_ids: list[str]) -> dict[str, list[str]]:
    """event id → the statuses of its inbox rows (one row each, if deduplication works)."""
    async with env.factory() as s:
        rows = (
            await s.execute(
                select(WebhookEvent.event_id, WebhookEvent.status).where(
                    WebhookEvent.provider == provider, WebhookEvent.event_id.in_(event_ids)
                )
            )
        ).all()
    found: dict[str, list[str]] = {}
    for event_id, status in rows:
        found.setdefault(event_id, []).append(status)
    return found


async def ledger_count(env: PayEnv, key_like: str) -> int:
    async with env.factory() as s:
        return int(
            (
                await s.execute(
                    select(func.count())
                    .select_from(LedgerTransaction)
                    .where(LedgerTransaction.idempotency_key.like(key_like))
                )
            ).scalar_one()
        )


async def post_stripe(
    env: PayEnv, event: dict[str, Any], *, secret: str = DEV_WEBHOOK_SECRET, at: int | None = None
) -> httpx.Response:
    body, headers = stripe_signed(event, secret, at=at)
    return await env.http.post(STRIPE, content=body, headers=headers)


async def purchase(env: PayEnv, user: str, amount: str = "10.00") -> tuple[str, str]:
    r = await env.http.post("/api/v1/payments/credits/purchase", json={"amount": amount}, headers=auth(user))
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["payment_status"] == "requires_action"
    return doc["payment_id"], doc["next_action"]["client_secret"].split("_secret_")[0]


def confirm_client_side(base: str, pi_id: str) -> dict[str, Any]:
    client = sdk(base)
    pm = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    )
    client.v1.payment_intents.update(pi_id, {"payment_method": str(pm.id)})
    pi = client.v1.payment_intents.confirm(pi_id)
    assert pi.status == "succeeded"
    return dict(pi.to_dict())


# --- Stripe --------------------------------------------------------------------------------------


async def test_stripe_forged_tampered_unsigned_and_stale_events_change_nothing(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    user = uid("forge")
    pid, pi_id = await purchase(env, user)
    pi = sdk(localstripe).v1.payment_intents.retrieve(pi_id).to_dict()
    claim = {**pi, "status": "succeeded"}  # what an attacker would like us to believe

    forged = stripe_event("payment_intent.succeeded", claim)
    assert (await post_stripe(env, forged, secret="not-the-secret")).status_code == 400
    # Signed correctly, then the body changed in transit.
    body, headers = stripe_signed(forged, DEV_WEBHOOK_SECRET)
    tampered = body.replace(b'"amount": 1000', b'"amount": 100000')
    assert tampered != body
    assert (await env.http.post(STRIPE, content=tampered, headers=headers)).status_code == 400
    # No signature at all, and a signature header with no v1 scheme.
    assert (
        await env.http.post(STRIPE, content=body, headers={"Content-Type": "application/json"})
    ).status_code == 400
    t = int(time.time())
    assert (
        await env.http.post(STRIPE, content=body, headers={"Stripe-Signature": f"t={t},v0=abc"})
    ).status_code == 400
    # Genuinely signed, but replayed after the 300 s tolerance.
    stale = stripe_event("payment_intent.succeeded", claim)
    r = await post_stripe(env, stale, at=t - 400)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_signature"

    assert await inbox(env, "stripe", [forged["id"], stale["id"]]) == {}
    await asyncio.sleep(0.5)  # give a wrongly-accepted event time to show
    doc = await status_of(env, pid, user)
    assert doc["status"] == "requires_action" and doc["captured_amount"] == "0.00"
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 0
    assert await ledger_count(env, f"pay:{pid}:%") == 0
    assert count_succeeded_charges(localstripe, payment_intent=pi_id) == 0
    await assert_invariants(env.factory)


async def test_stripe_event_delivered_five_times_concurrently_is_processed_once(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    user = uid("dup")
    pid, pi_id = await purchase(env, user)
    pi = confirm_client_side(localstripe, pi_id)
    event = stripe_event("payment_intent.succeeded", pi)
    body, headers = stripe_signed(event, DEV_WEBHOOK_SECRET)

    answers = await asyncio.gather(*(env.http.post(STRIPE, content=body, headers=headers) for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True, True]

    done = await wait_status(env, pid, user, {"completed"})
    assert done["captured_amount"] == "10.00"
    # And once more, well after the first was processed.
    late = await env.http.post(STRIPE, content=body, headers=headers)
    assert late.status_code == 200 and late.json()["duplicate"] is True

    assert await inbox(env, "stripe", [event["id"]]) == {event["id"]: ["processed"]}
    assert await ledger_count(env, f"pay:{pid}:complete") == 1
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4
    assert count_succeeded_charges(localstripe, payment_intent=pi_id) == 1
    await assert_invariants(env.factory)


async def test_stripe_events_out_of_order_neither_double_count_nor_regress(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    user = uid("ooo")
    pid, pi_id = await purchase(env, user)
    pi = confirm_client_side(localstripe, pi_id)

    # A failure from an earlier attempt arrives first, though the intent has since succeeded at
    # the provider: the workflow checks with the provider and completes instead of failing.
    failed = stripe_event(
        "payment_intent.payment_failed",
        {**pi, "status": "requires_payment_method", "last_payment_error": {"code": "card_declined"}},
    )
    # The refund notice of a charge overtakes the charge's own events (nothing refunded here: it
    # concerns no payment of ours and must move nothing).
    refund_first = stripe_event(
        "charge.refunded", {"id": f"ch_{uuid.uuid4().hex[:12]}", "object": "charge", "payment_intent": pi_id}
    )
    succeeded = stripe_event("payment_intent.succeeded", pi)
    second_success = stripe_event("payment_intent.succeeded", pi)  # another event id, same intent
    # …and the intent's first events arrive last.
    created = stripe_event("payment_intent.created", {**pi, "status": "requires_payment_method"})
    processing = stripe_event("payment_intent.processing", {**pi, "status": "processing"})
    charge = stripe_event(
        "charge.succeeded", {"id": f"ch_{uuid.uuid4().hex[:12]}", "object": "charge", "payment_intent": pi_id}
    )

    for e in (failed, refund_first):
        assert (await post_stripe(env, e)).status_code == 200
    done = await wait_status(env, pid, user, {"completed", "failed", "cancelled"})
    assert done["status"] == "completed", done
    for e in (succeeded, second_success, created, processing, charge):
        r = await post_stripe(env, e)
        assert r.status_code == 200 and r.json()["duplicate"] is False
    await asyncio.sleep(0.3)
    doc = await status_of(env, pid, user)
    assert doc["status"] == "completed" and doc["captured_amount"] == "10.00"

    rows = await inbox(env, "stripe", [e["id"] for e in (failed, refund_first, succeeded, created, charge)])
    assert all(len(v) == 1 for v in rows.values()) and len(rows) == 5
    assert rows[failed["id"]] == ["processed"]
    assert rows[refund_first["id"]] == rows[created["id"]] == rows[charge["id"]] == ["ignored"]
    assert await ledger_count(env, f"pay:{pid}:complete") == 1
    assert await ledger_count(env, f"pay:{pid}:refund:%") == 0
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4
    assert count_succeeded_charges(localstripe, payment_intent=pi_id) == 1
    await assert_invariants(env.factory)


# --- crypto (the chain watcher's HMAC webhook) ------------------------------------------------------


async def test_crypto_forged_duplicated_and_out_of_order_reports(env: PayEnv) -> None:
    user = uid("btc")
    r = await env.http.post(
        "/api/v1/payments/credits/purchase",
        headers=auth(user),
        json={"amount": "60.00", "provider": "crypto", "chain": "BTC"},
    )
    assert r.status_code == 201, r.text
    pid, address = r.json()["payment_id"], r.json()["next_action"]["address"]
    txid = uuid.uuid4().hex

    def report(confirmations: int, amount: str = "0.00100000") -> dict[str, Any]:
        return {
            "chain": "BTC",
            "address": address,
            "txid": txid,
            "amount": amount,
            "confirmations": confirmations,
        }

    # Forged: wrong key, a tampered body, no signature.
    body, _ = crypto_signed(report(6))
    forged_body, forged_headers = crypto_signed(report(6), secret="forged")
    assert (await env.http.post(CRYPTO, content=forged_body, headers=forged_headers)).status_code == 400
    _, good_headers = crypto_signed(report(6, "0.00100000"))
    tampered = json.dumps(report(6, "0.01000000")).encode()
    assert (await env.http.post(CRYPTO, content=tampered, headers=good_headers)).status_code == 400
    assert (await env.http.post(CRYPTO, content=body, headers={})).status_code == 400
    ids = [f"BTC:{txid}:{address}:{n}" for n in (1, 2, 6)]
    assert await inbox(env, "crypto", ids) == {}
    async with env.factory() as s:
        assert await repo.deposits_for(s, pid) == []

    # The confirmed report first, five times at once; the older, less-confirmed ones after it.
    body, headers = crypto_signed(report(6))
    answers = await asyncio.gather(*(env.http.post(CRYPTO, content=body, headers=headers) for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True, True]
    done = await wait_status(env, pid, user, {"completed"})
    assert done["captured_amount"] == "60.00"
    for n in (1, 2):
        body, headers = crypto_signed(report(n))
        assert (await env.http.post(CRYPTO, content=body, headers=headers)).status_code == 200
    await asyncio.sleep(0.3)

    rows = await inbox(env, "crypto", ids)
    assert sorted(rows) == sorted(ids) and all(len(v) == 1 for v in rows.values())
    async with env.factory() as s:
        deposits = await repo.deposits_for(s, pid)
        assert [(d.confirmations, d.status) for d in deposits] == [(6, "applied")]  # never went back
        assert await ledger.balance(s, wallet(user)) == 60 * 10**4  # once: no late-deposit credits
    assert await ledger_count(env, f"pay:{pid}:complete") == 1
    assert await ledger_count(env, f"pay:{pid}:crypto:%") == 0
    await assert_invariants(env.factory)


# --- Stripe disputes (handlers registered by payouts/chargebacks) -------------------------------


def dispute_event(du: str, pi_id: str, status: str, amount: int = 1000) -> dict[str, Any]:
    obj = {
        "id": du,
        "object": "dispute",
        "amount": amount,
        "currency": "usd",
        "charge": f"ch_{du}",
        "payment_intent": pi_id,
        "reason": "fraudulent",
        "status": status,
        "evidence_details": {"due_by": int(time.time()) + 7 * 86400},
    }
    kind = "charge.dispute.created" if status == "needs_response" else "charge.dispute.closed"
    return stripe_event(kind, obj)


async def test_dispute_closed_before_created_each_five_times_at_once(
    env: PayEnv,
    localstripe: str,  # noqa: F811
) -> None:
    from contracts.disputes import DisputeResult, chargeback_workflow_id
    from db.models.disputes import Dispute

    user = uid("disp")
    pid, pi_id = await purchase(env, user)
    pi = confirm_client_side(localstripe, pi_id)
    assert (await post_stripe(env, stripe_event("payment_intent.succeeded", pi))).status_code == 200
    await wait_status(env, pid, user, {"completed"})

    du = f"du_{uuid.uuid4().hex[:12]}"
    closed, created = dispute_event(du, pi_id, "lost"), dispute_event(du, pi_id, "needs_response")
    for event in (closed, created):  # the close overtakes the open; each arrives five times at once
        body, headers = stripe_signed(event, DEV_WEBHOOK_SECRET)
        answers = await asyncio.gather(
            *(env.http.post(STRIPE, content=body, headers=headers) for _ in range(5))
        )
        assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]
        assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True, True]

    handle = env.client.get_workflow_handle(chargeback_workflow_id(du), result_type=DisputeResult)
    result = await asyncio.wait_for(handle.result(), 30)
    assert result.outcome == "lost" and result.loss == 1000
    assert await inbox(env, "stripe", [closed["id"], created["id"]]) == {
        closed["id"]: ["processed"],
        created["id"]: ["processed"],
    }
    async with env.factory() as s:
        row = await s.get(Dispute, du)
        assert row is not None and row.status == "lost" and row.payment_id == pid
        assert await ledger.balance(s, f"dispute_hold:{du}:USD") == 0
    assert await ledger_count(env, f"dsp:{du}:hold") == 1
    assert await ledger_count(env, f"dsp:{du}:lost") == 1
    assert await ledger_count(env, f"dsp:{du}:won") == 0
    await assert_invariants(env.factory)


async def test_crypto_every_confirmation_count_at_once_completes_once(env: PayEnv) -> None:
    user = uid("btc")
    r = await env.http.post(
        "/api/v1/payments/credits/purchase",
        headers=auth(user),
        json={"amount": "60.00", "provider": "crypto", "chain": "BTC"},
    )
    assert r.status_code == 201, r.text
    pid, address = r.json()["payment_id"], r.json()["next_action"]["address"]
    txid = uuid.uuid4().hex
    reports = [
        crypto_signed(
            {"chain": "BTC", "address": address, "txid": txid, "amount": "0.00100000", "confirmations": n}
        )
        for n in range(7)
    ]
    # Confirmations 0..6, each delivered twice, all at the same time and in no particular order.
    answers = await asyncio.gather(
        *(env.http.post(CRYPTO, content=b, headers=h) for b, h in reversed(reports * 2))
    )
    assert [a.status_code for a in answers] == [200] * 14, [a.text for a in answers]
    assert sum(not a.json()["duplicate"] for a in answers) == 7
    await wait_status(env, pid, user, {"completed"})
    await asyncio.sleep(0.3)

    rows = await inbox(env, "crypto", [f"BTC:{txid}:{address}:{n}" for n in range(7)])
    assert len(rows) == 7 and all(len(v) == 1 for v in rows.values())
    async with env.factory() as s:
        assert [(d.confirmations, d.status) for d in await repo.deposits_for(s, pid)] == [(6, "applied")]
        assert await ledger.balance(s, wallet(user)) == 60 * 10**4
    assert await ledger_count(env, f"pay:{pid}:complete") == 1
    assert await ledger_count(env, f"pay:{pid}:crypto:%") == 0
    await assert_invariants(env.factory)


# --- PayPal (verified through its verify-webhook-signature API; here the in-process stand-in) -------


async def test_paypal_concurrent_and_out_of_order_deliveries_capture_once(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    user = uid("pp")
    r = await env.http.post(
        "/api/v1/payments/credits/purchase",
        json={"amount": "10.00", "provider": "paypal"},
        headers=auth(user),
    )
    assert r.status_code == 201, r.text
    pid = r.json()["payment_id"]
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.provider_object_id
    order_id = row.provider_object_id

    # Forged (signed for someone else's webhook id) and stale deliveries of an approval: refused.
    approved = paypal_event(
        "CHECKOUT.ORDER.APPROVED", {**paypal_standin.order(order_id), "status": "APPROVED"}
    )
    for body, headers in (
        paypal_standin.sign_webhook(approved, webhook_id="someone-elses-webhook"),
        paypal_standin.sign_webhook(approved, at=datetime.now(UTC) - timedelta(minutes=30)),
    ):
        assert (await env.http.post(PAYPAL, content=body, headers=headers)).status_code == 400
    assert await inbox(env, "paypal", [approved["id"]]) == {}
    assert paypal_standin.captures_of(order_id) == []

    # The buyer approves; PayPal's approval arrives five times at once: the workflow captures once.
    assert paypal_standin.approve(order_id)
    approved = paypal_event("CHECKOUT.ORDER.APPROVED", paypal_standin.order(order_id))
    body, headers = paypal_standin.sign_webhook(approved)
    answers = await asyncio.gather(*(env.http.post(PAYPAL, content=body, headers=headers) for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True, True]
    await wait_status(env, pid, user, {"completed"})
    captures = paypal_standin.captures_of(order_id)
    assert len(captures) == 1

    # Late and out of order: the capture's completion five times at once, a denial of the same
    # capture, and a second approval notice — the payment stays completed, nothing moves again.
    completed = paypal_event("PAYMENT.CAPTURE.COMPLETED", captures[0])
    denied = paypal_event("PAYMENT.CAPTURE.DENIED", {**captures[0], "status": "DENIED"})
    again = paypal_event("CHECKOUT.ORDER.APPROVED", paypal_standin.order(order_id))
    body, headers = paypal_standin.sign_webhook(completed)
    answers = await asyncio.gather(*(env.http.post(PAYPAL, content=body, headers=headers) for _ in range(5)))
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True, True]
    for event in (denied, again):
        body, headers = paypal_standin.sign_webhook(event)
        assert (await env.http.post(PAYPAL, content=body, headers=headers)).status_code == 200
    await asyncio.sleep(0.3)
    doc = await status_of(env, pid, user)
    assert doc["status"] == "completed" and doc["captured_amount"] == "10.00"

    rows = await inbox(env, "paypal", [e["id"] for e in (approved, completed, denied, again)])
    assert len(rows) == 4 and all(len(v) == 1 for v in rows.values())
    assert rows[approved["id"]] == ["processed"]
    assert len(paypal_standin.captures_of(order_id)) == 1
    assert await ledger_count(env, f"pay:{pid}:complete") == 1
    assert await ledger_count(env, f"pay:{pid}:refund:%") == 0
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4
    await assert_invariants(env.factory)
