"""PayPal end to end: the real paypal-server-sdk against the in-process PayPal stand-in, the real app,
a real worker on the Temporal dev server, PostgreSQL.

create → approval_url → the buyer approves (stand-in side) → confirm (capture) → completed, credits
granted once; a verified webhook delivered three times acts once; forged/stale deliveries get 400;
an approval webhook alone captures (once); refunds stay within the capture.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from db.models.ledger import LedgerTransaction
from db.models.platform import WebhookEvent
from db.repositories import payments as repo
from domain.ledger import wallet
from services import ledger
from tests.support.payments_env import PayEnv, payments_env
from tests.support.paypal_standin import PayPalStandIn, paypal_event, paypal_standin  # noqa: F401
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, paypal_standin):  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client, settings, session_factory, make_app, paypal_api_base=paypal_standin.base
    ) as e:
        yield e


async def wait_status(env: PayEnv, pid: str, user: str, want: set[str], tries: int = 150) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(tries):
        doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()
        if doc["status"] in want:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment stayed {doc.get('status')}")


async def ledger_count(env: PayEnv, like: str) -> int:
    async with env.factory() as s:
        return int(
            (
                await s.execute(
                    select(func.count())
                    .select_from(LedgerTransaction)
                    .where(LedgerTransaction.idempotency_key.like(like))
                )
            ).scalar_one()
        )


async def create(env: PayEnv, user: str, **body: Any) -> dict[str, Any]:
    r = await env.http.post(
        "/api/v1/payments/create",
        headers=auth(user),
        json={"amount": "10.00", "currency": "USD", "provider": "paypal", **body},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_purchase_approve_capture_grants_credits_once_and_webhook_acts_once(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    user = uid("pp-buyer")
    r = await env.http.post(
        "/api/v1/payments/credits/purchase",
        json={"amount": "10.00", "provider": "paypal"},
        headers=auth(user),
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    pid = doc["payment_id"]
    assert (doc["status"], doc["payment_status"]) == ("processing", "requires_action")
    approval_url = doc["next_action"]["approval_url"]
    assert approval_url.startswith(paypal_standin.base)
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.provider_object_id
        order_id = row.provider_object_id
    # The order carries our payment id; it is not captured before the buyer approves.
    assert paypal_standin.order(order_id)["purchase_units"][0]["custom_id"] == pid
    early = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
    assert early.status_code == 409 and early.json()["error"]["code"] == "payment_not_approved"
    assert paypal_standin.captures_of(order_id) == []

    assert httpx.get(approval_url).json()["approved"] is True  # the buyer approves at "PayPal"
    r = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
    assert r.status_code == 200, r.text
    done = await wait_status(env, pid, user, {"completed"})
    assert done["captured_amount"] == "10.00"
    assert done["purpose"]["credits"] == "10.0000"
    captures = paypal_standin.captures_of(order_id)
    assert len(captures) == 1
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.provider_capture_id == captures[0]["id"]
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4

    # PayPal's capture webhook, delivered three times: recorded once, changes nothing more.
    event = paypal_event("PAYMENT.CAPTURE.COMPLETED", captures[0])
    body, headers = paypal_standin.sign_webhook(event)
    answers = [
        await env.http.post("/api/v1/payments/webhooks/paypal", content=body, headers=headers)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200], answers[0].text
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    await asyncio.sleep(0.3)
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4  # once, not three times
    assert await ledger_count(env, f"pay:{pid}:complete") == 1
    assert len(paypal_standin.captures_of(order_id)) == 1


async def test_forged_and_stale_webhooks_are_refused_and_change_nothing(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    user = uid("pp-forged")
    pid = (await create(env, user))["payment_id"]
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.provider_object_id
    order = paypal_standin.order(row.provider_object_id)
    forged = paypal_event(
        "PAYMENT.CAPTURE.COMPLETED", {"id": "CAPFAKE", "custom_id": pid, "status": "COMPLETED"}
    )

    body, headers = paypal_standin.sign_webhook(forged, webhook_id="someone-elses-webhook")
    tampered_body, tampered_headers = paypal_standin.sign_webhook(order)  # signed for another event
    stale_body, stale_headers = paypal_standin.sign_webhook(
        forged, at=datetime.now(UTC) - timedelta(minutes=30)
    )
    for b, h in (
        (body, headers),
        (body, tampered_headers),
        (stale_body, stale_headers),
        (body, {"Content-Type": "application/json"}),
    ):
        r = await env.http.post("/api/v1/payments/webhooks/paypal", content=b, headers=h)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == "invalid_signature"
    async with env.factory() as s:
        n = (
            await s.execute(
                select(func.count()).select_from(WebhookEvent).where(WebhookEvent.event_id == forged["id"])
            )
        ).scalar_one()
        assert n == 0
    assert tampered_body  # (the tampered pair mixes one event's signature with another's body)
    doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()
    assert doc["status"] == "requires_action"
    assert await ledger_count(env, f"pay:{pid}:%") == 0
    # Cancelling an uncaptured order: nothing was captured, nothing posted.
    r = await env.http.post(f"/api/v1/payments/{pid}/cancel", headers=auth(user))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert paypal_standin.captures_of(row.provider_object_id) == []


async def test_approval_webhook_captures_once_and_refunds_stay_within_the_capture(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    user = uid("pp-payer")
    pid = (await create(env, user))["payment_id"]
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.provider_object_id
    order_id = row.provider_object_id
    assert paypal_standin.approve(order_id)
    # No confirm from the client: PayPal's approval webhook (three deliveries) makes the workflow capture.
    event = paypal_event("CHECKOUT.ORDER.APPROVED", paypal_standin.order(order_id))
    body, headers = paypal_standin.sign_webhook(event)
    answers = [
        await env.http.post("/api/v1/payments/webhooks/paypal", content=body, headers=headers)
        for _ in range(3)
    ]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    done = await wait_status(env, pid, user, {"completed"})
    assert done["captured_amount"] == "10.00"
    # A confirm arriving afterwards changes nothing (the payment is completed; one capture).
    late = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
    assert late.status_code == 409
    captures = paypal_standin.captures_of(order_id)
    assert len(captures) == 1

    admin = auth("ops", "admin")
    r1 = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={"amount": "3.00"})
    assert r1.status_code == 201, r1.text
    assert r1.json()["status"] == "succeeded"
    over = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={"amount": "7.01"})
    assert over.status_code == 422 and over.json()["error"]["code"] == "refund_exceeds_captured"
    r2 = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={})
    assert r2.status_code == 201 and r2.json()["amount"] == "7.00"
    assert str(paypal_standin.refunded(captures[0]["id"])) == "10.00"  # PayPal saw exactly that
    doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()
    assert doc["refunded_amount"] == "10.00"
    assert await ledger_count(env, f"pay:{pid}:refund:%") == 2


async def test_refund_of_spent_credits_is_refused_unless_an_admin_forces_it(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    from db.session import unit_of_work
    from services import credits

    user = uid("pp-spender")
    r = await env.http.post(
        "/api/v1/payments/credits/purchase",
        json={"amount": "10.00", "provider": "paypal"},
        headers=auth(user),
    )
    pid = r.json()["payment_id"]
    assert httpx.get(r.json()["next_action"]["approval_url"]).json()["approved"]
    assert (
        await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
    ).status_code == 200
    await wait_status(env, pid, user, {"completed"})
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.provider_capture_id
    capture_id = row.provider_capture_id
    async with unit_of_work(env.factory) as s:  # the buyer spends 9 of the 10 credits
        await credits.debit_wallet(s, user_id=user, amount=9 * 10**4, reference=uid("spend"))

    admin = auth("ops", "admin")
    refused = await env.http.post(
        f"/api/v1/payments/{pid}/refund", headers=admin, json={"reason": "chargeback"}
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "credits_already_spent"
    service = await env.http.post(
        f"/api/v1/payments/{pid}/refund", headers=auth("billing", "service"), json={"force": True}
    )
    assert service.status_code == 403
    assert str(paypal_standin.refunded(capture_id)) == "0"  # PayPal was never asked
    doc = (await env.http.get(f"/api/v1/payments/{pid}", headers=auth(user))).json()
    assert doc["refunded_amount"] == "0.00"
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 1 * 10**4  # nothing moved

    # 1.00 is still covered by the credit left: refunded normally.
    part = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={"amount": "1.00"})
    assert part.status_code == 201 and part.json()["status"] == "succeeded"
    forced = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=admin, json={"force": True})
    assert forced.status_code == 201, forced.text
    assert forced.json()["amount"] == "9.00" and forced.json()["status"] == "succeeded"
    assert str(paypal_standin.refunded(capture_id)) == "10.00"
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 0
