"""Only the provider's word moves money (issue #12 cases 3 and 5), through the API against the PayPal
stand-in with the real paypal-server-sdk, a worker on the Temporal dev server and PostgreSQL:
a PENDING capture never expires; a refund PayPal answers FAILED/CANCELLED is never posted, a PENDING
one is posted when PayPal completes it; a refund PayPal later reverses is undone in the ledger."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from db.models.ledger import LedgerTransaction
from db.repositories import payments as repo
from domain.ledger import clearing, wallet
from services import ledger
from services.invariants import check, failures
from tests.support.payments_env import PayEnv, payments_env
from tests.support.paypal_standin import PayPalStandIn, paypal_event, paypal_standin  # noqa: F401
from tests.support.tokens import auth, uid

pytestmark = pytest.mark.e2e
ADMIN = auth("ops", "admin")


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, paypal_standin) -> AsyncIterator[PayEnv]:  # type: ignore[no-untyped-def]  # noqa: F811
    async with payments_env(
        dev_env.client,
        settings,
        session_factory,
        make_app,
        paypal_api_base=paypal_standin.base,
        payment_expiry_seconds=3,
    ) as e:
        try:
            yield e
        finally:
            paypal_standin.answer()  # the stand-in is shared: back to COMPLETED for everyone


async def ledger_count(env: PayEnv, like: str) -> int:
    async with env.factory() as s:
        q = select(func.count()).select_from(LedgerTransaction)
        return int((await s.execute(q.where(LedgerTransaction.idempotency_key.like(like)))).scalar_one())


async def status_of(env: PayEnv, pid: str) -> dict[str, Any]:
    return dict((await env.http.get(f"/api/v1/payments/{pid}", headers=ADMIN)).json())


async def wait_status(env: PayEnv, pid: str, want: set[str], tries: int = 150) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(tries):
        doc = await status_of(env, pid)
        if doc["status"] in want:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment stayed {doc.get('status')}")


async def captured_purchase(env: PayEnv, standin: PayPalStandIn, user: str) -> tuple[str, str]:
    """A $10 credits purchase, approved and captured: (payment id, capture id)."""
    r = await env.http.post(
        "/api/v1/payments/credits/purchase",
        json={"amount": "10.00", "provider": "paypal"},
        headers=auth(user),
    )
    assert r.status_code == 201, r.text
    pid = r.json()["payment_id"]
    assert httpx.get(r.json()["next_action"]["approval_url"]).json()["approved"] is True
    r = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
    assert r.status_code == 200, r.text
    async with env.factory() as s:
        row = await repo.get_payment(s, pid)
    assert row is not None and row.provider_object_id
    [capture] = standin.captures_of(row.provider_object_id)
    return pid, str(capture["id"])


async def assert_invariants(env: PayEnv) -> None:
    async with env.factory() as s:
        assert [r.name for r in failures(await check(s))] == []


async def test_a_pending_capture_never_expires_and_completes_on_paypals_word(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    user = uid("pp-pending")
    paypal_standin.answer(capture="PENDING")
    pid, capture_id = await captured_purchase(env, paypal_standin, user)
    assert (await status_of(env, pid))["status"] == "processing"
    await asyncio.sleep(5)  # well past the 3 s expiry
    assert (await status_of(env, pid))["status"] == "processing"
    assert await ledger_count(env, f"pay:{pid}:%") == 0
    # PayPal completes the capture and says so.
    paypal_standin.settle(capture_id=capture_id, status="COMPLETED")
    capture = {"id": capture_id, "custom_id": pid, "status": "COMPLETED"}
    body, headers = paypal_standin.sign_webhook(paypal_event("PAYMENT.CAPTURE.COMPLETED", capture))
    r = await env.http.post("/api/v1/payments/webhooks/paypal", content=body, headers=headers)
    assert r.status_code == 200, r.text
    await wait_status(env, pid, {"completed"})
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4
    await assert_invariants(env)


@pytest.mark.parametrize("answer", ["FAILED", "CANCELLED"])
async def test_a_refund_paypal_refuses_is_not_posted(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
    answer: str,
) -> None:
    user = uid("pp-refund")
    pid, _ = await captured_purchase(env, paypal_standin, user)
    await wait_status(env, pid, {"completed"})
    paypal_standin.answer(refund=answer)
    r = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=ADMIN, json={"amount": "4.00"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "refund_failed", r.text
    assert await ledger_count(env, f"pay:{pid}:refund:%") == 0
    doc = await status_of(env, pid)
    assert doc["refunded_amount"] == "0.00"
    async with env.factory() as s:
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4  # the credits taken back returned
    await assert_invariants(env)


async def test_a_pending_refund_is_posted_when_paypal_completes_it_and_undone_when_reversed(
    env: PayEnv,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    user = uid("pp-refund")
    pid, capture_id = await captured_purchase(env, paypal_standin, user)
    await wait_status(env, pid, {"completed"})
    paypal_standin.answer(refund="PENDING")
    request = asyncio.create_task(
        env.http.post(f"/api/v1/payments/{pid}/refund", headers=ADMIN, json={"amount": "4.00"})
    )
    for _ in range(100):
        if paypal_standin.refunds_of(capture_id):
            break
        await asyncio.sleep(0.1)
    [pending] = paypal_standin.refunds_of(capture_id)
    await asyncio.sleep(1)
    assert await ledger_count(env, f"pay:{pid}:refund:%") == 0  # nothing posted while PENDING
    paypal_standin.settle(refund_id=pending["id"], status="COMPLETED")
    r = await asyncio.wait_for(request, 60)
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    assert await ledger_count(env, f"pay:{pid}:refund:%") == 1
    async with env.factory() as s:
        clearing_after_refund = await ledger.balance(s, clearing("paypal", "USD"))
        assert await ledger.balance(s, wallet(user)) == 6 * 10**4

    # PayPal reverses that refund later: the money is ours again, the refund is undone.
    reversed_ = {"id": pending["id"], "status": "CANCELLED", "amount": pending["amount"]}
    body, headers = paypal_standin.sign_webhook(paypal_event("PAYMENT.CAPTURE.REVERSED", reversed_))
    for _ in range(2):  # redelivered: acts once
        r = await env.http.post("/api/v1/payments/webhooks/paypal", content=body, headers=headers)
        assert r.status_code == 200, r.text
    doc = await status_of(env, pid)
    assert doc["refunded_amount"] == "0.00"
    async with env.factory() as s:
        assert (
            await ledger.balance(s, clearing("paypal", "USD")) == clearing_after_refund - 400
        )  # owed by PayPal again
        assert await ledger.balance(s, wallet(user)) == 10 * 10**4
        [refund] = await repo.refunds_for(s, pid)
        assert refund.status == "failed" and (refund.failure_message or "").startswith("reversed")
    assert await ledger_count(env, f"pay:{pid}:refund:%:reversed") == 1
    await assert_invariants(env)
