"""PayoutWorkflow and ChargebackWorkflow on the time-skipping server, with the real database activities
and the provider activities mocked by name (payout_send / payout_check)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from activities.deps import Deps
from activities.disputes import DisputeActivities
from activities.payouts import PayoutActivities
from api.routes.disputes import on_dispute_closed, on_dispute_created
from contracts.disputes import chargeback_workflow_id
from contracts.payouts import (
    CHECK_ACTIVITY,
    PAYOUT_REJECTED,
    SEND_ACTIVITY,
    PayoutRef,
    PayoutView,
    ProviderStatus,
    WeeklyPayoutsInput,
)
from contracts.temporal import payout_workflow_id
from db.models.disputes import Dispute
from db.models.payouts import Payout
from db.repositories import ledger as ledger_repo
from db.repositories.ledger import posting_sum
from db.session import unit_of_work
from domain.ledger import Posting
from services import ledger, payouts
from tests.db.test_payout_service import _escrow_paid_by_card, balances, payee_with_destination
from workflows.chargeback import ChargebackWorkflow
from workflows.payout import PayoutWorkflow
from workflows.payout_schedule import WeeklyPayoutsWorkflow, ensure_payout_schedule

POLICY = payouts.PayoutPolicy(Decimal("10.00"), Decimal("10"))
DAY = 86400


def _worker(env, task_queue, session_factory, settings, provider_script):
    deps = Deps(
        settings=settings.model_copy(update={"task_queue": task_queue, "payouts_search_attributes": False}),
        session_factory=session_factory,
        client=env.client,
    )
    real = PayoutActivities(deps)
    sent: list[str] = []
    script = list(provider_script)

    @activity.defn(name=SEND_ACTIVITY)
    async def send(ref: PayoutRef) -> ProviderStatus:
        sent.append(ref.payout_id)
        outcome = script.pop(0) if script else "paid"
        if outcome == "reject":
            raise ApplicationError(
                "no such destination", {"code": "account_invalid"}, type=PAYOUT_REJECTED, non_retryable=True
            )
        async with unit_of_work(session_factory) as s:
            await payouts.mark_in_transit(s, ref.payout_id, f"ref_{ref.payout_id}")
        return ProviderStatus(outcome, f"ref_{ref.payout_id}")

    @activity.defn(name=CHECK_ACTIVITY)
    async def check(ref: PayoutRef) -> ProviderStatus:
        return ProviderStatus(script.pop(0), f"ref_{ref.payout_id}")

    worker = Worker(
        env.client,
        task_queue=task_queue,
        workflows=[PayoutWorkflow, ChargebackWorkflow, WeeklyPayoutsWorkflow],
        activities=[
            send,
            check,
            real.mark_paid,
            real.fail,
            real.release_reserve,
            real.run_page,
            *DisputeActivities(deps).all(),
        ],
    )
    return worker, sent, deps


async def _start(env, session_factory, settings, task_queue, payee, amount):
    async with unit_of_work(session_factory) as s:
        p, _ = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD", amount=amount)
    s2 = settings.model_copy(update={"payouts_search_attributes": False, "payout_poll_interval_seconds": 600})
    return p, await env.client.start_workflow(
        PayoutWorkflow.run, payouts.workflow_input(p, s2), id=payout_workflow_id(p.id), task_queue=task_queue
    )


async def test_paypal_pending_then_paid_and_reserve_released_by_timer(
    ts_env, task_queue, session_factory, settings
) -> None:
    payee = await payee_with_destination(session_factory, 5_000)
    worker, sent, _ = _worker(ts_env, task_queue, session_factory, settings, ["pending", "pending", "paid"])
    async with worker:
        p, handle = await _start(ts_env, session_factory, settings, task_queue, payee, 5_000)
        view = await handle.result()
    assert view == PayoutView(p.id, "paid", f"ref_{p.id}", "", True)
    assert sent == [p.id]
    async with session_factory() as s:
        row = await payouts.get_payout(s, p.id)
        assert row.status == "paid" and row.in_transit_at is not None and row.paid_at is not None
        paid = await ledger_repo.transaction_by_key(s, f"po:{p.id}:paid")
        assert paid is not None
        assert await ledger_repo.transaction_postings(s, paid.id) == [
            Posting(f"payout_transit:{payee}:USD", -4_500, "USD"),
            Posting("clearing:stripe:USD", 4_500, "USD"),
        ]
    # 4,500 sent; the 500 reserve went back to earnings when the (skipped) 90 days passed
    assert await balances(session_factory, payee) == {"earnings": 500, "transit": 0, "reserve": 0}


async def test_rejected_payout_fails_and_returns_funds(ts_env, task_queue, session_factory, settings) -> None:
    payee = await payee_with_destination(session_factory, 3_000)
    worker, _, _ = _worker(ts_env, task_queue, session_factory, settings, ["reject"])
    async with worker:
        _p, handle = await _start(ts_env, session_factory, settings, task_queue, payee, 3_000)
        view = await handle.result()
    assert (view.status, view.failure_code) == ("failed", "account_invalid")
    assert await balances(session_factory, payee) == {"earnings": 3_000, "transit": 0, "reserve": 0}


async def test_provider_failure_after_transit_returns_funds(
    ts_env, task_queue, session_factory, settings
) -> None:
    payee = await payee_with_destination(session_factory, 2_000)
    worker, _, _ = _worker(ts_env, task_queue, session_factory, settings, ["pending", "failed"])
    async with worker:
        p, handle = await _start(ts_env, session_factory, settings, task_queue, payee, 2_000)
        view = await handle.result()
    assert view.status == "failed"
    async with session_factory() as s:
        row = await payouts.get_payout(s, p.id)
        assert row.status == "failed" and row.in_transit_at is not None
    assert await balances(session_factory, payee) == {"earnings": 2_000, "transit": 0, "reserve": 0}


def _dispute_event(du: str, pi: str, status: str, amount: int = 10_000, due: int = 1_900_000_000) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "charge.dispute.x",
        "data": {
            "object": {
                "id": du,
                "object": "dispute",
                "amount": amount,
                "currency": "usd",
                "charge": f"ch_{du}",
                "payment_intent": pi,
                "reason": "fraudulent",
                "status": status,
                "evidence_details": {"due_by": due},
            }
        },
    }


async def test_webhook_starts_one_chargeback_and_lost_claws_back(
    ts_env, task_queue, session_factory, settings
) -> None:
    payee = await payee_with_destination(session_factory, 4_000)
    _, pi = await _escrow_paid_by_card(session_factory, payee, released=9_000)
    du = f"du_{uuid.uuid4().hex[:12]}"
    s2 = settings.model_copy(update={"task_queue": task_queue, "payouts_search_attributes": False})
    worker, _, _ = _worker(ts_env, task_queue, session_factory, settings, [])
    async with worker:
        handle = ts_env.client.get_workflow_handle_for(ChargebackWorkflow.run, chargeback_workflow_id(du))
        run_ids = []
        for _ in range(2):  # the same dispute twice (e.g. two event ids): one workflow, one hold
            async with unit_of_work(session_factory) as s:
                await on_dispute_created(s, ts_env.client, s2, _dispute_event(du, pi, "needs_response"))
            run_ids.append((await handle.describe()).run_id)
        assert run_ids[0] == run_ids[1]
        async with unit_of_work(session_factory) as s:
            await on_dispute_closed(s, ts_env.client, s2, _dispute_event(du, pi, "lost"))
        result = await handle.result()
    assert (result.outcome, result.loss, result.clawed_back, result.shortfall) == (
        "lost",
        10_000,
        4_000,
        5_000,
    )
    assert (await balances(session_factory, payee))["earnings"] == 0
    async with session_factory() as s:
        assert await ledger.balance(s, f"dispute_hold:{du}:USD") == 0
        assert await posting_sum(s, f"dispute_hold:{du}:USD") == 0
        row = await s.get(Dispute, du)
        assert row.status == "lost" and row.evidence_overdue is False  # closed before the due date
    # exactly one hold was posted despite two created deliveries
    async with session_factory() as s:
        from sqlalchemy import func, select

        from db.models.ledger import LedgerTransaction

        n = (
            await s.execute(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.idempotency_key.like(f"dsp:{du}:%"))
            )
        ).scalar_one()
    assert n == 3  # hold, lost, clawback


async def test_won_dispute_returns_the_hold_and_due_date_is_tracked(
    ts_env, task_queue, session_factory, settings
) -> None:
    du = f"du_{uuid.uuid4().hex[:12]}"
    s2 = settings.model_copy(update={"task_queue": task_queue, "payouts_search_attributes": False})
    worker, _, _ = _worker(ts_env, task_queue, session_factory, settings, [])
    due = int((await ts_env.get_current_time()).timestamp()) + 7 * DAY
    async with worker:
        async with unit_of_work(session_factory) as s:
            await on_dispute_created(
                s, ts_env.client, s2, _dispute_event(du, "pi_none", "needs_response", 700, due)
            )
        handle = ts_env.client.get_workflow_handle_for(ChargebackWorkflow.run, chargeback_workflow_id(du))
        assert (await handle.query(ChargebackWorkflow.status)).evidence_overdue is False
        await ts_env.sleep(8 * DAY)  # the evidence due date passes with the dispute still open
        assert (await handle.query(ChargebackWorkflow.status)).evidence_overdue is True
        async with session_factory() as s:
            assert await ledger.balance(s, f"dispute_hold:{du}:USD") == 700
        async with unit_of_work(session_factory) as s:
            await on_dispute_closed(s, ts_env.client, s2, _dispute_event(du, "pi_none", "won", 700, due))
        result = await handle.result()
    assert (result.outcome, result.loss, result.clawed_back) == ("won", 0, 0)
    async with session_factory() as s:
        assert await ledger.balance(s, f"dispute_hold:{du}:USD") == 0
        assert await posting_sum(s, f"dispute_hold:{du}:USD") == 0
        row = await s.get(Dispute, du)
        assert row is not None and row.status == "won" and row.evidence_overdue is True


async def test_weekly_run_pays_everyone_above_the_minimum_once(
    ts_env, task_queue, session_factory, settings
) -> None:
    rich, poor = (
        await payee_with_destination(session_factory, 2_500),
        await payee_with_destination(session_factory, 999),
    )
    batch = f"weekly:test-{uuid.uuid4().hex[:8]}"
    worker, sent, _ = _worker(ts_env, task_queue, session_factory, settings, [])
    async with worker:
        for _ in range(2):  # the same week run twice pays nobody twice
            await ts_env.client.execute_workflow(
                WeeklyPayoutsWorkflow.run,
                WeeklyPayoutsInput(batch_key=batch, page_size=2),
                id=f"weekly-{uuid.uuid4().hex[:8]}",
                task_queue=task_queue,
            )
        async with session_factory() as s:
            p = await s.get(
                Payout,
                payouts.batch_payout_id(batch, rich, "USD"),
            )
            assert p is not None and p.amount == 2_500
        await ts_env.client.get_workflow_handle(payout_workflow_id(p.id)).result()
    assert sent.count(p.id) == 1
    assert p.reserve_amount == 0  # the default reserve percent is 0
    assert await balances(session_factory, rich) == {"earnings": 0, "transit": 0, "reserve": 0}
    assert await balances(session_factory, poor) == {
        "earnings": 999,
        "transit": 0,
        "reserve": 0,
    }  # below minimum


async def test_payout_schedule_is_created_once(dev_env, task_queue) -> None:
    """The time-skipping server has no Schedules API: this one runs on the dev server."""
    handle = await ensure_payout_schedule(
        dev_env.client, task_queue=task_queue, schedule_id=f"s-{task_queue}"
    )
    again = await ensure_payout_schedule(dev_env.client, task_queue=task_queue, schedule_id=f"s-{task_queue}")
    assert handle.id == again.id
    schedule = (await handle.describe()).schedule
    assert schedule.action.workflow == "WeeklyPayoutsWorkflow" and schedule.action.task_queue == task_queue
    cal = schedule.spec.calendars[0] if schedule.spec.calendars else None
    assert (
        cal is not None and [r.start for r in cal.day_of_week] == [1] and [r.start for r in cal.hour] == [6]
    )
