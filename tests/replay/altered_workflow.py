"""A deliberately broken edit of RefundWorkflow, for the test proving replay catches such edits.

Its own module, imported like a real workflow file: the workflow sandbox re-imports the module that
defines a workflow, so it must not drag in the test module's imports.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts import payments as c
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES


@workflow.defn(name=c.REFUND_WORKFLOW)
class RefundWorkflowThatChangedUnderRunningExecutions:
    """The refund workflow as a careless edit might leave it: a new first step before the refund."""

    @workflow.run
    async def run(self, req: c.RefundRequest) -> c.RefundResult:
        await workflow.sleep(timedelta(seconds=1))
        return await workflow.execute_activity(
            c.REFUND_PAYMENT_ACTIVITY,
            req,
            result_type=c.RefundResult,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES)),
        )
