"""Crash campaign: a mixed money workload through the HTTP API while the worker process is SIGKILLed
at random moments (at least 30 times; `--long`: hundreds) and restarted each time.

The real app runs in-process (ASGI); the worker is `python -m tests.support.campaign_worker` — the
production worker with the registry's workflows and activities — on a real Temporal dev server,
PostgreSQL and localstripe. The workload (tests/support/workload.py): credit purchases by card
(client-side confirm + signed webhooks, delivered twice), grants/deducts/refunds of deducts, escrows
down every path (score release, signatures, dispute + resolve, partial + full refund, cancel,
funding-deadline expiry, card-funded then refunded to the card), card payments refunded in two
parts, and a billing run (one account paid by credits first, one by its stored card off-session).

At the end: every workflow on the campaign's task queue has completed (the credits expiry sweeper
is long-lived by design and must be running), each scenario's end state is what it must be
(wallets, escrows, payments, invoices), each Stripe payment exists exactly once on localstripe
with exactly our refunds, and the invariant checker passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import WorkflowExecutionStatus

from db.base import utcnow
from db.models.billing import Invoice
from db.models.escrow import Escrow
from db.models.payments import Payment, Refund
from domain.ledger import escrow_holding, wallet
from services import ledger
from tests.support.invariants import assert_invariants
from tests.support.localstripe import localstripe  # noqa: F401
from tests.support.reconcile import assert_reconciled
from tests.support.stripe_counts import provider_objects
from tests.support.tokens import uid
from tests.support.workload import Workload

pytestmark = [pytest.mark.e2e, pytest.mark.long_capable]
ROOT = Path(__file__).resolve().parents[2]
# Wait forever by design (continue-as-new): the credits expiry sweeper, the outbound-webhook dispatcher.
LONG_LIVED = {"CreditExpiryWorkflow", "WebhookDispatcherWorkflow"}
CI_KILLS, LONG_KILLS = 30, 300


async def _waiting_for_its_poll(client, factory, workflow_id: str, wtype: str, period: str) -> bool:  # type: ignore[no-untyped-def]
    """An AccountBillingWorkflow whose card payment has completed and marked the invoice paid only
    learns so at its next charge poll (every 10 minutes, by design): its expected waiting state is
    "invoice paid, no activity pending, a timer running"."""
    if wtype != "AccountBillingWorkflow":
        return False
    account = workflow_id.removeprefix("billing-").removesuffix(f"-{period}")
    async with factory() as s:
        inv = (
            await s.execute(select(Invoice).where(Invoice.account_id == account, Invoice.period == period))
        ).scalar_one_or_none()
    if inv is None or inv.status != "paid":
        return False
    desc = await client.get_workflow_handle(workflow_id).describe()
    return not desc.raw_description.pending_activities


class Killer:
    """Starts the worker, waits until it polls, kills it after a random moment; again and again."""

    def __init__(self, env: dict[str, str], tmp: Path, rng: random.Random) -> None:
        self.env, self.tmp, self.rng = env, tmp, rng
        self.kills = 0
        self.starts = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = (tmp / "worker.log").open("ab")

    async def start(self) -> None:
        self.starts += 1
        marker = self.tmp / f"ready-{self.starts}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.campaign_worker"],
            cwd=ROOT,
            env={**self.env, "READY_MARKER": str(marker)},
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert self.proc.poll() is None, f"the worker exited early; see {self.tmp / 'worker.log'}"
            assert time.monotonic() < deadline, "the worker did not start"
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.proc.wait)
        self.kills += 1

    async def campaign(self, target: int, done: asyncio.Event) -> None:
        try:
            while self.kills < target:
                await self.start()
                await asyncio.sleep(self.rng.uniform(0.2, 2.0))  # a random moment of its work
                await self.kill()
            await self.start()  # the survivor drains the rest
        finally:
            done.set()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


async def test_crash_campaign(  # type: ignore[no-untyped-def]
    dev_env,
    settings,
    session_factory,
    make_app,
    localstripe,  # noqa: F811
    tmp_path: Path,
    long: bool,
) -> None:
    client = dev_env.client
    seed = int(os.environ.get("CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    target = int(os.environ.get("CRASH_KILLS", LONG_KILLS if long else CI_KILLS))
    run = uid("cc")
    tq = f"crash-{run}"
    overrides = {
        "task_queue": tq,
        "stripe_api_base": localstripe,
        "payment_provider_heartbeat_seconds": 2,  # a killed provider call is retried within seconds
        "payment_create_wait_seconds": 5.0,
    }
    worker_env = {
        **os.environ,
        "MESHPAY_ENV": "dev",
        "MESHPAY_DATABASE_URL": settings.database_url,
        "MESHPAY_DB_POOL_SIZE": "5",
        "MESHPAY_TASK_QUEUE": tq,
        "MESHPAY_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "MESHPAY_STRIPE_API_BASE": localstripe,
        "MESHPAY_PAYMENT_PROVIDER_HEARTBEAT_SECONDS": "2",
    }
    killer = Killer(worker_env, tmp_path, rng)
    app = make_app(temporal_client=client, **overrides)
    period = f"200{rng.randrange(2)}-{rng.randrange(1, 13):02d}"  # before any month other tests bill
    started = time.monotonic()
    began = utcnow()
    errors: list[BaseException] = []
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                base_url="http://test",
                timeout=300,
            ) as http,
        ):
            wl = Workload(http, session_factory, localstripe, run, rng)
            killing_done = asyncio.Event()
            killing = asyncio.create_task(killer.campaign(target, killing_done))
            rounds = 0
            while not killing_done.is_set() or rounds == 0:
                scenarios = wl.mix()
                rng.shuffle(scenarios)
                jobs = [wl.scenario(fn) for fn in scenarios]
                if rounds == 0:
                    jobs.append(wl.billing_run(period))
                results = await asyncio.gather(*jobs, return_exceptions=True)
                errors += [r for r in results if isinstance(r, BaseException)]
                rounds += 1
                if errors:
                    break
            if errors:
                killing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await killing
            assert not errors, f"seed {seed}: " + "; ".join(repr(e)[:400] for e in errors[:5])
            workload_s = time.monotonic() - started

            # Drain: every workflow of the campaign ends (the long-lived sweeper keeps waiting).
            by_type: Counter[tuple[str, str]] = Counter()
            open_ids: list[str] = []
            waiting: list[str] = []
            deadline = time.monotonic() + 150
            while True:
                by_type.clear()
                open_ids = []
                waiting.clear()
                async for wf in client.list_workflows(f"TaskQueue = '{tq}'"):
                    status = wf.status.name if wf.status else "?"
                    by_type[(wf.workflow_type, status)] += 1
                    if wf.status != WorkflowExecutionStatus.RUNNING or wf.workflow_type in LONG_LIVED:
                        continue
                    if await _waiting_for_its_poll(client, session_factory, wf.id, wf.workflow_type, period):
                        waiting.append(wf.id)
                    else:
                        open_ids.append(wf.id)
                if not open_ids or time.monotonic() > deadline:
                    break
                await asyncio.sleep(1)
            assert not open_ids, f"seed {seed}: still running after the drain: {open_ids[:10]}"
            bad = {
                k: n
                for k, n in by_type.items()
                if k[1] != "COMPLETED" and k[0] not in LONG_LIVED and not (k[1] == "RUNNING" and waiting)
            }
            assert sum(n for (t, st), n in by_type.items() if st == "RUNNING" and t not in LONG_LIVED) == len(
                waiting
            )
            assert not bad, f"seed {seed}: workflows that did not complete: {bad}"
            for (wtype, status), _ in by_type.items():
                if wtype in LONG_LIVED:
                    assert status in ("RUNNING", "CONTINUED_AS_NEW"), (wtype, status)

            # Each story's end state.
            async with session_factory() as s:
                for user, credits in wl.expect.wallets.items():
                    assert await ledger.balance(s, wallet(user)) == credits, (seed, user)
                for contract, status in wl.expect.escrows.items():
                    row = (await s.execute(select(Escrow).where(Escrow.contract_id == contract))).scalar_one()
                    assert row.status == status, (seed, contract, row.status)
                    assert await ledger.balance(s, escrow_holding(contract, row.currency)) == 0, contract
                for pid, (status, refunded) in wl.expect.payments.items():
                    p = await s.get(Payment, pid)
                    assert p is not None and (p.status, p.refunded_amount) == (status, refunded), (seed, pid)
                for account, status in wl.expect.invoices.items():
                    inv = (
                        await s.execute(
                            select(Invoice).where(Invoice.account_id == account, Invoice.period == period)
                        )
                    ).scalar_one()
                    assert inv.status == status, (seed, account, inv.status)
                    if account in wl.expect.credits_first:  # paid in credits: USD cents → credits
                        left = wl.expect.credits_first[account] - inv.total * 10 ** (4 - 2)
                        assert inv.currency == "USD" and inv.total > 0
                        assert await ledger.balance(s, wallet(account)) == left, (seed, account)
                ours = (
                    (await s.execute(select(Payment).where(Payment.payer_id.like(f"{run}%")))).scalars().all()
                )
                refunds = dict(
                    (
                        await s.execute(
                            select(Refund.payment_id, func.count())
                            .where(Refund.payment_id.in_([p.id for p in ours]), Refund.status == "succeeded")
                            .group_by(Refund.payment_id)
                        )
                    ).all()
                )

            # The provider side, counted on localstripe: each payment once, exactly our refunds.
            stripe_payments = [p for p in ours if p.provider == "stripe"]
            objects = await asyncio.to_thread(provider_objects, localstripe, {p.id for p in stripe_payments})
            for p in stripe_payments:
                assert len(objects.intents.get(p.id, [])) == (1 if p.provider_object_id else 0), (seed, p.id)
                assert objects.charges.get(p.id, 0) == (1 if p.status == "completed" else 0), (seed, p.id)
                assert len(objects.refunds.get(p.id, [])) == refunds.get(p.id, 0), (seed, p.id)
                assert sum(objects.refunds.get(p.id, [])) == p.refunded_amount, (seed, p.id)

            await assert_invariants(session_factory)
            # The reconciler agrees: nothing at localstripe that the ledger lacks, or the reverse.
            recon = settings.model_copy(update={"stripe_api_base": localstripe, "task_queue": tq})
            await assert_reconciled(client, recon, session_factory, began, payment_ids={p.id for p in ours})
            print(
                f"\ncrash campaign (seed {seed}): {killer.kills} SIGKILLs, {killer.starts} worker starts, "
                f"{rounds} workload rounds in {workload_s:.0f} s (total {time.monotonic() - started:.0f} s)\n"
                f"  scenarios completed: {dict(wl.expect.done)} + billing run ({period})\n"
                f"  http calls: {wl.calls['http']} ({wl.calls['retried']} retried)\n"
                f"  workflows: {dict(sorted(by_type.items()))}\n"
                f"  waiting by design (invoice paid, next charge poll pending): {waiting}\n"
                f"  payments: {Counter((p.provider, p.status) for p in ours)}; "
                f"refunds: {sum(refunds.values())}; escrows: {Counter(wl.expect.escrows.values())}\n"
                f"  localstripe: {objects.summary({p.id for p in stripe_payments})}"
            )
            assert killer.kills >= target
    finally:
        killer.stop()
