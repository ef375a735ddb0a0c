"""Billing: invoices for 10,000 accounts with usage (promise: under 60 s on this machine).

Seeds 10,000 billing accounts, 3 metered metrics (per-unit, graduated tiers, volume), 8 usage records
per account per month and a subscription fee item for every other account, with 20% tax. Then:
1. baseline — the set-based build path called directly (list a batch of 500 billable accounts,
   build + finalize them in one transaction), for month 1;
2. the real thing — BillingRunWorkflow on a local Temporal dev server (batches of 500, continue-as-new
   every 4 batches) for month 2, without starting the collection workflows;
3. collection — AccountBillingWorkflow (build → finalize → credits → card → paid) for a sample of
   accounts, with the card charge replaced by an activity that settles the invoice like the payments
   area's does: one durable workflow per invoice, so this is the per-invoice cost of collecting.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, update
from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.billing import BillingActivities
from activities.deps import Deps
from bench.harness import scratch_database, summarize_ms
from config.settings import Settings
from contracts import billing as c
from contracts.temporal import billing_workflow_id
from db.models.billing import BillingAccount, BillingItem
from db.repositories import billing as repo
from db.session import make_engine, make_session_factory, unit_of_work
from domain.billing import Period
from domain.money import set_credit_exponent
from services import billing
from tests.support.temporal import dev_server_path
from workflows.account_billing import AccountBillingWorkflow
from workflows.billing_run import BillingRunWorkflow

ACCOUNTS = 10_000
RECORDS_PER_MONTH = 8
BATCH = 500
COLLECT_SAMPLE = 300
MONTHS = [Period.parse("2026-01"), Period.parse("2026-02"), Period.parse("2026-03")]


async def _seed(factory: Any, settings: Settings, accounts: list[str]) -> None:
    async with unit_of_work(factory) as s:
        await billing.set_price(
            s,
            metric="calls",
            currency="USD",
            model="per_unit",
            tiers=[{"up_to": None, "unit_amount": "0.15"}],
        )
        await billing.set_price(
            s,
            metric="tokens",
            currency="USD",
            model="tiered",
            tiers=[{"up_to": 100_000, "unit_amount": "0.002"}, {"up_to": None, "unit_amount": "0.001"}],
        )
        await billing.set_price(
            s,
            metric="gpu_seconds",
            currency="USD",
            model="volume",
            tiers=[{"up_to": 3600, "unit_amount": "0.05"}, {"up_to": None, "unit_amount": "0.03"}],
        )
        await billing.set_tax_rate(s, jurisdiction="bench", percent=Decimal(20), name="VAT")
    for i in range(0, len(accounts), 2000):
        async with unit_of_work(factory) as s:
            await repo.ensure_accounts(s, accounts[i : i + 2000])
            await s.execute(
                update(BillingAccount)
                .where(BillingAccount.account_id.in_(accounts[i : i + 2000]))
                .values(jurisdiction="bench")
            )
    rng = random.Random(7)
    metrics = ["calls", "tokens", "gpu_seconds"]
    rows: list[billing.UsageIn | Any] = []
    for month in MONTHS[:2]:
        for a in accounts:
            for _ in range(RECORDS_PER_MONTH):
                ts = month.start + timedelta(seconds=rng.randint(0, 27 * 86400))
                rows.append(
                    billing.UsageIn(uuid.uuid4().hex, a, rng.choice(metrics), rng.randint(1, 50_000), ts)
                )
    # Through the service, so the running aggregates the invoices are built from are kept too.
    for i in range(0, len(rows), 1000):
        async with unit_of_work(factory) as s:
            await billing.record_usage(s, settings, rows[i : i + 1000])
    items = [
        {
            "id": billing.new_id("ii") + uuid.uuid4().hex[:4],
            "idempotency_key": f"bench:{a}:{m.label}",
            "account_id": a,
            "kind": "subscription",
            "description": "Pro plan",
            "quantity": 1,
            "amount": 2900,
            "currency": "USD",
            "effective_at": m.start + timedelta(days=2),
        }
        for m in MONTHS[:2]
        for a in accounts[::2]
    ]
    async with unit_of_work(factory) as s:
        await s.execute(insert(BillingItem), items)


async def _direct(factory: Any, settings: Settings, period: Period) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    created = 0
    after = ""
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        async with unit_of_work(factory) as s:
            ids = await billing.billable_accounts(s, period.label, after, BATCH)
        if not ids:
            break
        async with unit_of_work(factory) as s:
            out = await billing.build_invoices(s, settings, period, ids, issued_at=period.end)
        created += sum(1 for o in out if o.created)
        after = ids[-1]
        latencies.append(time.perf_counter() - t0)
    return latencies, time.perf_counter() - started, created


def _settling_charge(factory: Any) -> Any:
    @activity.defn(name=c.A_CHARGE_INVOICE)
    async def charge(req: c.ChargeRequest) -> c.ChargeResult:
        pid = c.charge_payment_id(req.invoice_id, req.attempt_no)
        async with unit_of_work(factory) as s:
            await billing.mark_invoice_paid(s, invoice_id=req.invoice_id, payment_id=pid, amount=req.amount)
        return c.ChargeResult("paid", pid)

    return charge


async def run() -> list[dict[str, Any]]:
    set_credit_exponent(4)
    rows: list[dict[str, Any]] = []
    with scratch_database() as url:
        engine = make_engine(url, pool_size=10)
        factory = make_session_factory(engine)
        settings = Settings(env="dev", database_url=url)
        accounts = [f"acct_{i:05d}" for i in range(ACCOUNTS)]
        t0 = time.perf_counter()
        await _seed(factory, settings, accounts)
        print(
            f"seeded {ACCOUNTS} accounts, {ACCOUNTS * RECORDS_PER_MONTH * 2} usage records "
            f"in {time.perf_counter() - t0:.1f}s",
            flush=True,
        )

        lat, wall, created = await _direct(factory, settings, MONTHS[0])
        rows.append(
            {
                "figure": "billing: build+finalize invoices, set-based (service path)",
                "workload": f"{created} invoices, {RECORDS_PER_MONTH} usage records each, batches of {BATCH}",
                **summarize_ms(lat),
                "throughput": f"{created / wall:.0f} invoices/s; total {wall:.1f} s; "
                f"{wall / max(created, 1) * 1000:.2f} ms/invoice",
                "promise": "< 60 s for 10,000",
            }
        )
        print(rows[-1], flush=True)

        env = await WorkflowEnvironment.start_local(dev_server_existing_path=dev_server_path())
        try:
            tq = f"bench-billing-{uuid.uuid4().hex[:6]}"
            real = BillingActivities(Deps(settings, factory, env.client))
            acts = [
                real.list_billable_accounts,
                real.build_invoice_batch,
                real.build_invoice,
                real.finalize_invoice,
                real.apply_credits,
                real.record_attempt,
                real.mark_uncollectible,
                _settling_charge(factory),
            ]
            async with Worker(
                env.client,
                task_queue=tq,
                workflows=[BillingRunWorkflow, AccountBillingWorkflow],
                activities=acts,
                max_concurrent_activities=20,
            ):
                t1 = time.perf_counter()
                result = await env.client.execute_workflow(
                    BillingRunWorkflow.run,
                    c.BillingRunInput(
                        MONTHS[1].label, batch_size=BATCH, start_collection=False, search_attributes=False
                    ),
                    id=f"bench-run-{uuid.uuid4().hex[:6]}",
                    task_queue=tq,
                )
                wall = time.perf_counter() - t1
                rows.append(
                    {
                        "figure": "billing: BillingRunWorkflow (Temporal dev server, no collection)",
                        "workload": f"{result.invoices_created} invoices for {result.accounts} accounts",
                        "p50_ms": None,
                        "p99_ms": None,
                        "throughput": f"{result.invoices_created / wall:.0f} invoices/s; total {wall:.1f} s; "
                        f"{wall / max(result.invoices_created, 1) * 1000:.2f} ms/invoice",
                        "promise": "< 60 s for 10,000",
                    }
                )
                print(rows[-1], flush=True)

                # collection: one AccountBillingWorkflow per invoice (month 3: subscription fee only)
                sample = accounts[:COLLECT_SAMPLE]
                async with unit_of_work(factory) as s:
                    for a in sample:
                        await billing.add_item(
                            s,
                            account_id=a,
                            kind="subscription",
                            description="Pro plan",
                            amount=2900,
                            currency="USD",
                            effective_at=MONTHS[2].start,
                            idempotency_key=f"bench:{a}:{MONTHS[2].label}",
                        )
                # as the parent does: the batch builds and numbers, each account's workflow collects
                async with unit_of_work(factory) as s:
                    built = await billing.build_invoices(
                        s, settings, MONTHS[2], sample, issued_at=MONTHS[2].end
                    )
                by_account = {b.account_id: b for b in built}
                lats: list[float] = []

                async def one(a: str) -> None:
                    t = time.perf_counter()
                    res = await env.client.execute_workflow(
                        AccountBillingWorkflow.run,
                        c.AccountBillingInput(
                            a, MONTHS[2].label, search_attributes=False, invoice=by_account[a]
                        ),
                        id=billing_workflow_id(a, MONTHS[2].label),
                        task_queue=tq,
                    )
                    assert res.status == "paid", res
                    lats.append(time.perf_counter() - t)

                t2 = time.perf_counter()
                sem = asyncio.Semaphore(50)

                async def bounded(a: str) -> None:
                    async with sem:
                        await one(a)

                await asyncio.gather(*(bounded(a) for a in sample))
                wall = time.perf_counter() - t2
                rows.append(
                    {
                        "figure": "billing: AccountBillingWorkflow collect (charge→attempt→paid)",
                        "workload": f"{COLLECT_SAMPLE} accounts, 50 in flight, charge stubbed",
                        **summarize_ms(lats),
                        "throughput": f"{COLLECT_SAMPLE / wall:.0f} invoices/s "
                        f"(10,000 would take ~{ACCOUNTS / (COLLECT_SAMPLE / wall):.0f} s)",
                        "promise": None,
                    }
                )
                print(rows[-1], flush=True)
        finally:
            await env.shutdown()
        await engine.dispose()
    return rows
