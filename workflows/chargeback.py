"""ChargebackWorkflow `chargeback-{dispute_id}`: a provider dispute from open to won | lost.

Open: the dispute is recorded and the disputed amount moves to `dispute_hold:{dispute}:{cur}`. The
evidence due date is a timer: when it passes with the dispute still open, the dispute is flagged
overdue. DISPUTE_CLOSED_SIGNAL (charge.dispute.closed) decides it: won returns the hold, lost books
the loss and claws back from the agent when the payment funded an escrow already released.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.disputes import (
        CHARGEBACK_WORKFLOW,
        DISPUTE_CLOSED_SIGNAL,
        EVIDENCE_DUE_ACTIVITY,
        OPEN_ACTIVITY,
        QUERY_STATUS,
        RESOLVE_ACTIVITY,
        DisputeClosed,
        DisputeInput,
        DisputeOpened,
        DisputeResolution,
        DisputeResult,
        DisputeView,
    )
    from contracts.errors import money_retry
    from contracts.temporal import SA_PAYMENT_PROVIDER, SA_PAYMENT_STATUS
    from domain.disputes import OPEN, outcome_of
    from domain.errors import DomainError

# Opening (the hold) and resolving (the loss or the return) are idempotent ledger steps: retried
# for as long as an outage lasts; only a refusal by the rules stops them.
_RETRY = money_retry(timedelta(seconds=1), timedelta(minutes=1))


@workflow.defn(name=CHARGEBACK_WORKFLOW)
class ChargebackWorkflow:
    def __init__(self) -> None:
        self._closed: DisputeClosed | None = None
        self._status = OPEN
        self._due: str | None = None
        self._overdue = False
        self._result: DisputeResult | None = None
        self._id = ""

    @workflow.run
    async def run(self, inp: DisputeInput) -> DisputeResult:
        self._id = inp.dispute_id
        self._publish(inp)
        opened = await workflow.execute_activity(
            OPEN_ACTIVITY,
            inp,
            result_type=DisputeOpened,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_RETRY,
        )
        self._due = opened.evidence_due_by
        if self._due is not None and self._closed is None:
            left = datetime.fromisoformat(self._due) - workflow.now()
            try:
                await workflow.wait_condition(
                    lambda: self._closed is not None, timeout=max(left, timedelta(seconds=1))
                )
            except TimeoutError:
                await workflow.execute_activity(
                    EVIDENCE_DUE_ACTIVITY,
                    inp.dispute_id,
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=_RETRY,
                )
                self._overdue = True
        await workflow.wait_condition(lambda: self._closed is not None)
        assert self._closed is not None
        try:
            outcome = outcome_of(self._closed.provider_status)
        except DomainError as exc:
            raise ApplicationError(exc.message, type=type(exc).__name__, non_retryable=True) from exc
        if outcome == OPEN:
            raise ApplicationError(
                f"{self._closed.provider_status!r} does not close a dispute", non_retryable=True
            )
        self._result = await workflow.execute_activity(
            RESOLVE_ACTIVITY,
            DisputeResolution(inp.dispute_id, outcome),
            result_type=DisputeResult,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_RETRY,
        )
        self._status = outcome
        self._publish(inp)
        return self._result

    def _publish(self, inp: DisputeInput) -> None:
        if inp.search_attributes:
            workflow.upsert_search_attributes(
                [
                    SA_PAYMENT_STATUS.value_set(f"dispute_{self._status}"),
                    SA_PAYMENT_PROVIDER.value_set(inp.provider),
                ]
            )

    @workflow.signal(name=DISPUTE_CLOSED_SIGNAL)
    def closed(self, closed: DisputeClosed) -> None:
        if self._closed is None:
            self._closed = closed

    @workflow.query(name=QUERY_STATUS)
    def status(self) -> DisputeView:
        return DisputeView(self._id, self._status, self._due, self._overdue, self._result)
