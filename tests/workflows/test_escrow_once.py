"""Release exactly once on a real database, even when the worker dies after the transfer committed."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select
from temporalio import activity
from temporalio.worker import Worker

from activities.deps import Deps
from activities.escrow import EscrowActivities
from contracts.escrow import (
    SETTLE_ACTIVITY,
    DeliverRequest,
    EscrowInput,
    EscrowPaymentCompleted,
    EscrowView,
    MoneyResult,
    SettleInput,
)
from db.models.escrow import Escrow, EscrowEventRow
from db.models.ledger import LedgerTransaction, Posting
from db.session import unit_of_work
from domain.ledger import clearing, earnings, escrow_holding, system, transfer_postings
from services import ledger
from tests.support.tokens import uid
from workflows.escrow import EscrowWorkflow


async def test_release_commits_then_worker_dies_then_retry_moves_nothing_twice(
    ts_env, task_queue, settings, session_factory
) -> None:
    real = EscrowActivities(Deps(settings, session_factory, ts_env.client))
    attempts: list[int] = []

    @activity.defn(name=SETTLE_ACTIVITY)
    async def settle_then_die(inp: SettleInput) -> MoneyResult:
        result = await real.settle(inp)  # the transfer is committed here
        attempts.append(activity.info().attempt)
        if activity.info().attempt == 1:
            raise RuntimeError("worker killed after the release committed")
        return result

    cid, payee = uid("c"), uid("agent")
    holding = escrow_holding(cid, "USD")
    # What the payments area does on a completed card payment: clearing → holding, then the signal.
    async with unit_of_work(session_factory) as s:
        paid = await ledger.transfer(
            s, transfer_postings(clearing("stripe", "USD"), holding, 10_000, "USD"), f"pay:{cid}:escrow"
        )
    now = await ts_env.get_current_time()
    inp = EscrowInput(
        escrow_id=f"esc_{cid}",
        contract_id=cid,
        payer_id=uid("user"),
        payee_id=payee,
        amount=10_000,
        currency="USD",
        signers=["x"],
        required_signatures=1,
        threshold_ppm=800_000,
        fee_percent="10",
        created_at=now.isoformat(),
        funding_deadline=(now + timedelta(days=1)).isoformat(),
        search_attributes=False,
    )
    activities = [real.record, real.fund_with_credits, real.return_to_payer, settle_then_die]
    async with Worker(
        ts_env.client, task_queue=task_queue, workflows=[EscrowWorkflow], activities=activities
    ):
        h = await ts_env.client.start_workflow(
            EscrowWorkflow.run, inp, id=f"escrow-{cid}", task_queue=task_queue
        )
        await h.signal(
            EscrowWorkflow.payment_completed,
            EscrowPaymentCompleted("pay_x", 10_000, "USD", "stripe", paid.transaction_id),
        )
        for _ in range(200):
            if (await h.query(EscrowWorkflow.state)).status == "funded":
                break
            await asyncio.sleep(0.01)
        view: EscrowView = await h.execute_update(
            EscrowWorkflow.deliver,
            DeliverRequest("mesh", "service", 950_000, validator=True),  # a validator
        )
        final: EscrowView = await h.result()

    assert attempts == [1, 2]  # the first attempt committed and "died"; Temporal retried it
    assert view.status == final.status == "released"
    async with session_factory() as s:
        assert await ledger.balance(s, holding) == 0
        assert await ledger.balance(s, earnings(payee, "USD")) == 9_000
        releases = (
            (
                await s.execute(
                    select(LedgerTransaction.id).where(
                        LedgerTransaction.idempotency_key == f"esc:{cid}:release"
                    )
                )
            )
            .scalars()
            .all()
        )
        assert len(releases) == 1
        legs = (
            await s.execute(
                select(Posting.account_code, Posting.amount).where(Posting.transaction_id == releases[0])
            )
        ).all()
        assert sorted(legs) == sorted(
            [(holding, -10_000), (earnings(payee, "USD"), 9_000), (system("revenue", "USD"), 1_000)]
        )
        assert (await s.execute(select(func.sum(Posting.amount)))).scalar_one() == 0  # the ledger balances
        row = (await s.execute(select(Escrow).where(Escrow.contract_id == cid))).scalar_one()
        assert (row.status, row.held, row.released, row.fee) == ("released", 0, 9_000, 1_000)
        kinds = (
            (
                await s.execute(
                    select(EscrowEventRow.kind)
                    .where(EscrowEventRow.escrow_id == row.id)
                    .order_by(EscrowEventRow.seq)
                )
            )
            .scalars()
            .all()
        )
        assert kinds == ["created", "funded", "delivered", "released"]
