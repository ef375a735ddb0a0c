"""Billing on the time-skipping server: a subscription over three months with usage and a plan change
gives three invoices numbered in sequence with tax; a failed charge walks the dunning schedule; two
concurrent billing runs make one invoice per account. The card charge is replaced by name (the
payments area owns it); every other activity is the real one against PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from temporalio import activity
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.billing import BillingActivities
from activities.deps import Deps
from config.settings import Settings
from contracts import billing as c
from contracts.temporal import billing_workflow_id, subscription_workflow_id
from db.models.billing import Invoice
from db.repositories import billing as repo
from db.session import unit_of_work
from domain.billing import Period, add_months
from services import billing, subscriptions
from tests.support.tokens import uid
from workflows.account_billing import AccountBillingWorkflow
from workflows.billing_run import BillingRunWorkflow
from workflows.subscription import SubscriptionWorkflow


def _worker(
    env: WorkflowEnvironment, settings, session_factory, task_queue: str, charge: Callable[..., object]
) -> Worker:
    real = BillingActivities(Deps(settings, session_factory, env.client))
    keep = [
        real.list_billable_accounts,
        real.build_invoice_batch,
        real.build_invoice,
        real.finalize_invoice,
        real.apply_credits,
        real.record_attempt,
        real.mark_uncollectible,
        real.subscription_renew,
        real.subscription_change,
        real.subscription_cancel,
        real.subscription_end,
    ]
    return Worker(
        env.client,
        task_queue=task_queue,
        workflows=[BillingRunWorkflow, AccountBillingWorkflow, SubscriptionWorkflow],
        activities=[*keep, charge],
    )


def paying_charge(session_factory, outcomes: list[str] | None = None) -> Callable[..., object]:
    """A stand-in for the payments area: 'paid' settles the invoice like its activity would."""
    script = list(outcomes or [])

    @activity.defn(name=c.A_CHARGE_INVOICE)
    async def charge(req: c.ChargeRequest) -> c.ChargeResult:
        outcome = script.pop(0) if script else "paid"
        pid = c.charge_payment_id(req.invoice_id, req.attempt_no)
        if outcome != "paid":
            return c.ChargeResult("failed", pid, "card_declined", "Your card was declined.")
        async with unit_of_work(session_factory) as s:
            await billing.mark_invoice_paid(s, invoice_id=req.invoice_id, payment_id=pid, amount=req.amount)
        return c.ChargeResult("paid", pid)

    return charge


async def _setup(session_factory, *, tax: str = "10", accounts: int = 1):
    metric, jur, series = uid("calls"), uid("j"), uid("W")[:12].upper()
    ids = [uid("acct") for _ in range(accounts)]
    async with unit_of_work(session_factory) as s:
        await billing.set_price(
            s, metric=metric, currency="USD", model="per_unit", tiers=[{"up_to": None, "unit_amount": "1"}]
        )
        await billing.set_tax_rate(s, jurisdiction=jur, percent=Decimal(tax), name="Sales tax")
        for a in ids:
            await billing.configure_account(
                s, a, jurisdiction=jur, invoice_series=series, default_payment_method_id="pm_card_visa"
            )
    return metric, series, ids


async def _usage(session_factory, account: str, metric: str, quantity: int, ts: datetime) -> None:
    async with unit_of_work(session_factory) as s:
        await billing.record_usage(
            s, Settings(env="dev"), [billing.UsageIn(uid("ev"), account, metric, quantity, ts)]
        )


async def _sleep_until(env: WorkflowEnvironment, at: datetime) -> None:
    delta = at - await env.get_current_time()
    if delta > timedelta(0):
        await env.sleep(delta)


async def _bill(client: Client, tq: str, account: str, period: str, **kw: object) -> c.AccountBillingResult:
    return await client.execute_workflow(
        AccountBillingWorkflow.run,
        c.AccountBillingInput(account, period, search_attributes=False, **kw),
        id=billing_workflow_id(account, period),
        task_queue=tq,
    )


def _r(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def test_three_months_of_a_subscription_with_usage_and_a_plan_change(
    ts_env, settings, session_factory, task_queue
) -> None:
    metric, series, [acct] = await _setup(session_factory, tax="10")
    async with unit_of_work(session_factory) as s:
        basic = await subscriptions.create_plan(s, name="Basic", amount=1000, currency="USD")
        pro = await subscriptions.create_plan(s, name="Pro", amount=3000, currency="USD")
        sub = await subscriptions.create_subscription(s, account_id=acct, plan_id=basic.id)
    async with _worker(ts_env, settings, session_factory, task_queue, paying_charge(session_factory)):
        handle = await ts_env.client.start_workflow(
            SubscriptionWorkflow.run,
            c.SubscriptionInput(sub.id, search_attributes=False),
            id=subscription_workflow_id(sub.id),
            task_queue=task_queue,
        )
        state = None
        while state is None:
            state = await handle.query(SubscriptionWorkflow.state)
            await asyncio.sleep(0.05)
        t0 = state.current_period_start
        t1, t2 = add_months(t0, 1), add_months(t0, 2)
        periods = [Period.containing(t0), Period.containing(t1), Period.containing(t2)]
        for k, p in enumerate(periods):
            await _usage(session_factory, acct, metric, 100 * (k + 1), p.start + timedelta(hours=1))

        results = []
        await _sleep_until(ts_env, periods[0].end + timedelta(minutes=5))
        results.append(await _bill(ts_env.client, task_queue, acct, periods[0].label))
        # change plans inside period 2, after its renewal on Basic
        change_at = t1 + min(timedelta(days=10, hours=1), (periods[1].end - t1) / 2)
        await _sleep_until(ts_env, change_at)
        changed = await handle.execute_update(SubscriptionWorkflow.change_plan, c.ChangePlanRequest(pro.id))
        assert changed.plan_id == pro.id and changed.current_period_start == t1
        await _sleep_until(ts_env, periods[1].end + timedelta(minutes=5))
        results.append(await _bill(ts_env.client, task_queue, acct, periods[1].label))
        await _sleep_until(ts_env, periods[2].end + timedelta(minutes=5))
        results.append(await _bill(ts_env.client, task_queue, acct, periods[2].label))
        canceled = await handle.execute_update(
            SubscriptionWorkflow.cancel, c.CancelRequest(at_period_end=False)
        )
        assert canceled.status == "canceled"
        await handle.result()

    days = (t2 - t1) // timedelta(days=1)
    used = (change_at - t1) // timedelta(days=1)
    credit = _r(Decimal(1000) * (days - used) / days)
    charge = _r(Decimal(3000) * (days - used) / days)
    tax = lambda amount: _r(Decimal(amount) / 10)  # noqa: E731
    expected = [
        [("usage", 100, 10), ("subscription", 1000, 100)],
        [
            ("usage", 200, 20),
            ("subscription", 1000, 100),
            ("proration", -credit, tax(-credit)),
            ("proration", charge, tax(charge)),
        ],
        [("usage", 300, 30), ("subscription", 3000, 300)],
    ]
    per_year: Counter[int] = Counter()
    async with session_factory() as s:
        for res, want in zip(results, expected, strict=True):
            inv = await repo.get_invoice(s, res.invoice_id)
            lines = await repo.lines_of(s, res.invoice_id)
            assert [(ln.kind, ln.amount, ln.tax) for ln in lines] == want
            assert inv.subtotal == sum(a for _, a, _ in want) and inv.tax == sum(t for _, _, t in want)
            assert inv.total == inv.subtotal + inv.tax and inv.status == "paid" and res.status == "paid"
            per_year[inv.issued_at.year] += 1
            assert inv.number == f"{series}-{inv.issued_at.year}-{per_year[inv.issued_at.year]:06d}"
        assert results[2].total == 3630
        final = await subscriptions.get_subscription(s, sub.id)
        assert final.status == "canceled"


async def test_a_failed_charge_walks_the_dunning_schedule_to_uncollectible(
    ts_env, settings, session_factory, task_queue
) -> None:
    metric, _, [acct] = await _setup(session_factory, tax="0")
    period = Period.parse("2004-02")
    await _usage(session_factory, acct, metric, 500, period.start)
    declines = paying_charge(session_factory, ["failed"] * 10)
    async with _worker(ts_env, settings, session_factory, task_queue, declines):
        started = await ts_env.get_current_time()
        res = await _bill(ts_env.client, task_queue, acct, period.label)
    assert (res.status, res.attempts) == ("uncollectible", 4)
    async with session_factory() as s:
        inv = await repo.get_invoice(s, res.invoice_id)
        attempts = await repo.attempts_of(s, res.invoice_id)
    assert inv.status == "uncollectible" and inv.attempt_count == 4 and inv.amount_paid == 0
    assert [a.outcome for a in attempts] == ["failed"] * 4
    assert all(a.failure_code == "card_declined" for a in attempts)
    gaps = [(b.attempted_at - a.attempted_at) for a, b in itertools.pairwise(attempts)]
    assert [round(g / timedelta(days=1)) for g in gaps] == [3, 2, 2]  # retries on days 3, 5 and 7
    assert (attempts[0].attempted_at - started) < timedelta(hours=1)
    assert [a.next_attempt_at is not None for a in attempts] == [True, True, True, False]


async def test_a_retry_that_succeeds_pays_the_invoice(ts_env, settings, session_factory, task_queue) -> None:
    metric, _, [acct] = await _setup(session_factory, tax="0")
    period = Period.parse("2004-03")
    await _usage(session_factory, acct, metric, 700, period.start)
    async with _worker(
        ts_env, settings, session_factory, task_queue, paying_charge(session_factory, ["failed", "paid"])
    ):
        res = await _bill(ts_env.client, task_queue, acct, period.label)
    assert (res.status, res.attempts, res.total) == ("paid", 2, 700)
    async with session_factory() as s:
        assert [a.outcome for a in await repo.attempts_of(s, res.invoice_id)] == ["failed", "succeeded"]
        assert (await repo.get_invoice(s, res.invoice_id)).amount_paid == 700


async def test_two_concurrent_billing_runs_make_one_invoice_per_account(
    ts_env, settings, session_factory, task_queue
) -> None:
    metric, series, accts = await _setup(session_factory, tax="0", accounts=9)
    period = Period.parse("2003-07")  # no other test has usage this early
    for a in accts:
        await _usage(session_factory, a, metric, 10, period.start + timedelta(days=3))
    inp = c.BillingRunInput(period.label, batch_size=2, batches_per_run=2, search_attributes=False)
    run_ids = [uid("a"), uid("b")]
    async with _worker(ts_env, settings, session_factory, task_queue, paying_charge(session_factory)):
        runs = await asyncio.gather(
            *(
                ts_env.client.execute_workflow(
                    BillingRunWorkflow.run,
                    inp,
                    id=f"{c.billing_run_workflow_id(period.label)}-{n}",
                    task_queue=task_queue,
                )
                for n in run_ids
            )
        )
        children = [
            await ts_env.client.get_workflow_handle(
                billing_workflow_id(a, period.label), result_type=c.AccountBillingResult
            ).result()
            for a in accts
        ]
    assert sum(r.invoices_created for r in runs) == 9 and all(r.failures == 0 for r in runs)
    async with session_factory() as s:
        rows = (
            await s.execute(
                select(Invoice.account_id, Invoice.number, Invoice.status).where(
                    Invoice.account_id.in_(accts)
                )
            )
        ).all()
        per_account = (
            await s.execute(
                select(func.count(func.distinct(Invoice.account_id))).where(Invoice.account_id.in_(accts))
            )
        ).scalar_one()
    assert len(rows) == 9 and per_account == 9
    assert sorted(n for _, n, _ in rows) == [
        f"{series}-{rows[0][1].split('-')[1]}-{i:06d}" for i in range(1, 10)
    ]
    assert {st for _, _, st in rows} == {"paid"}
    assert {ch.status for ch in children} == {"paid"}


async def test_a_scheduled_run_bills_the_month_before_it_starts(
    ts_env, settings, session_factory, task_queue
) -> None:
    metric, _, [acct] = await _setup(session_factory, tax="0")
    previous = Period.containing(await ts_env.get_current_time()).previous()
    await _usage(session_factory, acct, metric, 3, previous.start + timedelta(days=1))
    async with _worker(ts_env, settings, session_factory, task_queue, paying_charge(session_factory)):
        result = await ts_env.client.execute_workflow(
            BillingRunWorkflow.run,
            c.BillingRunInput("", start_collection=False, search_attributes=False),
            id=uid("billing-run-scheduled"),
            task_queue=task_queue,
        )
    assert result.period == previous.label and result.invoices_created >= 1
    async with session_factory() as s:
        [inv] = await repo.invoices_for(s, previous.label, [acct])
    assert (inv.status, inv.total) == ("open", 3)
