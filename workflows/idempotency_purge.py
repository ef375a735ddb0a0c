"""IdempotencyPurgeWorkflow: delete expired Idempotency-Keys in batches (started hourly by a
Temporal Schedule, `idempotency-purge`). Deleting an expired key twice is harmless."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.idempotency import (
        IDEMPOTENCY_PURGE_ACTIVITY,
        IDEMPOTENCY_PURGE_WORKFLOW,
        PurgeRequest,
        PurgeResult,
    )

_MAX_BATCHES = 100  # a run stays far below the history limit; the next hour goes on


@workflow.defn(name=IDEMPOTENCY_PURGE_WORKFLOW)
class IdempotencyPurgeWorkflow:
    @workflow.run
    async def run(self, req: PurgeRequest) -> PurgeResult:
        deleted = 0
        for _ in range(_MAX_BATCHES):
            res: PurgeResult = await workflow.execute_activity(
                IDEMPOTENCY_PURGE_ACTIVITY,
                req,
                result_type=PurgeResult,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
            )
            deleted += res.deleted
            if not res.more:
                return PurgeResult(deleted)
        return PurgeResult(deleted, more=True)
