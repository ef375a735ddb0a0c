"""AttachPaymentMethodWorkflow: attach a provider token to the user's provider customer and store
its display data (brand, last4, expiry). A provider call, so it runs in a workflow, not the API."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts import payments as c
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES


@workflow.defn(name=c.ATTACH_METHOD_WORKFLOW)
class AttachPaymentMethodWorkflow:
    @workflow.run
    async def run(self, inp: c.AttachMethodInput) -> c.AttachedMethod:
        return await workflow.execute_activity(
            c.ACT_ATTACH_METHOD,
            inp,
            result_type=c.AttachedMethod,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(
                maximum_attempts=5, non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES)
            ),
        )
