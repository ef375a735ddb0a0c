"""SubscriptionWorkflow `subscription-{id}`: trial, then one renewal per period until canceled.

Each renewal is an activity keyed by the period's start (workflow time), which adds the period's
fee as a pending item for the account's next monthly invoice. Plan changes and cancels are Updates
(the caller gets the new state or a refusal); one lock serialises them with renewals. The workflow
continues-as-new every `renewals_per_run` renewals, carrying the current period's start.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.billing import (
        A_SUB_CANCEL,
        A_SUB_CHANGE,
        A_SUB_END,
        A_SUB_RENEW,
        SUB_CANCEL_UPDATE,
        SUB_CHANGE_UPDATE,
        SUB_STATE_QUERY,
        SUBSCRIPTION_WORKFLOW,
        CancelActivityInput,
        CancelRequest,
        ChangePlanActivityInput,
        ChangePlanRequest,
        RenewRequest,
        SubscriptionInput,
        SubscriptionState,
    )
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES
    from contracts.temporal import SA_ACCOUNT_ID

_TIMEOUT = timedelta(seconds=30)
_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES),
)


@workflow.defn(name=SUBSCRIPTION_WORKFLOW)
class SubscriptionWorkflow:
    def __init__(self) -> None:
        self._state: SubscriptionState | None = None
        self._lock = asyncio.Lock()
        self._wake = False

    @workflow.run
    async def run(self, inp: SubscriptionInput) -> SubscriptionState:
        start = inp.current_period_start or workflow.now()
        async with self._lock:
            self._state = await self._act(A_SUB_RENEW, RenewRequest(inp.subscription_id, start))
        if inp.search_attributes:
            workflow.upsert_search_attributes([SA_ACCOUNT_ID.value_set(self._state.account_id)])
        renewals = 0
        while True:
            state = self._state
            if state.status == "canceled" or state.current_period_end is None:
                return state
            end = state.current_period_end
            wait = (end - workflow.now()).total_seconds()
            if wait > 0:
                self._wake = False
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._wake, timeout=timedelta(seconds=wait))
                continue  # woken by an update, or the timer: look again
            async with self._lock:
                if self._state.status == "canceled":
                    continue
                if self._state.cancel_at_period_end:
                    self._state = await self._act(A_SUB_END, RenewRequest(inp.subscription_id, end))
                    continue
                self._state = await self._act(A_SUB_RENEW, RenewRequest(inp.subscription_id, end))
            renewals += 1
            if renewals >= inp.renewals_per_run or workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    SubscriptionInput(
                        inp.subscription_id,
                        inp.renewals_done + renewals,
                        self._state.current_period_start,
                        inp.renewals_per_run,
                        inp.search_attributes,
                    )
                )

    async def _act(self, name: str, arg: object) -> SubscriptionState:
        return await workflow.execute_activity(
            name, arg, result_type=SubscriptionState, start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
        )

    @workflow.update(name=SUB_CHANGE_UPDATE)
    async def change_plan(self, req: ChangePlanRequest) -> SubscriptionState:
        async with self._lock:
            assert self._state is not None
            self._state = await self._act(
                A_SUB_CHANGE,
                ChangePlanActivityInput(self._state.subscription_id, req.plan_id, workflow.now()),
            )
            self._wake = True
            return self._state

    @change_plan.validator
    def _validate_change(self, req: ChangePlanRequest) -> None:
        if not req.plan_id:
            raise ValueError("plan_id is required")
        if self._state is None or self._state.status == "canceled":
            raise ValueError("the subscription is not active")

    @workflow.update(name=SUB_CANCEL_UPDATE)
    async def cancel(self, req: CancelRequest) -> SubscriptionState:
        async with self._lock:
            assert self._state is not None
            self._state = await self._act(
                A_SUB_CANCEL,
                CancelActivityInput(self._state.subscription_id, req.at_period_end, workflow.now()),
            )
            self._wake = True
            return self._state

    @cancel.validator
    def _validate_cancel(self, req: CancelRequest) -> None:
        if self._state is None:
            raise ValueError("the subscription is starting; try again")

    @workflow.query(name=SUB_STATE_QUERY)
    def state(self) -> SubscriptionState | None:
        return self._state
