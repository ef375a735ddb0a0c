"""The proof of issue #12's "exactly once across the API ↔ Temporal boundary": a client that retries
every POST with the same Idempotency-Key after the API process was SIGKILLed mid-request never moves
money twice.

The API is the real app under uvicorn in a subprocess; the worker (in this process, from the
registry) holds the activity that moves the money right after it committed, so the kill lands in the
window "money moved, answer not sent". The API is then started again and the client retries with the
same key until it gets an answer (409 idempotency_key_in_use while the dead request's key has not yet
lapsed). One movement in the ledger, one charge at localstripe.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import func, select
from temporalio.worker import Worker

from activities.deps import Deps
from contracts.escrow import RETURN_TO_PAYER_ACTIVITY
from contracts.payments import ACT_CONFIRM_PROVIDER, ACT_PAY_WITH_CREDITS
from db.models.ledger import LedgerTransaction
from db.models.payments import Payment
from db.session import SessionFactory, unit_of_work
from domain.ledger import wallet
from services import credits, ledger
from tests.support.api_process import ApiProcess, Hold, with_hold
from tests.support.fuzz import env_address
from tests.support.localstripe import count_succeeded_charges, localstripe  # noqa: F401
from tests.support.tokens import auth, uid
from workers import registry

pytestmark = pytest.mark.e2e
PAY = "/api/v1/payments"


@dataclass
class Rig:
    api: ApiProcess
    factory: SessionFactory
    holds: dict[str, Hold]
    stripe_base: str


@pytest.fixture
async def rig(dev_env, settings, session_factory, localstripe) -> AsyncIterator[Rig]:  # type: ignore[no-untyped-def]  # noqa: F811
    tq = f"kill-{uuid.uuid4().hex[:10]}"
    s = settings.model_copy(update={"task_queue": tq, "stripe_api_base": localstripe})
    holds = {name: Hold() for name in (ACT_PAY_WITH_CREDITS, RETURN_TO_PAYER_ACTIVITY, ACT_CONFIRM_PROVIDER)}
    acts = registry.activities(Deps(settings=s, session_factory=session_factory, client=dev_env.client))
    for name, hold in holds.items():
        acts = with_hold(acts, name, hold)
    api = ApiProcess(
        {
            "MESHPAY_DATABASE_URL": settings.database_url,
            "MESHPAY_TEMPORAL_ADDRESS": env_address(dev_env),
            "MESHPAY_TASK_QUEUE": tq,
            "MESHPAY_STRIPE_API_BASE": localstripe,
            "MESHPAY_IDEMPOTENCY_IN_FLIGHT_SECONDS": "2",  # a dead request's key lapses fast here
        }
    )
    async with Worker(
        dev_env.client,
        task_queue=tq,
        workflows=registry.workflows(),
        activities=acts,
        max_concurrent_activities=20,
    ):
        try:
            yield Rig(api, session_factory, holds, localstripe)
        finally:
            for hold in holds.values():
                hold.release.set()
            api.stop()


async def killed_mid_request(
    rig: Rig, hold_name: str, path: str, body: dict[str, Any], headers: dict[str, str]
) -> None:
    """POST while the money-moving activity is held after its commit; SIGKILL the API then; let the
    workflow go on. The client never sees an answer."""
    hold = rig.holds[hold_name]
    hold.arm()
    async with httpx.AsyncClient(base_url=rig.api.base, timeout=60) as http:
        request = asyncio.create_task(http.post(path, json=body, headers=headers))
        await asyncio.wait_for(hold.reached.wait(), timeout=30)  # the money has moved
        rig.api.kill()
        with pytest.raises(httpx.TransportError):
            await request  # the answer is lost with the process
    hold.release.set()


async def retry_until_answered(
    rig: Rig, path: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """What a client does: the same request, the same key, until it is not told 'still in progress'."""
    async with httpx.AsyncClient(base_url=rig.api.base, timeout=60) as http:
        for _ in range(100):
            r = await http.post(path, json=body, headers=headers)
            if not (r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_in_use"):
                return r
            await asyncio.sleep(0.2)
    raise AssertionError("the key stayed in flight")


async def give_credits(factory: SessionFactory, user: str, amount: int) -> None:
    async with unit_of_work(factory) as s:
        await credits.grant_purchased_credits(s, user_id=user, credits=amount, payment_id=uid("pay"))


async def balance(factory: SessionFactory, account: str) -> int:
    async with factory() as s:
        return await ledger.balance(s, account)


async def ledger_moves(factory: SessionFactory, key_like: str) -> int:
    async with factory() as s:
        n = await s.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(LedgerTransaction.idempotency_key.like(key_like))
        )
    return int(n or 0)


async def test_credits_payment_killed_mid_request_and_retried_debits_once(rig: Rig) -> None:
    await rig.api.start()
    payer = uid("buyer")
    await give_credits(rig.factory, payer, 100_000)
    headers = {**auth(payer), "Idempotency-Key": uid("key")}
    body = {"amount": "4", "currency": "CREDIT", "provider": "credits"}
    await killed_mid_request(rig, ACT_PAY_WITH_CREDITS, f"{PAY}/create", body, headers)
    assert await balance(rig.factory, wallet(payer)) == 60_000  # moved before the kill

    await rig.api.start()  # the API comes back
    r = await retry_until_answered(rig, f"{PAY}/create", body, headers)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "completed"
    assert await balance(rig.factory, wallet(payer)) == 60_000  # once
    async with rig.factory() as s:
        ids = (await s.execute(select(Payment.id).where(Payment.payer_id == payer))).scalars().all()
    assert ids == [r.json()["payment_id"]]
    replay = await retry_until_answered(rig, f"{PAY}/create", body, headers)
    assert replay.headers.get("idempotent-replayed") == "true" and replay.json() == r.json()


async def test_escrow_partial_refund_killed_mid_request_and_retried_refunds_once(rig: Rig) -> None:
    await rig.api.start()
    payer, payee = uid("user"), uid("agent")
    await give_credits(rig.factory, payer, 100_000)
    async with httpx.AsyncClient(base_url=rig.api.base, timeout=60) as http:
        created = await http.post(
            f"{PAY}/escrow/create",
            json={"contract_id": uid("ct"), "amount": "8", "payee_id": payee},
            headers=auth(payer),
        )
        eid, contract = created.json()["escrow_id"], created.json()["contract_id"]
        funded = await http.post(f"{PAY}/escrow/{eid}/fund", json={}, headers=auth(payer))
        assert funded.status_code == 200, funded.text
    headers = {**auth(payee, "agent"), "Idempotency-Key": uid("key")}
    path, body = f"{PAY}/escrow/{eid}/refund", {"amount": "3"}
    await killed_mid_request(rig, RETURN_TO_PAYER_ACTIVITY, path, body, headers)
    assert await balance(rig.factory, wallet(payer)) == 50_000  # 3 back before the kill

    await rig.api.start()
    r = await retry_until_answered(rig, path, body, headers)
    assert r.status_code == 200, r.text
    assert (r.json()["held"], r.json()["refunded"]) == ("5.0000", "3.0000")
    assert await balance(rig.factory, wallet(payer)) == 50_000  # once
    assert await ledger_moves(rig.factory, f"esc:{contract}:refund:%") == 1


async def test_card_confirm_killed_mid_request_and_retried_charges_once(rig: Rig) -> None:
    await rig.api.start()
    payer = uid("payer")
    sdk = stripe.StripeClient("sk_test_meshpay_dev", base_addresses={"api": rig.stripe_base})
    pm = sdk.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    ).id
    async with httpx.AsyncClient(base_url=rig.api.base, timeout=60) as http:
        created = await http.post(
            f"{PAY}/create",
            json={"amount": "10.00", "currency": "USD", "provider": "stripe", "payment_method_id": pm},
            headers={**auth(payer), "Idempotency-Key": uid("create")},
        )
        assert created.status_code == 201, created.text
    pid = created.json()["payment_id"]
    headers = {**auth(payer), "Idempotency-Key": uid("confirm")}
    await killed_mid_request(rig, ACT_CONFIRM_PROVIDER, f"{PAY}/{pid}/confirm", {}, headers)

    await rig.api.start()
    r = await retry_until_answered(rig, f"{PAY}/{pid}/confirm", {}, headers)
    # The same Update (same id) answers again; or, once the payment has completed and its workflow
    # closed, a clear 409 — never a second charge.
    assert r.status_code in (200, 409), r.text
    for _ in range(100):
        async with rig.factory() as s:
            row = await s.get(Payment, pid)
        if row is not None and row.status == "completed":
            break
        await asyncio.sleep(0.1)
    assert row is not None and row.status == "completed" and row.provider_object_id
    assert count_succeeded_charges(rig.stripe_base, payment_intent=row.provider_object_id) == 1
    assert await ledger_moves(rig.factory, f"pay:{pid}:complete") == 1
