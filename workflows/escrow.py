"""EscrowWorkflow `escrow-{contract_id}`: one durable escrow, driving the pure machine in domain/escrow.py.

Updates (fund, deliver, sign, dispute, resolve, refund, cancel) are checked by their validators
against the machine, so an illegal move is refused before it enters history and moves no money.
Handlers take one lock and check again, so concurrent moves (M signers at once) serialise and the
release happens exactly once. Money moves in activities with business keys; a retried activity
finds its key already posted. Deadlines (funding, delivery, review, arbitration) are one timer at a
time in the main loop; a dispute pauses the delivery/review clock and starts the arbitration one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.escrow import (
        CHARGEBACK_CLOSED_SIGNAL,
        CHARGEBACK_OPENED_SIGNAL,
        CLOSE_UNFUNDED_ACTIVITY,
        DOMAIN_ERROR_TYPES,
        ESCROW_PAYMENT_SIGNAL,
        ESCROW_WORKFLOW,
        FUND_WITH_CREDITS_ACTIVITY,
        QUERY_STATE,
        RECORD_ACTIVITY,
        RETURN_TO_PAYER_ACTIVITY,
        SETTLE_ACTIVITY,
        UPDATE_CANCEL,
        UPDATE_DELIVER,
        UPDATE_DISPUTE,
        UPDATE_FUND,
        UPDATE_REFUND,
        UPDATE_RESOLVE,
        UPDATE_SCORE,
        UPDATE_SIGN,
        CancelRequest,
        ChargebackClosed,
        ChargebackOpened,
        CloseUnfundedInput,
        CloseUnfundedResult,
        DeliverRequest,
        DisputeRequest,
        EscrowCarry,
        EscrowEvent,
        EscrowInput,
        EscrowPaymentCompleted,
        EscrowRefundRequest,
        EscrowView,
        FundRequest,
        FundWithCreditsInput,
        MoneyResult,
        RecordInput,
        ResolveRequest,
        ReturnToPayerInput,
        ScoreRequest,
        SettleInput,
        SignRequest,
        SignResult,
        refund_key,
        resolve_payer_key,
        resolve_step,
        settle_key,
    )
    from contracts.payments import REFUND_PAYMENT_ACTIVITY, RefundRequest, RefundResult
    from contracts.temporal import SA_CONTRACT_ID, SA_ESCROW_STATE, SA_PAYEE_ID, SA_PAYER_ID
    from domain import escrow as rules
    from domain.errors import Conflict, DomainError, InvalidAmount
    from domain.escrow import Actor, Event, Move, Policy, Status
    from workflows.escrow_view import carry_of, restore, view_of

_T = TypeVar("_T")

# The row mirror runs as a local activity (idempotent, no task-queue round trip per state change);
# money moves are regular activities, scheduled and retried by the server with their business keys.
_TIMEOUT = timedelta(seconds=30)
_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=list(DOMAIN_ERROR_TYPES),
)
_CREDITS = "credits"
# Expiry / cancel ask the escrow row first (a payment may have claimed the funding): new commands.
_PATCH_GUARDED_CLOSE = "escrow-guarded-close-v1"


def _refusal(exc: DomainError) -> ApplicationError:
    return ApplicationError(
        exc.message,
        {"code": exc.code, "param": exc.param, "status": exc.status},
        type=type(exc).__name__,
        non_retryable=True,
    )


_PATCH_CREATED_FIRST = "escrow-created-before-payment-v1"
# Deliver follows the escrow's release policy: only a validator's score releases (the payee's own
# score no longer does). Histories from before it released on any score at/above the threshold.
_PATCH_RELEASE_POLICY = "escrow-release-policy-v1"


@workflow.defn(name=ESCROW_WORKFLOW)
class EscrowWorkflow:
    @workflow.init
    def __init__(self, inp: EscrowInput) -> None:
        self.inp = inp
        self.policy = Policy(inp.release_policy)
        self.status = Status.CREATED
        self.fee_percent = Decimal(inp.fee_percent)
        self.held = self.released = self.fee = self.refunded = self.charged_back = 0
        self.signatures: list[str] = []
        self.delivered = False
        self.score_ppm: int | None = None
        self.evidence_url: str | None = None
        self.provider: str | None = None
        self.payment_id: str | None = None
        self.dispute_reason: str | None = None
        self.resolution_note: str | None = None
        self.funding_deadline: datetime | None = datetime.fromisoformat(inp.funding_deadline)
        self.delivery_deadline: datetime | None = None
        self.review_deadline: datetime | None = None
        self.arbitration_deadline: datetime | None = None
        self.paused_seconds: int | None = None
        self.events: list[EscrowEvent] = []  # this run's; all of them are in the DB (escrow_events)
        self.seq_base = 0  # events recorded by earlier runs (continue-as-new)
        self.refunds = 0
        self.resolutions = 0
        self.seen_payments: list[str] = []
        self.frozen = False
        self.chargebacks: list[str] = []  # open provider disputes on the funding payment
        self.chargebacks_closed: list[str] = []
        self.version = self.seen = 0
        self.lock = asyncio.Lock()
        self.started = False  # set once `run` has recorded the `created` event
        if inp.carry is not None:
            self._restore(inp.carry)

    # ---- main loop: the one pending deadline ------------------------------------------------

    @workflow.run
    async def run(self, inp: EscrowInput) -> EscrowView:
        if inp.search_attributes:
            workflow.upsert_search_attributes(
                [
                    SA_ESCROW_STATE.value_set(self.status.value),
                    SA_CONTRACT_ID.value_set(inp.contract_id),
                    SA_PAYER_ID.value_set(inp.payer_id),
                    SA_PAYEE_ID.value_set(inp.payee_id),
                ]
            )
        if inp.carry is None:
            async with self.lock:
                await self._changed("created", inp.payer_id, amount=str(inp.amount), currency=inp.currency)
        self.started = True
        while self.status not in rules.TERMINAL:
            if self._continue_as_new_due():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self.status not in rules.TERMINAL:
                    workflow.continue_as_new(dataclasses.replace(inp, carry=self._carry()))
            seen = self.seen = self.version
            kind, at = self._next_deadline()
            if at is None:
                await workflow.wait_condition(self._moved)
                continue
            timeout = max((at - workflow.now()).total_seconds(), 0.001)
            try:
                await workflow.wait_condition(self._moved, timeout=timeout)
            except TimeoutError:
                async with self.lock:
                    if self.version == seen and self.status not in rules.TERMINAL:
                        await self._on_deadline(kind)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._view(events=True)  # once per run: this run's events

    def _moved(self) -> bool:
        return self.version != self.seen

    def _continue_as_new_due(self) -> bool:
        """History stays bounded: Temporal's suggestion, or the configured changes per run."""
        if workflow.info().is_continue_as_new_suggested():
            return True
        per_run = self.inp.changes_per_run
        return per_run > 0 and len(self.events) >= per_run

    def _next_deadline(self) -> tuple[str, datetime | None]:
        if self.frozen:
            return "none", None  # a chargeback is open: no deadline moves money until it closes
        if self.status == Status.CREATED:
            return "funding", self.funding_deadline
        if self.status == Status.DISPUTED:
            return "arbitration", self.arbitration_deadline
        if self.status in (Status.FUNDED, Status.PARTIALLY_REFUNDED) and not self.delivered:
            return "delivery", self.delivery_deadline
        if self.status in (Status.DELIVERED, Status.PARTIALLY_REFUNDED) and self.delivered:
            if not rules.releases_at_review_end(self._snap()):
                return "none", None  # signatures / score only: the review period releases nothing
            return "review", self.review_deadline
        return "none", None

    async def _on_deadline(self, kind: str) -> None:
        if kind == "funding":
            if not await self._close_unfunded(Status.EXPIRED):
                return  # a payment is funding it: its signal is on the way
            self._apply(Move.EXPIRE, rules.SYSTEM)
            await self._changed("expired", "system", deadline="funding")
        elif kind == "delivery":
            await self._refund(rules.SYSTEM, self.held, reason="delivery_deadline")
        elif kind == "review":
            await self._release(rules.SYSTEM, reason="review_period")
        elif kind == "arbitration":
            split = rules.default_ruling_split(
                self.inp.default_ruling, self.held, self.fee_percent, self.inp.currency
            )
            await self._settle_resolution(
                split, rules.SYSTEM, note=f"default ruling: {self.inp.default_ruling}"
            )

    # ---- reads ----------------------------------------------------------------------------------

    @workflow.query(name=QUERY_STATE)
    def state(self) -> EscrowView:
        return self._view(events=True)

    # ---- fund -----------------------------------------------------------------------------------

    @workflow.update(name=UPDATE_FUND)
    async def fund(self, req: FundRequest) -> EscrowView:
        async with self.lock:
            self._check(Move.FUND, req.actor_id, req.actor_role)
            try:
                result = await self._fund_with_credits()
            except ActivityError as exc:  # not enough credits: the caller learns why, nothing moved
                cause = exc.cause
                if isinstance(cause, ApplicationError) and cause.type in DOMAIN_ERROR_TYPES:
                    raise ApplicationError(
                        cause.message, *cause.details, type=cause.type, non_retryable=True
                    ) from None
                raise
            self._funded(Actor(req.actor_id, req.actor_role), _CREDITS, None)
            await self._changed(
                "funded", req.actor_id, provider=_CREDITS, transaction_id=result.transaction_id
            )
            return self._view()

    async def _fund_with_credits(self) -> MoneyResult:
        return await workflow.execute_activity(
            FUND_WITH_CREDITS_ACTIVITY,
            FundWithCreditsInput(self.inp.contract_id, self.inp.payer_id, self.inp.amount, self.inp.currency),
            result_type=MoneyResult,
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
        )

    @fund.validator
    def _validate_fund(self, req: FundRequest) -> None:
        self._check(Move.FUND, req.actor_id, req.actor_role)
        if req.provider != _CREDITS:
            raise _refusal(InvalidAmount("only credits fund through this update", param="provider"))

    @workflow.signal(name=ESCROW_PAYMENT_SIGNAL)
    async def payment_completed(self, sig: EscrowPaymentCompleted) -> None:
        """A provider payment has posted clearing → holding; take it, or send back what we cannot use."""
        if workflow.patched(_PATCH_CREATED_FIRST):
            # A signal in the first task runs before `run`: let `created` be recorded first.
            await workflow.wait_condition(lambda: self.started)
        async with self.lock:
            if sig.payment_id in self.seen_payments:
                return  # a duplicate delivery of the same completion
            self.seen_payments.append(sig.payment_id)
            usable = (
                self.status == Status.CREATED
                and sig.amount == self.inp.amount
                and sig.currency == self.inp.currency
            )
            if usable:
                self._funded(rules.SYSTEM, sig.provider, sig.payment_id)
                await self._changed(
                    "funded",
                    self.inp.payer_id,
                    provider=sig.provider,
                    payment_id=sig.payment_id,
                    transaction_id=sig.ledger_transaction_id,
                )
                return
            # Money we cannot hold (expired, cancelled, already funded, wrong amount): straight back.
            # The payments refund posts holding → clearing itself and refunds at the provider.
            self.refunds += 1
            key = refund_key(self.inp.contract_id, self.refunds)
            ok = await self._provider_refund(
                sig.payment_id, sig.amount, key, "escrow could not take this payment"
            )
            await self._changed(
                "payment_returned" if ok else "payment_return_failed",
                "system",
                payment_id=sig.payment_id,
                amount=str(sig.amount),
            )

    async def _close_unfunded(self, status: Status) -> bool:
        """May the escrow leave `created` for `status`? Not if a provider payment has claimed the
        funding on the escrow row (services.escrow.claim_funding): that payment's money is in the
        holding account and its signal is coming, so the escrow waits for it instead."""
        if not workflow.patched(_PATCH_GUARDED_CLOSE):
            return True  # histories from before the guard
        result = await workflow.execute_local_activity(
            CLOSE_UNFUNDED_ACTIVITY,
            CloseUnfundedInput(self.inp.escrow_id, self.inp.contract_id, status.value),
            result_type=CloseUnfundedResult,
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
        )
        if result.closed:
            return True
        if self.funding_deadline is not None:
            self.funding_deadline = None  # no more expiry: wait for the payment's signal
            await self._changed(
                "funding_claimed", "system", payment_id=result.payment_id, provider=result.provider
            )
        return False

    def _funded(self, actor: Actor, provider: str, payment_id: str | None) -> None:
        self._apply(Move.FUND, actor, amount=self.inp.amount)
        self.provider = provider
        self.payment_id = payment_id
        self.funding_deadline = None
        if self.inp.delivery_deadline:
            self.delivery_deadline = datetime.fromisoformat(self.inp.delivery_deadline)
        else:
            self.delivery_deadline = workflow.now() + timedelta(seconds=self.inp.delivery_period_seconds)

    # ---- cancel ---------------------------------------------------------------------------------

    @workflow.update(name=UPDATE_CANCEL)
    async def cancel(self, req: CancelRequest) -> EscrowView:
        async with self.lock:
            self._check(Move.CANCEL, req.actor_id, req.actor_role)
            if not await self._close_unfunded(Status.CANCELLED):
                raise _refusal(
                    Conflict("a payment is completing this escrow's funding", code="escrow_funding_in_flight")
                )
            self._apply(Move.CANCEL, Actor(req.actor_id, req.actor_role))
            self.funding_deadline = None
            await self._changed("cancelled", req.actor_id, reason=req.reason)
            return self._view()

    @cancel.validator
    def _validate_cancel(self, req: CancelRequest) -> None:
        self._check(Move.CANCEL, req.actor_id, req.actor_role)

    # ---- deliver, score and sign ----------------------------------------------------------------

    @workflow.update(name=UPDATE_DELIVER)
    async def deliver(self, req: DeliverRequest) -> EscrowView:
        async with self.lock:
            actor = Actor(req.actor_id, req.actor_role, req.validator)
            self._apply(Move.DELIVER, actor)
            by_policy = workflow.patched(_PATCH_RELEASE_POLICY)
            if not by_policy:  # before the policy: any score counted
                self.score_ppm = req.score_ppm
            elif req.score_ppm is not None:  # the validator refused anyone else's score
                self._apply(Move.SCORE, actor, score_ppm=req.score_ppm)
            self.evidence_url = req.evidence_url
            self.delivery_deadline = None
            self.review_deadline = workflow.now() + timedelta(seconds=self.inp.review_period_seconds)
            score = None if self.score_ppm is None else rules.from_ppm(self.score_ppm)
            await self._changed("delivered", req.actor_id, score=score)
            if by_policy:
                reason = self._due_release()
            else:
                at_threshold = req.score_ppm is not None and req.score_ppm >= self.inp.threshold_ppm
                reason = "validation_score" if at_threshold else None
            if reason is not None:
                await self._release(rules.SYSTEM, reason=reason)
            return self._view()

    @deliver.validator
    def _validate_deliver(self, req: DeliverRequest) -> None:
        actor = Actor(req.actor_id, req.actor_role, req.validator)
        after = self._try(lambda: rules.apply(self._snap(), Event(Move.DELIVER, actor)))
        if req.score_ppm is not None:
            self._check_score(after, actor, req.score_ppm)

    @workflow.update(name=UPDATE_SCORE)
    async def score(self, req: ScoreRequest) -> EscrowView:
        """A validator scores delivered work; at/above the threshold it releases (policy allowing)."""
        async with self.lock:
            self._apply(
                Move.SCORE, Actor(req.actor_id, req.actor_role, req.validator), score_ppm=req.score_ppm
            )
            await self._changed("scored", req.actor_id, score=rules.from_ppm(req.score_ppm))
            reason = self._due_release()
            if reason is not None:
                await self._release(rules.SYSTEM, reason=reason)
            return self._view()

    @score.validator
    def _validate_score(self, req: ScoreRequest) -> None:
        self._check_score(self._snap(), Actor(req.actor_id, req.actor_role, req.validator), req.score_ppm)

    def _check_score(self, snap: rules.Snapshot, actor: Actor, score_ppm: int) -> None:
        self._try(lambda: rules.check(Move.SCORE, snap, actor))
        if not 0 <= score_ppm <= rules.PPM:
            raise _refusal(
                InvalidAmount("validation_score must be between 0 and 1", param="validation_score")
            )

    @workflow.update(name=UPDATE_SIGN)
    async def sign(self, req: SignRequest) -> SignResult:
        async with self.lock:
            if req.actor_id in self.signatures or self.status in rules.TERMINAL:
                # Two copies raced past the validator, or a release won the race: counts once.
                return SignResult(counted=False, signatures=len(self.signatures), view=self._view())
            self._apply(Move.SIGN, Actor(req.actor_id, req.actor_role))
            await self._changed("signed", req.actor_id, count=str(len(self.signatures)))
            reason = self._due_release()
            if reason is not None:
                await self._release(rules.SYSTEM, reason=reason)
            return SignResult(counted=True, signatures=len(self.signatures), view=self._view())

    @sign.validator
    def _validate_sign(self, req: SignRequest) -> None:
        # A repeated signature is refused here (409 already_signed): it never enters history.
        self._check(Move.SIGN, req.actor_id, req.actor_role)

    def _due_release(self) -> str | None:
        return rules.due_release(self._snap(), self.inp.threshold_ppm, self.inp.required_signatures)

    async def _release(self, actor: Actor, *, reason: str) -> None:
        rules.check(Move.RELEASE, self._snap(), actor)
        split = rules.release_split(self.held, self.fee_percent, self.inp.currency)
        await self._settle("release", split)
        self._apply(Move.RELEASE, actor)
        self.released += split.payee_net
        self.fee += split.fee
        self.review_deadline = None
        await self._changed(
            "released", actor.id, reason=reason, payee_net=str(split.payee_net), fee=str(split.fee)
        )

    # ---- chargebacks on the funding payment -----------------------------------------------------

    @workflow.signal(name=CHARGEBACK_OPENED_SIGNAL)
    async def chargeback_opened(self, sig: ChargebackOpened) -> None:
        """Freeze: nothing leaves the hold while the provider dispute is open."""
        await workflow.wait_condition(lambda: self.started)
        async with self.lock:
            known = sig.dispute_id in self.chargebacks or sig.dispute_id in self.chargebacks_closed
            if known or self.status in rules.TERMINAL:
                return
            self.chargebacks.append(sig.dispute_id)
            self._apply(Move.FREEZE, rules.SYSTEM)
            await self._changed(
                "chargeback_opened", "system", dispute_id=sig.dispute_id, amount=str(sig.amount)
            )

    @workflow.signal(name=CHARGEBACK_CLOSED_SIGNAL)
    async def chargeback_closed(self, sig: ChargebackClosed) -> None:
        """Won: unfreeze. Lost: what the chargeback took from the hold (already moved in the ledger
        by the chargeback) is gone back to the payer; then unfreeze what is left."""
        await workflow.wait_condition(lambda: self.started)
        async with self.lock:
            if sig.dispute_id in self.chargebacks_closed:
                return
            self.chargebacks_closed.append(sig.dispute_id)
            if sig.dispute_id in self.chargebacks:
                self.chargebacks.remove(sig.dispute_id)
            taken = min(sig.taken_from_hold, self.held)
            if taken > 0 and self.status in rules.HOLDING:
                self._apply(Move.CHARGEBACK, rules.SYSTEM, amount=taken)
                self.charged_back += taken
                if self.status == Status.REFUNDED:
                    self.delivery_deadline = self.review_deadline = self.arbitration_deadline = None
            if self.frozen and not self.chargebacks:
                self._apply(Move.UNFREEZE, rules.SYSTEM)
            await self._changed(
                "chargeback_closed",
                "system",
                dispute_id=sig.dispute_id,
                outcome=sig.outcome,
                taken=str(taken),
            )
            reason = self._due_release()
            if reason is not None:  # signatures / a score arrived while frozen
                await self._release(rules.SYSTEM, reason=reason)

    # ---- dispute and resolve --------------------------------------------------------------------

    @workflow.update(name=UPDATE_DISPUTE)
    async def dispute(self, req: DisputeRequest) -> EscrowView:
        async with self.lock:
            self._check(Move.DISPUTE, req.actor_id, req.actor_role)
            now = workflow.now()
            running = self.review_deadline if self.delivered else self.delivery_deadline
            if running is not None:  # the delivery/review clock stops while the dispute lasts
                self.paused_seconds = max(0, int((running - now).total_seconds()))
            self.delivery_deadline = self.review_deadline = None
            self.arbitration_deadline = now + timedelta(seconds=self.inp.arbitration_seconds)
            self._apply(Move.DISPUTE, Actor(req.actor_id, req.actor_role))
            self.dispute_reason = req.reason
            await self._changed("disputed", req.actor_id, reason=req.reason)
            return self._view()

    @dispute.validator
    def _validate_dispute(self, req: DisputeRequest) -> None:
        self._check(Move.DISPUTE, req.actor_id, req.actor_role)

    @workflow.update(name=UPDATE_RESOLVE)
    async def resolve(self, req: ResolveRequest) -> EscrowView:
        async with self.lock:
            self._check(Move.RESOLVE, req.actor_id, req.actor_role)
            split = self._resolution(req.payee_amount)
            await self._settle_resolution(split, Actor(req.actor_id, req.actor_role), note=req.note)
            return self._view()

    @resolve.validator
    def _validate_resolve(self, req: ResolveRequest) -> None:
        self._check(Move.RESOLVE, req.actor_id, req.actor_role)
        self._resolution(req.payee_amount)

    def _resolution(self, payee_amount: int) -> rules.Split:
        return self._try(
            lambda: rules.resolution_split(self.held, payee_amount, self.fee_percent, self.inp.currency)
        )

    async def _settle_resolution(self, split: rules.Split, actor: Actor, *, note: str) -> None:
        """Payee's part (minus fee) and, for credits, the payer's part: one DB transaction. A card /
        PayPal / crypto payer's part is refunded through payments' `refund_payment` after it."""
        rules.check(Move.RESOLVE, self._snap(), actor)
        self.resolutions += 1
        await self._settle(resolve_step(self.resolutions), split, kind="resolve")
        self.released += split.payee_net
        self.fee += split.fee
        by_provider = split.payer_refund > 0 and self._by_provider()
        # The payee's part has left the hold (and a credits payer's part with it, in one move).
        self._apply(
            Move.RESOLVE,
            actor,
            amount=split.payee_net + split.fee + (0 if by_provider else split.payer_refund),
        )
        if by_provider:
            assert self.payment_id is not None
            key = resolve_payer_key(self.inp.contract_id, self.resolutions)
            if not await self._provider_refund(
                self.payment_id, split.payer_refund, key, "escrow dispute resolved"
            ):
                # The provider refused: the payer's part stays held and the dispute stays open (an
                # arbiter can rule again; otherwise the default ruling applies after another window).
                self.arbitration_deadline = workflow.now() + timedelta(seconds=self.inp.arbitration_seconds)
                await self._changed(
                    "resolution_incomplete", actor.id, note=note, payee_net=str(split.payee_net)
                )
                return
            self._apply(Move.RESOLVE, actor, amount=split.payer_refund)
        self.refunded += split.payer_refund
        self.arbitration_deadline = None
        self.resolution_note = note
        await self._changed(
            "resolved",
            actor.id,
            note=note,
            payee_net=str(split.payee_net),
            fee=str(split.fee),
            payer_refund=str(split.payer_refund),
        )

    # ---- refund ---------------------------------------------------------------------------------

    @workflow.update(name=UPDATE_REFUND)
    async def refund(self, req: EscrowRefundRequest) -> EscrowView:
        async with self.lock:
            actor = Actor(req.actor_id, req.actor_role)
            self._check(Move.REFUND, req.actor_id, req.actor_role)
            amount = self._refund_amount(req.amount)
            await self._refund(actor, amount, reason="requested")
            return self._view()

    @refund.validator
    def _validate_refund(self, req: EscrowRefundRequest) -> None:
        self._check(Move.REFUND, req.actor_id, req.actor_role)
        self._refund_amount(req.amount)

    def _refund_amount(self, requested: int | None) -> int:
        return self._try(lambda: rules.refund_amount(self._snap(), requested))

    async def _refund(self, actor: Actor, amount: int, *, reason: str) -> None:
        rules.check(Move.REFUND, self._snap(), actor)
        self.refunds += 1
        key = refund_key(self.inp.contract_id, self.refunds)
        if self._by_provider():
            # payments' refund_payment posts holding → clearing and refunds at the provider, once.
            assert self.payment_id is not None
            if not await self._provider_refund(self.payment_id, amount, key, reason):
                if actor.is_system:  # the delivery deadline: try again in a day
                    self.delivery_deadline = workflow.now() + timedelta(days=1)
                    await self._changed("refund_failed", actor.id, amount=str(amount), reason=reason)
                    return
                raise _refusal(Conflict("the provider refused the refund", code="refund_failed"))
        else:
            await workflow.execute_activity(
                RETURN_TO_PAYER_ACTIVITY,
                ReturnToPayerInput(
                    self.inp.contract_id, key, self.inp.payer_id, amount, self.inp.currency, _CREDITS
                ),
                result_type=MoneyResult,
                start_to_close_timeout=_TIMEOUT,
                retry_policy=_RETRY,
            )
        self._apply(Move.REFUND, actor, amount=amount)
        self.refunded += amount
        if self.status == Status.REFUNDED:
            self.delivery_deadline = self.review_deadline = self.arbitration_deadline = None
        await self._changed("refunded", actor.id, amount=str(amount), reason=reason)

    def _by_provider(self) -> bool:
        return self.provider not in (None, _CREDITS) and self.payment_id is not None

    async def _provider_refund(self, payment_id: str, amount: int, key: str, reason: str) -> bool:
        """payments' `refund_payment` by name; False (and an event) if the provider refused."""
        try:
            await workflow.execute_activity(
                REFUND_PAYMENT_ACTIVITY,
                RefundRequest(payment_id, amount, reason, key),
                result_type=RefundResult,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=_RETRY,
            )
            return True
        except ActivityError as exc:
            self.events.append(
                self._event(
                    "provider_refund_failed", "system", payment_id=payment_id, error=str(exc.cause or exc)
                )
            )
            return False

    # ---- helpers --------------------------------------------------------------------------------

    async def _settle(self, step: str, split: rules.Split, *, kind: str = "release") -> None:
        # A provider payer's part goes back through payments' refund_payment, not through this move.
        payer_part = 0 if self._by_provider() else split.payer_refund
        if split.payee_net + split.fee + payer_part == 0:
            return
        await workflow.execute_activity(
            SETTLE_ACTIVITY,
            SettleInput(
                contract_id=self.inp.contract_id,
                key=settle_key(self.inp.contract_id, step),
                kind=kind,
                payer_id=self.inp.payer_id,
                payee_id=self.inp.payee_id,
                currency=self.inp.currency,
                payee_net=split.payee_net,
                fee=split.fee,
                payer_refund=payer_part,
                funding_provider=self.provider or _CREDITS,
            ),
            result_type=MoneyResult,
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
        )

    def _snap(self) -> rules.Snapshot:
        return rules.Snapshot(
            self.status,
            self.inp.payer_id,
            self.inp.payee_id,
            tuple(self.inp.signers),
            self.held,
            self.delivered,
            policy=self.policy,
            signed=tuple(self.signatures),
            frozen=self.frozen,
            score_ppm=self.score_ppm,
        )

    def _apply(self, move: Move, actor: Actor, *, amount: int = 0, score_ppm: int | None = None) -> None:
        """Every status change goes through the machine (domain.escrow.apply)."""
        after = self._try(lambda: rules.apply(self._snap(), Event(move, actor, amount, score_ppm)))
        self.status = after.status
        self.held = after.held
        self.delivered = after.delivered
        self.signatures = list(after.signed)
        self.frozen = after.frozen
        self.score_ppm = after.score_ppm

    def _check(self, move: Move, actor_id: str, actor_role: str) -> None:
        self._try(lambda: rules.check(move, self._snap(), Actor(actor_id, actor_role)))

    @staticmethod
    def _try(fn: Callable[[], _T]) -> _T:
        """Run a rule; its refusal becomes a non-retryable ApplicationError the API maps to 4xx."""
        try:
            return fn()
        except DomainError as exc:
            raise _refusal(exc) from None

    def _event(self, kind: str, actor: str, **detail: str) -> EscrowEvent:
        return EscrowEvent(
            seq=self.seq_base + len(self.events) + 1,
            at=workflow.now().isoformat(),
            kind=kind,
            actor=actor,
            detail={k: v for k, v in detail.items() if v is not None},
        )

    async def _changed(self, kind: str, actor: str, **detail: str | None) -> None:
        """A state change: remember the event, keep search attributes current, mirror the row."""
        event = self._event(kind, actor, **{k: v for k, v in detail.items() if v is not None})
        self.events.append(event)
        self.version += 1
        if self.inp.search_attributes:
            workflow.upsert_search_attributes([SA_ESCROW_STATE.value_set(self.status.value)])
        await workflow.execute_local_activity(
            RECORD_ACTIVITY,
            RecordInput(self._view(), event),
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
        )

    def _view(self, *, events: bool = False) -> EscrowView:
        """The state; Update results and row mirrors are slim (no event list: the events are in the
        DB), so history does not grow with the square of the number of moves."""
        return view_of(self, events=events)

    def _carry(self) -> EscrowCarry:
        return carry_of(self)

    def _restore(self, c: EscrowCarry) -> None:
        restore(self, c)
