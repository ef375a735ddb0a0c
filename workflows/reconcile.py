"""ReconcilePaymentWorkflow `reconcile-payment-{payment_id}` and the ReconcileWorkflow sweep.

One payment: ask the provider and settle by its word (activities.reconcile). A capture the ledger
lacked is completed and then handed to its purpose exactly as the payment workflow would (escrow
signalled, or the refund started when the escrow no longer takes it). While a payment workflow is
still running, or the provider has not had its final word, it checks again later with a growing
interval, then leaves the payment to the scheduled sweep.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts import payments as pc
    from contracts import reconcile as c
    from contracts.errors import money_retry

_RETRY = money_retry(timedelta(seconds=2), timedelta(minutes=2))
# The sweep only compares (its repairs run in their own workflows): a few tries, then it reports failure.
_SWEEP_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), maximum_attempts=3)
_FIRST_WAIT = timedelta(seconds=30)
_MAX_WAIT = timedelta(hours=1)


@workflow.defn(name=c.RECONCILE_PAYMENT_WORKFLOW)
class ReconcilePaymentWorkflow:
    @workflow.run
    async def run(self, inp: c.ReconcilePaymentInput) -> c.ReconcileOutcome:
        wait = _FIRST_WAIT
        for _ in range(max(inp.max_waits, 0) + 1):
            out = await workflow.execute_activity(
                c.ACT_RECONCILE_PAYMENT,
                inp,
                result_type=c.ReconcileOutcome,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=_RETRY,
            )
            if out.action == c.COMPLETED:
                await workflow.execute_activity(
                    pc.ACT_NOTIFY_PURPOSE,
                    pc.PaymentRef(inp.payment_id),
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=_RETRY,
                )
                return out
            if out.action != c.IN_FLIGHT:
                return out
            await workflow.sleep(wait)
            wait = min(wait * 2, _MAX_WAIT)
        return out


@workflow.defn(name=c.RECONCILE_WORKFLOW)
class ReconcileWorkflow:
    @workflow.run
    async def run(self, inp: c.ReconcileInput) -> c.ReconcileReport:
        return await workflow.execute_activity(
            c.ACT_RECONCILE_SWEEP,
            inp,
            result_type=c.ReconcileReport,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(minutes=2),
            retry_policy=_SWEEP_RETRY,
        )


WORKFLOWS: list[type] = [ReconcilePaymentWorkflow, ReconcileWorkflow]
