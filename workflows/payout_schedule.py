"""WeeklyPayoutsWorkflow: pays out every agent whose earnings are at or above the minimum, page by
page (the page activity creates each payout and starts its PayoutWorkflow), continuing-as-new so its
history stays short. The batch key (ISO week) makes a rerun of the same week pay nobody twice.

`ensure_payout_schedule(client)` creates the Temporal Schedule that starts it (idempotent).
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
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

    from contracts.errors import money_retry
    from contracts.payouts import (
        PAYOUT_SCHEDULE_ID,
        RUN_PAGE_ACTIVITY,
        WEEKLY_PAYOUTS_WORKFLOW,
        RunPageInput,
        RunPageResult,
        WeeklyPayoutsInput,
    )
    from contracts.temporal import TASK_QUEUE
    from domain.payouts import iso_week

_PAGES_PER_RUN = 50


@workflow.defn(name=WEEKLY_PAYOUTS_WORKFLOW)
class WeeklyPayoutsWorkflow:
    @workflow.run
    async def run(self, inp: WeeklyPayoutsInput) -> int:
        batch_key = inp.batch_key or f"weekly:{iso_week(workflow.now())}"
        task_queue = inp.task_queue or workflow.info().task_queue
        payee, currency, started = inp.after_payee, inp.currency_after, inp.started
        for _ in range(_PAGES_PER_RUN):
            page = await workflow.execute_activity(
                RUN_PAGE_ACTIVITY,
                RunPageInput(batch_key, payee, currency, inp.page_size, task_queue),
                result_type=RunPageResult,
                start_to_close_timeout=timedelta(minutes=10),
                heartbeat_timeout=timedelta(minutes=2),
                retry_policy=money_retry(timedelta(seconds=5), timedelta(minutes=5)),
            )
            started += page.started
            if not page.next_payee:
                return started
            payee, currency = page.next_payee, page.next_currency
        workflow.continue_as_new(
            WeeklyPayoutsInput(batch_key, payee, currency, inp.page_size, task_queue, started)
        )


async def ensure_payout_schedule(
    client: Client,
    *,
    task_queue: str = TASK_QUEUE,
    cron: str = "0 6 * * 1",
    schedule_id: str = PAYOUT_SCHEDULE_ID,
) -> ScheduleHandle:
    """Create the weekly payout schedule if it is not there (a second call changes nothing)."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            WEEKLY_PAYOUTS_WORKFLOW,
            WeeklyPayoutsInput(),
            id="payouts-weekly-run",
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=[cron]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        return await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        return client.get_schedule_handle(schedule_id)
