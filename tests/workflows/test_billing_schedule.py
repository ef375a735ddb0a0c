"""The monthly billing Schedule on a real Temporal dev server: created once, at 00:05 UTC on the 1st."""

from __future__ import annotations

import contextlib

from temporalio.client import ScheduleActionStartWorkflow
from temporalio.service import RPCError

from contracts.billing import BILLING_RUN_WORKFLOW, BILLING_SCHEDULE_ID, BillingRunInput
from services.billing_schedule import ensure_billing_schedule


async def test_ensure_billing_schedule_is_idempotent(dev_env, task_queue) -> None:
    client = dev_env.client
    # The dev server is shared by the session; a real worker started by another test (the crash
    # campaign's) ensures the same schedule at start-up. Start from none.
    with contextlib.suppress(RPCError):
        await client.get_schedule_handle(BILLING_SCHEDULE_ID).delete()
    assert await ensure_billing_schedule(client, task_queue) is True
    assert await ensure_billing_schedule(client, task_queue) is False
    desc = await client.get_schedule_handle(BILLING_SCHEDULE_ID).describe()
    action = desc.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == BILLING_RUN_WORKFLOW and action.task_queue == task_queue
    [arg] = await client.data_converter.decode(action.args, [BillingRunInput])
    assert arg.period == ""  # the run bills the month before it starts
    [cal] = desc.schedule.spec.calendars
    assert [r.start for r in cal.day_of_month] == [1] and [r.start for r in cal.hour] == [0]
    assert desc.schedule.spec.time_zone_name == "UTC"
    upcoming = desc.info.next_action_times[0]
    assert (upcoming.day, upcoming.hour, upcoming.minute) == (1, 0, 5)
    await client.get_schedule_handle(BILLING_SCHEDULE_ID).delete()
