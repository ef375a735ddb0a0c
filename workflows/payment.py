"""PaymentWorkflow (`payment-{payment_id}`): create the provider object → wait for confirmation
(a verified webhook signal, or polling with backoff) → completed | failed | expired | cancelled.

Credits payments are one activity (an immediate ledger move). On success the completion activity
posts clearing → destination and fulfils the purpose in the same DB transaction; escrow is then
signalled. A payment never confirmed expires and its provider object is cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts import payments as c
    from contracts.temporal import SA_PAYMENT_STATUS
    from domain import payments as rules
    from workflows.payment_method import AttachPaymentMethodWorkflow
    from workflows.refund import RefundWorkflow

_DB_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=c.NON_RETRYABLE_ERRORS,
)
# Patches (replay safety): each guards a change of the command sequence for running workflows.
EVENTS_BEFORE_EXPIRY = "payment-events-before-expiry-v1"  # pending events are applied first
PROCESSING_NEVER_EXPIRES = "payment-processing-never-expires-v1"  # only the provider's word ends it

_PROVIDER_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=20,
    non_retryable_error_types=c.NON_RETRYABLE_ERRORS,
)


@workflow.defn(name=c.PAYMENT_WORKFLOW)
class PaymentWorkflow:
    def __init__(self) -> None:
        self._inp: c.PaymentInput | None = None
        self._status = "pending"
        self._next_action: dict[str, str] = {}
        self._ready = False  # the caller's next step is known (or the payment already ended)
        self._events: list[c.ProviderEvent] = []
        self._seen_events: set[str] = set()
        self._cancel = False
        self._observed = ""  # provider status learnt from a confirm update
        self._failure = ("", "")
        self._processing = False  # the provider holds the money in flight (PENDING capture)
        self._confirming = 0  # confirm updates whose provider call is in flight
        self._closing = False  # expiry has begun: no new confirm may start a capture

    # --- the caller's window -------------------------------------------------------------------

    @workflow.update(name=c.PAYMENT_NEXT_ACTION_UPDATE)
    async def next_action(self) -> c.PaymentStarted:
        await workflow.wait_condition(lambda: self._ready)
        return self._started()

    @workflow.update(name=c.PAYMENT_CONFIRM_UPDATE)
    async def confirm(self, req: c.ConfirmRequest) -> c.PaymentStarted:
        await workflow.wait_condition(lambda: self._ready)
        assert self._inp is not None
        if self._status in rules.TERMINAL:
            return self._started()
        self._confirming += 1
        try:
            created = await workflow.execute_activity(
                c.ACT_CONFIRM_PROVIDER,
                c.ConfirmArgs(self._inp.payment_id, req.payment_method_id),
                result_type=c.ProviderCreated,
                start_to_close_timeout=timedelta(seconds=60),
                heartbeat_timeout=timedelta(seconds=self._inp.provider_heartbeat_seconds),
                retry_policy=_PROVIDER_RETRY,
            )
        finally:
            self._confirming -= 1
        self._note_processing(created.status)
        self._observed = created.status
        if created.status == "failed":
            self._failure = (created.failure_code or "declined", "the provider declined the payment")
        # Answer with the outcome once the main loop has acted on it (or it is still in flight).
        await workflow.wait_condition(
            lambda: self._status in rules.TERMINAL or created.status != "succeeded",
            timeout=timedelta(seconds=30),
        )
        return self._started()

    @confirm.validator
    def _validate_confirm(self, req: c.ConfirmRequest) -> None:
        if self._inp is not None and self._inp.provider not in ("stripe", "paypal"):
            raise ValueError(f"a {self._inp.provider} payment has nothing to confirm")
        if self._status in rules.TERMINAL:
            raise ValueError(f"the payment is already {self._status}")
        if self._closing:  # the expiry is cancelling the provider object: no capture may race it
            raise ValueError("the payment is expiring")

    @workflow.signal(name=c.PAYMENT_CONFIRMED_SIGNAL)
    def provider_event(self, event: c.ProviderEvent) -> None:
        if event.event_id and event.event_id in self._seen_events:
            return
        if event.event_id:
            self._seen_events.add(event.event_id)
        self._events.append(event)

    @workflow.signal(name=c.PAYMENT_CANCEL_SIGNAL)
    def cancel(self) -> None:
        self._cancel = True

    @workflow.query(name=c.PAYMENT_STATUS_QUERY)
    def status(self) -> c.PaymentStarted:
        return self._started()

    # --- the run ----------------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: c.PaymentInput) -> c.PaymentOutcome:
        self._inp = inp
        if inp.provider == "credits":
            # One short DB transaction: a local activity (no round trip through the task queue).
            outcome = await workflow.execute_local_activity(
                c.ACT_PAY_WITH_CREDITS,
                inp,
                result_type=c.PaymentOutcome,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )
            self._set(outcome.status)
            self._failure = (outcome.failure_code, outcome.failure_message)
            self._ready = True
            if outcome.status in rules.SUCCESS:
                await self._notify_purpose()
            await workflow.wait_condition(workflow.all_handlers_finished)
            return outcome

        try:
            created = await workflow.execute_activity(
                c.ACT_CREATE_PROVIDER,
                inp,
                result_type=c.ProviderCreated,
                start_to_close_timeout=timedelta(seconds=60),
                heartbeat_timeout=timedelta(seconds=inp.provider_heartbeat_seconds),
                retry_policy=_PROVIDER_RETRY,
            )
        except Exception as exc:  # declined at create, or the provider stayed down
            return await self._end("failed", *_failure_of(exc, "provider_error"))
        self._next_action = dict(created.next_action)
        self._set(created.status if created.status in ("requires_action", "processing") else self._status)
        self._note_processing(created.status)
        self._ready = True
        if created.status == "succeeded":
            done = await self._complete("completed")
            if done is not None:
                return done
        if created.status == "failed":
            return await self._end("failed", created.failure_code or "declined", "the provider declined")
        return await self._wait_for_confirmation(inp)

    async def _wait_for_confirmation(self, inp: c.PaymentInput) -> c.PaymentOutcome:
        deadline = workflow.now() + timedelta(seconds=inp.expires_in_seconds)
        expires = True  # False once the provider holds the money in flight (never expires then)
        poll = max(1, inp.poll_initial_seconds)
        while True:
            remaining = (deadline - workflow.now()).total_seconds() if expires else float(poll)
            if remaining <= 0:
                outcome, expires = await self._at_deadline(inp)
                if outcome is not None:
                    return outcome
                continue
            try:
                await workflow.wait_condition(
                    lambda: bool(self._events) or self._cancel or bool(self._observed),
                    timeout=timedelta(seconds=min(poll, remaining)),
                )
            except TimeoutError:
                if expires and workflow.now() >= deadline:
                    outcome, expires = await self._at_deadline(inp)
                    if outcome is not None:
                        return outcome
                    continue
                if inp.provider != "crypto":  # the fallback when no webhook arrives
                    polled = await workflow.execute_activity(
                        c.ACT_POLL_PROVIDER,
                        c.PaymentRef(inp.payment_id),
                        result_type=c.ProviderCreated,
                        start_to_close_timeout=timedelta(seconds=30),
                        retry_policy=_PROVIDER_RETRY,
                    )
                    seen = ("succeeded", "failed", "canceled", "approved")  # approved: PayPal only
                    self._observed = polled.status if polled.status in seen else ""
                    self._note_processing(polled.status)
                    if polled.status == "failed":
                        self._failure = (
                            polled.failure_code or "declined",
                            "the provider declined the payment",
                        )
                poll = min(poll * 2, inp.poll_max_seconds)
                if not self._observed:
                    continue
            if self._cancel:
                cancelled = await self._cancel_at_provider(inp, "cancelled")
                if cancelled is not None:
                    return cancelled
                self._cancel = False  # the provider holds the money in flight: it decides
                continue
            outcome = await self._apply_observations(inp)
            if outcome is not None:
                return outcome

    async def _at_deadline(self, inp: c.PaymentInput) -> tuple[c.PaymentOutcome | None, bool]:
        """The expiry deadline passed: (the outcome, whether the payment can still expire).

        What already arrived is applied first (a deposit or a confirmation in the same activation
        as the timer); a payment whose money the provider holds in flight (processing, or a
        capture under way) does not expire — only the provider's final word ends it."""
        if (self._events or self._observed) and workflow.patched(EVENTS_BEFORE_EXPIRY):
            outcome = await self._apply_observations(inp)
            if outcome is not None:
                return outcome, True
        if self._confirming and workflow.patched(PROCESSING_NEVER_EXPIRES):
            await workflow.wait_condition(lambda: not self._confirming)  # then look again
            return None, True
        if self._processing:  # set only under the patch (_note_processing)
            return None, False
        return await self._expire(inp), False

    async def _apply_observations(self, inp: c.PaymentInput) -> c.PaymentOutcome | None:
        observed, self._observed = self._observed, ""
        events, self._events = self._events, []
        kinds = [observed] if observed else []
        kinds += [e.kind for e in events]
        if inp.provider == "crypto" and "deposit" in kinds:
            decision = await workflow.execute_activity(
                c.ACT_CRYPTO_EVALUATE,
                c.CryptoEvaluate(inp.payment_id, expired=False),
                result_type=c.CryptoDecision,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )
            if decision.status in rules.SUCCESS:
                return await self._complete(decision.status)
            if decision.status == "partially_paid":
                self._set("partially_paid")
            return None
        if "succeeded" in kinds:  # success wins over an out-of-order failure
            return await self._complete("completed")
        if "approved" in kinds and inp.provider == "paypal":
            # The buyer approved (webhook or poll): capture now. The same PayPal-Request-Id as a
            # confirm from the API (pay:{id}:capture), so the two can never capture twice.
            captured = await workflow.execute_activity(
                c.ACT_CONFIRM_PROVIDER,
                c.ConfirmArgs(inp.payment_id),
                result_type=c.ProviderCreated,
                start_to_close_timeout=timedelta(seconds=60),
                heartbeat_timeout=timedelta(seconds=inp.provider_heartbeat_seconds),
                retry_policy=_PROVIDER_RETRY,
            )
            self._note_processing(captured.status)
            if captured.status == "succeeded":
                return await self._complete("completed")
            if captured.status == "failed":
                code = captured.failure_code or "declined"
                return await self._cancel_at_provider(inp, "failed", code, "PayPal declined the capture")
            return None
        if "failed" in kinds:
            code, message = self._failure if self._failure[0] else ("declined", "the provider declined")
            return await self._cancel_at_provider(inp, "failed", code, message)
        if "canceled" in kinds:
            return await self._end("cancelled", "provider_canceled", "cancelled at the provider")
        return None

    async def _expire(self, inp: c.PaymentInput) -> c.PaymentOutcome | None:
        if inp.provider == "crypto":
            decision = await workflow.execute_activity(
                c.ACT_CRYPTO_EVALUATE,
                c.CryptoEvaluate(inp.payment_id, expired=True),
                result_type=c.CryptoDecision,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )
            if decision.status in rules.SUCCESS:
                return await self._complete(decision.status)
            if decision.status == "underpaid":
                self._set("underpaid")
                await workflow.wait_condition(workflow.all_handlers_finished)
                return c.PaymentOutcome(
                    inp.payment_id,
                    "underpaid",
                    failure_code="underpaid",
                    failure_message="received less than quoted; credited as credits",
                )
            return await self._end("expired", "expired", "the payment was not confirmed in time")
        return await self._cancel_at_provider(
            inp, "expired", "expired", "the payment was not confirmed in time"
        )

    async def _cancel_at_provider(
        self, inp: c.PaymentInput, status: str, code: str = "", message: str = ""
    ) -> c.PaymentOutcome | None:
        """Cancel the provider object; if it turns out to have succeeded meanwhile, complete instead.
        None: the provider holds the money in flight (processing) — keep waiting for its word."""
        self._closing = status == "expired"
        result = await workflow.execute_activity(
            c.ACT_CANCEL_PROVIDER,
            c.PaymentRef(inp.payment_id),
            result_type=c.ProviderCreated,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=_PROVIDER_RETRY,
        )
        if result.status == "succeeded":
            done = await self._complete("completed")
            if done is not None:
                return done
        if result.status == "processing":
            self._note_processing(result.status)
            if self._processing:  # under the patch: the provider, not the clock, ends it
                self._closing = False
                return None
        return await self._end(status, code, message)

    async def _complete(self, status: str) -> c.PaymentOutcome | None:
        """Post the completion; None when the provider, re-read by the activity, did not confirm
        it (a forged or premature signal): nothing was posted, the caller keeps waiting."""
        assert self._inp is not None
        outcome = await workflow.execute_activity(
            c.ACT_COMPLETE,
            c.PaymentRef(self._inp.payment_id, status),
            result_type=c.PaymentOutcome,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_DB_RETRY,
        )
        if outcome.status == c.UNCONFIRMED:
            workflow.logger.warning(
                "payment %s: completion not confirmed by the provider", outcome.payment_id
            )
            return None
        self._set(outcome.status)
        self._ready = True
        await self._notify_purpose()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return outcome

    async def _notify_purpose(self) -> None:
        assert self._inp is not None
        if self._inp.purpose.kind == "escrow":
            await workflow.execute_activity(
                c.ACT_NOTIFY_PURPOSE,
                c.PaymentRef(self._inp.payment_id),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=_DB_RETRY,
            )

    async def _end(self, status: str, code: str = "", message: str = "") -> c.PaymentOutcome:
        assert self._inp is not None
        ended = await workflow.execute_activity(
            c.ACT_RECORD_STATUS,
            c.StatusChange(self._inp.payment_id, status, code, message),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_DB_RETRY,
        )
        # The status it really ended in (older activity versions answered nothing): a crypto
        # payment cancelled after a deposit ends underpaid, or completed when paid in full.
        final = ended.get("status") if isinstance(ended, dict) else None
        if final and final != status:
            status, code, message = final, ("" if final in rules.SUCCESS else final), ""
        self._set(status)
        self._failure = (code, message)
        self._ready = True
        if status in rules.SUCCESS:
            await self._notify_purpose()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return c.PaymentOutcome(self._inp.payment_id, status, failure_code=code, failure_message=message)

    def _note_processing(self, status: str) -> None:
        """The provider holds the money in flight (a PayPal PENDING capture, a Stripe processing
        intent): from now on the payment does not expire; only the provider's word ends it."""
        if status == "processing" and not self._processing and workflow.patched(PROCESSING_NEVER_EXPIRES):
            self._processing = True
            self._set("processing")

    def _set(self, status: str) -> None:
        if status == self._status:
            return
        self._status = status
        if self._inp is not None and self._inp.search_attributes:
            workflow.upsert_search_attributes([SA_PAYMENT_STATUS.value_set(status)])

    def _started(self) -> c.PaymentStarted:
        assert self._inp is not None
        return c.PaymentStarted(self._inp.payment_id, self._status, dict(self._next_action))


def _failure_of(exc: BaseException, default: str) -> tuple[str, str]:
    cause = exc.cause if isinstance(exc, ActivityError) else exc
    if isinstance(cause, ApplicationError):
        details = cause.details
        code = str(details[0]) if details else (cause.type or default)
        return code, cause.message
    return default, str(exc)


WORKFLOWS: list[type] = [PaymentWorkflow, RefundWorkflow, AttachPaymentMethodWorkflow]
