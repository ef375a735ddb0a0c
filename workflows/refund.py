"""RefundWorkflow (`refund-{refund_id}`): one refund of a payment through the refund_payment activity.

The refund was reserved against the captured amount (DB-guarded) before this started; the activity
refunds at the provider with key pay:{id}:refund:{n} and posts the reversing ledger transaction.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts import payments as c
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES


@workflow.defn(name=c.REFUND_WORKFLOW)
class RefundWorkflow:
    @workflow.run
    async def run(self, req: c.RefundRequest) -> c.RefundResult:
        return await workflow.execute_activity(
            c.REFUND_PAYMENT_ACTIVITY,
            req,
            result_type=c.RefundResult,
            start_to_close_timeout=timedelta(seconds=60),
            heartbeat_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=2),
                maximum_interval=timedelta(seconds=60),
                non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES),
            ),
        )
