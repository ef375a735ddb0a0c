"""A payment signal delivered in the escrow workflow's very first task (signal-with-start: it is
handled before `run` begins) must still find the escrow `created` first: events in order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio.worker import Worker

from activities.deps import Deps
from activities.escrow import EscrowActivities
from contracts.escrow import ESCROW_PAYMENT_SIGNAL, EscrowInput, EscrowPaymentCompleted
from db.session import unit_of_work
from domain.ledger import clearing, escrow_holding, transfer_postings
from services import ledger
from tests.support.tokens import uid
from workflows.escrow import EscrowWorkflow


async def test_payment_signal_in_the_first_task_is_recorded_after_created(
    ts_env, task_queue, settings, session_factory
) -> None:
    real = EscrowActivities(Deps(settings, session_factory, ts_env.client))
    cid = uid("c")
    async with unit_of_work(session_factory) as s:
        paid = await ledger.transfer(
            s, transfer_postings(clearing("stripe", "USD"), escrow_holding(cid, "USD"), 500, "USD"), uid("k")
        )
    now = await ts_env.get_current_time()
    inp = EscrowInput(
        escrow_id=f"esc_{cid}",
        contract_id=cid,
        payer_id=uid("user"),
        payee_id=uid("agent"),
        amount=500,
        currency="USD",
        signers=["x"],
        required_signatures=1,
        threshold_ppm=800_000,
        fee_percent="10",
        created_at=now.isoformat(),
        funding_deadline=(now + timedelta(days=1)).isoformat(),
        search_attributes=False,
    )
    async with Worker(
        ts_env.client, task_queue=task_queue, workflows=[EscrowWorkflow], activities=real.all()
    ):
        handle = await ts_env.client.start_workflow(
            EscrowWorkflow.run,
            inp,
            id=f"escrow-{cid}",
            task_queue=task_queue,
            start_signal=ESCROW_PAYMENT_SIGNAL,
            start_signal_args=[
                EscrowPaymentCompleted("pay_first", 500, "USD", "stripe", paid.transaction_id)
            ],
        )
        for _ in range(300):
            view = await handle.query(EscrowWorkflow.state)
            if view.status == "funded":
                break
            await asyncio.sleep(0.01)
        await handle.terminate("test over")  # no timer left holding the shared test clock
    assert view.status == "funded"
    assert [e.kind for e in view.events][:2] == ["created", "funded"]
