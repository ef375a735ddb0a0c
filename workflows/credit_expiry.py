"""The credits expiry sweeper: one long-running workflow, `credits-expiry`.

It sleeps until the earliest lot expiry (never longer than `poll_seconds`, so a lot granted while it
sleeps still expires within a minute), expires everything due as of workflow time through an
activity, and continues-as-new every `iterations_per_run` wake-ups. Exactly-once is the database's
job (a ledger key per lot remainder); durability is Temporal's: a worker restart resumes the timer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.credits import (
        CREDIT_EXPIRY_WORKFLOW,
        EXPIRE_DUE_ACTIVITY,
        NEXT_EXPIRY_ACTIVITY,
        CreditExpiryInput,
        CreditExpirySummary,
        ExpireDueRequest,
        ExpireDueResult,
        NextExpiryResult,
    )
    from contracts.errors import money_retry

RETRY = money_retry(timedelta(seconds=1), timedelta(seconds=30))


@workflow.defn(name=CREDIT_EXPIRY_WORKFLOW)
class CreditExpiryWorkflow:
    @workflow.run
    async def run(self, inp: CreditExpiryInput) -> CreditExpirySummary:
        lots, amount = inp.expired_lots, inp.expired_amount
        sweeps: list[str] = []
        until = None if inp.until is None else datetime.fromisoformat(inp.until)
        for _ in range(inp.iterations_per_run):
            as_of = workflow.now()
            while True:
                res: ExpireDueResult = await workflow.execute_activity(
                    EXPIRE_DUE_ACTIVITY,
                    ExpireDueRequest(as_of=as_of.isoformat(), batch=inp.batch),
                    result_type=ExpireDueResult,
                    start_to_close_timeout=timedelta(minutes=5),
                    heartbeat_timeout=timedelta(minutes=1),
                    retry_policy=RETRY,
                )
                lots += res.expired_lots
                amount += res.expired_amount
                if res.expired_lots:
                    sweeps.append(as_of.isoformat())
                if not res.more:
                    break
            if until is not None and workflow.now() >= until:
                return CreditExpirySummary(lots, amount, sweeps)
            nxt: NextExpiryResult = await workflow.execute_activity(
                NEXT_EXPIRY_ACTIVITY,
                result_type=NextExpiryResult,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RETRY,
            )
            wait = timedelta(seconds=inp.poll_seconds)
            if nxt.next_expiry is not None:
                wait = min(
                    wait, max(timedelta(seconds=1), datetime.fromisoformat(nxt.next_expiry) - workflow.now())
                )
            if until is not None:
                wait = min(wait, max(timedelta(seconds=1), until - workflow.now()))
            await workflow.sleep(wait)
        workflow.continue_as_new(
            CreditExpiryInput(
                poll_seconds=inp.poll_seconds,
                batch=inp.batch,
                iterations_per_run=inp.iterations_per_run,
                until=inp.until,
                expired_lots=lots,
                expired_amount=amount,
            )
        )
