"""The Temporal Schedule that bills each calendar month (UTC) on the first day of the next.

`ensure_billing_schedule(client)` is idempotent: it creates the schedule, or leaves an existing one
as it is (an operator may have paused it). The scheduled BillingRunWorkflow gets an empty period and
bills the month before its own start time.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
)

from contracts.billing import BILLING_RUN_WORKFLOW, BILLING_SCHEDULE_ID, BillingRunInput
from contracts.temporal import TASK_QUEUE


def billing_schedule(
    task_queue: str = TASK_QUEUE,
    *,
    search_attributes: bool = True,
    batch_size: int = 500,
    retry_days: list[int] | None = None,
) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            BILLING_RUN_WORKFLOW,
            BillingRunInput(
                "",
                batch_size=batch_size,
                search_attributes=search_attributes,
                retry_days=list(retry_days or [3, 5, 7]),
            ),
            id="billing-run-scheduled",  # the server appends the scheduled time
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_month=[ScheduleRange(1)],
                    hour=[ScheduleRange(0)],
                    minute=[ScheduleRange(5)],
                    comment="00:05 UTC, 1st of each month",
                )
            ],
            time_zone_name="UTC",
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(days=3)),
        state=ScheduleState(note="monthly invoices for the previous calendar month"),
    )


async def ensure_billing_schedule(
    client: Client, task_queue: str = TASK_QUEUE, *, search_attributes: bool = True
) -> bool:
    """Create the monthly billing schedule if it does not exist. True when created now."""
    try:
        await client.create_schedule(
            BILLING_SCHEDULE_ID, billing_schedule(task_queue, search_attributes=search_attributes)
        )
        return True
    except ScheduleAlreadyRunningError:
        return False
