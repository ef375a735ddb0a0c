"""The Temporal Schedule that runs the reconciler's sweep (ReconcileWorkflow) — created idempotently."""

from __future__ import annotations

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleHandle,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)

from contracts.reconcile import RECONCILE_SCHEDULE_ID, RECONCILE_WORKFLOW, ReconcileInput
from contracts.temporal import TASK_QUEUE


async def ensure_reconcile_schedule(
    client: Client,
    *,
    task_queue: str = TASK_QUEUE,
    cron: str = "17 * * * *",
    lookback_hours: int = 48,
    schedule_id: str = RECONCILE_SCHEDULE_ID,
) -> ScheduleHandle:
    """Create the sweep's schedule if it is not there (a second call changes nothing)."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            RECONCILE_WORKFLOW,
            ReconcileInput(lookback_hours=lookback_hours),
            id="reconcile-scheduled",
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=[cron]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        return await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        return client.get_schedule_handle(schedule_id)
