"""A crypto deposit reported in the window between the PaymentWorkflow's completion step and the
workflow closing must still become credits (the issue: a late or excess payment becomes credits, not
lost money). Time-skipping server, the real payment activities against PostgreSQL, the real webhook
route; the completion activity is held open after it has run, so the ordering is deterministic.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import func, select
from temporalio import activity
from temporalio.worker import Worker

from activities.deps import Deps
from activities.payments import PaymentActivities
from contracts import payments as c
from db.models.ledger import LedgerTransaction
from db.repositories import payments as repo
from domain.ledger import wallet
from services import ledger
from tests.support.crypto_webhooks import crypto_signed as _signed
from tests.support.invariants import assert_invariants
from tests.support.tokens import auth, uid
from workflows.payment import WORKFLOWS

CRYPTO = "/api/v1/payments/webhooks/crypto"


async def _report(http: httpx.AsyncClient, address: str, amount: str, confirmations: int, txid: str) -> None:
    doc = {"chain": "BTC", "address": address, "txid": txid, "amount": amount, "confirmations": confirmations}
    body, headers = _signed(doc)
    r = await http.post(CRYPTO, content=body, headers=headers)
    assert r.status_code == 200, r.text


async def _keys_like(factory, pattern: str) -> int:  # type: ignore[no-untyped-def]
    async with factory() as s:
        stmt = select(func.count()).select_from(LedgerTransaction)
        return int(
            (await s.execute(stmt.where(LedgerTransaction.idempotency_key.like(pattern)))).scalar_one()
        )


async def test_deposit_between_completion_and_workflow_close_becomes_credits(
    ts_env, task_queue, settings, session_factory, make_app
) -> None:  # type: ignore[no-untyped-def]
    client = ts_env.client
    acts = PaymentActivities(Deps(settings=settings, session_factory=session_factory, client=client))
    completed, release = asyncio.Event(), asyncio.Event()

    @activity.defn(name=c.ACT_COMPLETE)
    async def complete_then_hold(ref: c.PaymentRef) -> c.PaymentOutcome:
        outcome = await acts.complete(ref)  # the real completion step: committed
        completed.set()
        await release.wait()  # ... and the workflow has not closed yet
        return outcome

    activities = [a for a in acts.all() if a != acts.complete] + [complete_then_hold]
    app = make_app(temporal_client=client, task_queue=task_queue, payments_search_attributes=False)
    user = uid("btc")
    async with (
        Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=activities),
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        r = await http.post(
            "/api/v1/payments/credits/purchase",
            headers=auth(user),
            json={"amount": "60.00", "provider": "crypto", "chain": "BTC"},
        )
        assert r.status_code == 201, r.text
        pid, address = r.json()["payment_id"], r.json()["next_action"]["address"]

        await _report(http, address, "0.00100000", 6, uuid.uuid4().hex)  # exactly the quote
        await asyncio.wait_for(completed.wait(), 30)
        # The completion step has run; the workflow is still open (the signal is delivered to it).
        late_txid = uuid.uuid4().hex
        await _report(http, address, "0.00010000", 6, late_txid)
        release.set()
        handle = client.get_workflow_handle(f"payment-{pid}", result_type=c.PaymentOutcome)
        outcome = await handle.result()
        assert outcome.status == "completed"
        # The watcher reports nothing more for this deposit: nothing else will come to settle it.

    async with session_factory() as s:
        deposits = await repo.deposits_for(s, pid)
        assert [(d.amount, d.status) for d in deposits] == [(100_000, "applied"), (10_000, "credited")]
        # 60 credits bought + 6 credits from the late 0.0001 BTC (6.00 USD), not lost money.
        assert await ledger.balance(s, wallet(user)) == (60 + 6) * 10**4
    assert await _keys_like(session_factory, f"pay:{pid}:crypto:late:%") == 1
    assert await _keys_like(session_factory, f"pay:{pid}:complete") == 1
    await assert_invariants(session_factory)
