"""PayoutWorkflow `payout-{payout_id}`: pending → in_transit → paid | failed.

The payout row and the earnings hold already exist (services.payouts.create_payout, from the API or
the weekly run). The workflow sends through the provider (key `po:{id}:send`), waits for a pending
provider (PayPal) by polling with a growing interval — or at once on a PROVIDER_UPDATE_SIGNAL —, then
books paid (transit → clearing) or failed (funds back to earnings). A paid payout's rolling reserve is
released to earnings by a durable timer when the dispute window ends.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES, money_retry
    from contracts.payouts import (
        CHECK_ACTIVITY,
        FAIL_ACTIVITY,
        MARK_PAID_ACTIVITY,
        PAYOUT_WORKFLOW,
        PROVIDER_UPDATE_SIGNAL,
        QUERY_STATUS,
        RELEASE_RESERVE_ACTIVITY,
        SEND_ACTIVITY,
        PayoutFailure,
        PayoutInput,
        PayoutRef,
        PayoutView,
        ProviderStatus,
    )
    from contracts.temporal import SA_PAYEE_ID, SA_PAYMENT_PROVIDER, SA_PAYMENT_STATUS

# Ledger/DB steps: retried on technical errors, never on refusals.
# A 20-minute database outage must not leave a payout in transit with no workflow behind it.
_DB_RETRY = money_retry(timedelta(seconds=1), timedelta(minutes=1))
# The provider call: an outcome we do not know cannot be given up on (money may have moved), so it is
# retried without an attempt limit (idempotent by key) and stays visible in the UI while it does.
_PROVIDER_RETRY = money_retry(timedelta(seconds=2), timedelta(minutes=10))
_MAX_POLL = timedelta(days=1)


@workflow.defn(name=PAYOUT_WORKFLOW)
class PayoutWorkflow:
    def __init__(self) -> None:
        self._status = "pending"
        self._provider_ref = ""
        self._failure = ""
        self._reserve_released = False
        self._nudged = False
        self._search_attributes = True

    @workflow.run
    async def run(self, inp: PayoutInput) -> PayoutView:
        self._search_attributes = inp.search_attributes
        self._publish(inp)
        ref = PayoutRef(inp.payout_id)
        try:
            sent = await workflow.execute_activity(
                SEND_ACTIVITY,
                ref,
                result_type=ProviderStatus,
                start_to_close_timeout=timedelta(seconds=60),
                retry_policy=_PROVIDER_RETRY,
            )
        except ActivityError as exc:
            cause = exc.cause
            if isinstance(cause, ApplicationError) and cause.type in NON_RETRYABLE_ERROR_TYPES:
                code = (
                    str((cause.details or [{}])[0].get("code", cause.type)) if cause.details else cause.type
                )
                return await self._fail(inp, code, cause.message)
            raise
        self._provider_ref = sent.provider_ref
        if sent.status != "failed" and self._status == "pending":
            self._status = "in_transit"
            self._publish(inp)

        interval = timedelta(seconds=max(inp.poll_interval_seconds, 1))
        while sent.status == "pending":
            self._nudged = False
            try:
                await workflow.wait_condition(lambda: self._nudged, timeout=interval)
            except TimeoutError:
                interval = min(interval * 2, _MAX_POLL)
            sent = await workflow.execute_activity(
                CHECK_ACTIVITY,
                ref,
                result_type=ProviderStatus,
                start_to_close_timeout=timedelta(seconds=60),
                retry_policy=_PROVIDER_RETRY,
            )
        if sent.status == "failed":
            return await self._fail(inp, sent.failure_code or "provider_failed", sent.failure_message)

        await workflow.execute_activity(
            MARK_PAID_ACTIVITY,
            ref,
            result_type=PayoutView,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_DB_RETRY,
        )
        self._status = "paid"
        self._publish(inp)
        if inp.reserve_amount > 0:
            await workflow.sleep(timedelta(seconds=max(inp.reserve_release_seconds, 0)))
            await workflow.execute_activity(
                RELEASE_RESERVE_ACTIVITY,
                ref,
                result_type=int,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )
            self._reserve_released = True
        return self.status()

    async def _fail(self, inp: PayoutInput, code: str, message: str) -> PayoutView:
        await workflow.execute_activity(
            FAIL_ACTIVITY,
            PayoutFailure(inp.payout_id, code, message),
            result_type=PayoutView,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_DB_RETRY,
        )
        self._status, self._failure = "failed", code
        self._publish(inp)
        return self.status()

    def _publish(self, inp: PayoutInput) -> None:
        if self._search_attributes:
            workflow.upsert_search_attributes(
                [
                    SA_PAYEE_ID.value_set(inp.payee_id),
                    SA_PAYMENT_STATUS.value_set(self._status),
                    SA_PAYMENT_PROVIDER.value_set(inp.provider),
                ]
            )

    @workflow.signal(name=PROVIDER_UPDATE_SIGNAL)
    def provider_update(self, _update: ProviderStatus) -> None:
        """A provider webhook: check now instead of at the next poll (the provider is asked again)."""
        self._nudged = True

    @workflow.query(name=QUERY_STATUS)
    def status(self) -> PayoutView:
        return PayoutView(
            workflow.info().workflow_id.removeprefix("payout-"),
            self._status,
            self._provider_ref,
            self._failure,
            self._reserve_released,
        )
