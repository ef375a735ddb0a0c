"""Provider faults: a proxy between our Stripe provider and localstripe injects 500s, timeouts, slow
answers and "it succeeded but the answer was lost" into creates, confirms and refunds.

Shows, counted on localstripe itself: one PaymentIntent and one succeeded charge per payment, and
exactly the refunds we recorded (same count, same total) — although localstripe ignores
idempotency keys, so only our reconciliation and database stand between a retry and a double
charge or double refund. And, from what the proxy saw: every retry of a provider write carried the
same idempotency key as the first attempt (pay:{id}:create, pay:{id}:confirm, pay:{id}:refund:{n}).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import stripe
from temporalio.worker import Worker

from activities.deps import Deps
from activities.payments import PaymentActivities
from db.base import utcnow
from db.repositories import payments as repo
from providers.stripe_provider import StripeProvider
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.invariants import assert_invariants
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.reconcile import assert_reconciled
from tests.support.stripe_counts import provider_objects
from tests.support.tokens import auth, uid
from workers import registry

pytestmark = pytest.mark.e2e

CLIENT_TIMEOUT = 1.5  # the provider's HTTP timeout in this test; "timeout" faults hold longer
HOLD = 4.0
ADMIN = auth("ops_faults", "admin")

# One payment per scenario: (create fault, confirm fault, first-refund fault), None = clean.
SCENARIOS: list[tuple[str | None, str | None, str | None]] = [
    ("error_500", "lost_500", "lost_500"),
    ("lost_500", "error_500", "error_500"),
    ("lost_drop", "lost_drop", "lost_drop"),
    ("timeout", "timeout", "timeout"),
    ("slow", "lost_timeout", "lost_timeout"),
    ("lost_timeout", "slow", "slow"),
    (None, None, None),
]


@pytest.fixture
def proxy(localstripe: str) -> Iterator[FaultProxy]:  # noqa: F811
    with FaultProxy(localstripe) as p:
        yield p


@dataclass
class Env:
    http: httpx.AsyncClient
    proxy: FaultProxy
    localstripe: str


@pytest.fixture
async def env(dev_env, settings, session_factory, make_app, proxy, localstripe) -> AsyncIterator[Env]:  # type: ignore[no-untyped-def]  # noqa: F811
    client = dev_env.client
    tq = f"faults-{uuid.uuid4().hex[:10]}"
    s = settings.model_copy(update={"task_queue": tq, "stripe_api_base": proxy.base})
    deps = Deps(settings=s, session_factory=session_factory, client=client)
    # The worker's Stripe provider talks to the proxy with a short HTTP timeout, so a held request
    # fails the attempt in seconds (in production: 30 s); everything else is the registry's.
    payments = PaymentActivities(
        deps, providers={"stripe": StripeProvider(s.stripe_secret_key, proxy.base, timeout=CLIENT_TIMEOUT)}
    )
    activities = [
        a
        for a in registry.activities(deps)
        if not isinstance(getattr(a, "__self__", None), PaymentActivities)
    ] + payments.all()
    worker = Worker(
        client,
        task_queue=tq,
        workflows=registry.workflows(),
        activities=activities,
        max_concurrent_activities=50,
    )
    app = make_app(temporal_client=client, task_queue=tq, stripe_api_base=proxy.base)
    async with (
        worker,
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=120
        ) as http,
    ):
        yield Env(http, proxy, localstripe)


def card(base: str) -> str:
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": base})
    pm = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }
    )
    return str(pm.id)


def fault(action: str, path: str, match: Any) -> Fault:
    times = 2 if action == "error_500" else 1
    return Fault(action, "POST", path, times=times, delay=0.5 if action == "slow" else HOLD, match=match)


async def payment_doc(env: Env, pid: str) -> dict[str, Any]:
    r = await env.http.get(f"/api/v1/payments/{pid}", headers=ADMIN)
    assert r.status_code == 200, r.text
    return r.json()


async def wait_for(env: Env, pid: str, status: str, seconds: float = 60) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(int(seconds * 10)):
        doc = await payment_doc(env, pid)
        if doc["status"] == status:
            return doc
        await asyncio.sleep(0.1)
    raise AssertionError(f"payment {pid} stayed {doc.get('status')}")


async def test_faulty_provider_never_charges_or_refunds_twice(
    env: Env, session_factory, dev_env, settings
) -> None:  # type: ignore[no-untyped-def]
    began = utcnow()
    proxy = env.proxy
    user = uid("faulty")
    amounts = [7100 + i for i in range(len(SCENARIOS))]

    # 1. Creates (matched by amount: the payment id is ours to learn only from the answer).
    for (create_fault, _, _), amount in zip(SCENARIOS, amounts, strict=True):
        if create_fault:
            proxy.inject(
                fault(
                    create_fault, r"^/v1/payment_intents$", lambda r, a=str(amount): r.form.get("amount") == a
                )
            )

    async def create(amount: int) -> str:
        r = await env.http.post(
            "/api/v1/payments/create",
            headers=auth(user),
            json={
                "amount": f"{amount // 100}.{amount % 100:02d}",
                "currency": "USD",
                "provider": "stripe",
                "payment_method_id": card(env.localstripe),
            },
        )
        assert r.status_code == 201, r.text
        return str(r.json()["payment_id"])

    pids = await asyncio.gather(*(create(a) for a in amounts))
    intents: dict[str, str] = {}
    for pid in pids:
        doc = await wait_for(env, pid, "requires_action")
        intents[pid] = doc["next_action"]["client_secret"].split("_secret_")[0]

    # 2. Confirms (matched by the PaymentIntent in the path).
    for (_, confirm_fault, _), pid in zip(SCENARIOS, pids, strict=True):
        if confirm_fault:
            proxy.inject(fault(confirm_fault, rf"^/v1/payment_intents/{intents[pid]}/confirm$", None))

    async def confirm(pid: str) -> None:
        r = await env.http.post(f"/api/v1/payments/{pid}/confirm", headers=auth(user), json={})
        assert r.status_code == 200, r.text

    await asyncio.gather(*(confirm(p) for p in pids))
    for pid, amount in zip(pids, amounts, strict=True):
        doc = await wait_for(env, pid, "completed")
        assert doc["captured_amount"] == f"{amount // 100}.{amount % 100:02d}"

    # 3. Refunds: 3.00 of each (faulted), then 1.00 more of each (clean; the second refund's key).
    for (_, _, refund_fault), pid in zip(SCENARIOS, pids, strict=True):
        if refund_fault:
            proxy.inject(
                fault(
                    refund_fault,
                    r"^/v1/refunds$",
                    lambda r, pi=intents[pid]: r.form.get("payment_intent") == pi,
                )
            )

    async def refund(pid: str, amount: str) -> None:
        r = await env.http.post(f"/api/v1/payments/{pid}/refund", headers=ADMIN, json={"amount": amount})
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "succeeded", r.text

    await asyncio.gather(*(refund(p, "3.00") for p in pids))
    await asyncio.gather(*(refund(p, "1.00") for p in pids))

    # Every injected fault really happened (the test is not vacuous).
    unhit = [(f.action, f.path, f.hits, f.times) for f in proxy.faults if f.hits != f.times]
    assert not unhit, unhit

    # What the provider holds: one intent, one charge, and exactly our refunds, per payment.
    objects = provider_objects(env.localstripe, set(pids))
    for pid in pids:
        assert len(objects.intents[pid]) == 1, (pid, objects.intents[pid])
        assert objects.charges[pid] == 1, pid
        assert sorted(objects.refunds[pid]) == [100, 300], (pid, objects.refunds[pid])
        async with session_factory() as s:
            row = await repo.get_payment(s, pid)
            assert row is not None and row.refunded_amount == 400

    # What the proxy saw: every retry carried the first attempt's idempotency key.
    keys: dict[str, dict[str, set[str | None]]] = {}
    for pid in pids:
        pi = intents[pid]
        creates = [
            r
            for r in proxy.requests("POST", r"^/v1/payment_intents$")
            if r.form.get("metadata[payment_id]") == pid
        ]
        confirms = proxy.requests("POST", rf"^/v1/payment_intents/{pi}/confirm$")
        refunds = [r for r in proxy.requests("POST", r"^/v1/refunds$") if r.form.get("payment_intent") == pi]
        keys[pid] = {
            "create": {r.idempotency_key for r in creates},
            "confirm": {r.idempotency_key for r in confirms},
            "refund": {r.idempotency_key for r in refunds},
        }
        assert keys[pid]["create"] == {f"pay:{pid}:create"}
        assert keys[pid]["confirm"] == {f"pay:{pid}:confirm"}
        assert keys[pid]["refund"] == {f"pay:{pid}:refund:1", f"pay:{pid}:refund:2"}
        for r in refunds:  # each refund's key is in its metadata too (what reconciliation finds)
            assert r.form.get("metadata[key]") == r.idempotency_key

    retried = {
        step: sum(len([r for r in proxy.seen if r.fault and _step(r, intents[p], p) == step]) for p in pids)
        for step in ("create", "confirm", "refund")
    }
    summary = objects.summary(set(pids))
    print(
        f"\nprovider faults: {len(pids)} payments, {len(proxy.faults)} faults injected "
        f"({sum(f.hits for f in proxy.faults)} hits; by step {retried}); "
        f"proxy saw {len(proxy.seen)} requests; "
        f"localstripe holds {summary}"
    )
    await assert_invariants(session_factory)
    # And the reconciler, straight at localstripe: every intent, charge and refund is in the ledger.
    s = settings.model_copy(update={"stripe_api_base": env.localstripe})
    report = await assert_reconciled(dev_env.client, s, session_factory, began, payment_ids=set(pids))
    assert report.checked >= len(pids)


def _step(r: Any, pi: str, pid: str) -> str | None:
    if r.path == "/v1/payment_intents" and r.form.get("metadata[payment_id]") == pid:
        return "create"
    if r.path == f"/v1/payment_intents/{pi}/confirm":
        return "confirm"
    if r.path == "/v1/refunds" and r.form.get("payment_intent") == pi:
        return "refund"
    return None
