"""WebhookDeliveryWorkflow (`webhook-delivery-{id}`): one event to one endpoint, at least once.

The deliver activity is retried with exponential backoff for about three days; if the receiver never
answers 2xx, give_up marks the delivery failed, disables the endpoint and records an event. Each
delivery is its own workflow, so a slow or dead receiver holds up nobody else.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from contracts import webhooks as c
    from contracts.payments import NON_RETRYABLE_ERRORS as NON_RETRYABLE_ERROR_TYPES

_BOOKKEEPING = RetryPolicy(
    maximum_interval=timedelta(seconds=30), non_retryable_error_types=NON_RETRYABLE_ERROR_TYPES
)


@workflow.defn(name=c.DELIVERY_WORKFLOW)
class WebhookDeliveryWorkflow:
    @workflow.run
    async def run(self, inp: c.DeliveryInput) -> c.DeliveryResult:
        try:
            return await workflow.execute_activity(
                c.DELIVER_ACTIVITY,
                inp.delivery_id,
                result_type=c.DeliveryResult,
                start_to_close_timeout=timedelta(seconds=30),
                schedule_to_close_timeout=timedelta(seconds=inp.retry_window_seconds),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=inp.initial_interval_seconds),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(seconds=inp.maximum_interval_seconds),
                    non_retryable_error_types=NON_RETRYABLE_ERROR_TYPES,
                ),
            )
        except ActivityError:
            return await workflow.execute_activity(
                c.GIVE_UP_ACTIVITY,
                inp.delivery_id,
                result_type=c.DeliveryResult,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_BOOKKEEPING,
            )


@workflow.defn(name=c.DISPATCHER_WORKFLOW)
class WebhookDispatcherWorkflow:
    """Runs the dispatch activity (LISTEN + sweep, starting delivery workflows) and continues as new."""

    @workflow.run
    async def run(self, inp: c.DispatcherInput) -> None:
        await workflow.execute_activity(
            c.DISPATCH_ACTIVITY,
            inp,
            start_to_close_timeout=timedelta(seconds=inp.run_seconds + 60),
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=_BOOKKEEPING,
        )
        workflow.continue_as_new(inp)
