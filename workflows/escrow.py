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
from datetime import datetime, timedelta
from decimal import Decimal

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES
    from contracts.escrow import (
        CLOSE_UNFUNDED_ACTIVITY,
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
        UPDATE_SIGN,
        CancelRequest,
        CloseUnfundedInput,
        CloseUnfundedResult,
        DeliverRequest,
        DisputeRequest,
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
        SettleInput,
        SignRequest,
        SignResult,
    )
    from contracts.payments import REFUND_PAYMENT_ACTIVITY, RefundRequest, RefundResult
    from contracts.temporal import SA_CONTRACT_ID, SA_ESCROW_STATE, SA_PAYEE_ID, SA_PAYER_ID
    from domain import escrow as rules
    from domain.errors import Conflict, DomainError, InvalidAmount
    from domain.escrow import Move, Status

# The row mirror runs as a local activity (idempotent, no task-queue round trip per state change);
# money moves are regular activities, scheduled and retried by the server with their business keys.
_TIMEOUT = timedelta(seconds=30)
_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES),
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


@workflow.defn(name=ESCROW_WORKFLOW)
class EscrowWorkflow:
    @workflow.init
    def __init__(self, inp: EscrowInput) -> None:
        self.inp = inp
        self.status = Status.CREATED
        self.fee_percent = Decimal(inp.fee_percent)
        self.held = self.released = self.fee = self.refunded = 0
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
        self.events: list[EscrowEvent] = []
        self.refunds = 0
        self.resolutions = 0
        self.seen_payments: list[str] = []
        self.version = self.seen = 0
        self.lock = asyncio.Lock()
        self.started = False  # set once `run` has recorded the `created` event

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
        async with self.lock:
            await self._changed("created", inp.payer_id, amount=str(inp.amount), currency=inp.currency)
        self.started = True
        while self.status not in rules.TERMINAL:
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
        return self._view()

    def _moved(self) -> bool:
        return self.version != self.seen

    def _next_deadline(self) -> tuple[str, datetime | None]:
        if self.status == Status.CREATED:
            return "funding", self.funding_deadline
        if self.status == Status.DISPUTED:
            return "arbitration", self.arbitration_deadline
        if self.status in (Status.FUNDED, Status.PARTIALLY_REFUNDED) and not self.delivered:
            return "delivery", self.delivery_deadline
        if self.status in (Status.DELIVERED, Status.PARTIALLY_REFUNDED) and self.delivered:
            return "review", self.review_deadline
        return "none", None

    async def _on_deadline(self, kind: str) -> None:
        if kind == "funding":
            if not await self._close_unfunded(Status.EXPIRED):
                return  # a payment is funding it: its signal is on the way
            self.status = Status.EXPIRED
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
        return self._view()

    # ---- fund -----------------------------------------------------------------------------------

    @workflow.update(name=UPDATE_FUND)
    async def fund(self, req: FundRequest) -> EscrowView:
        async with self.lock:
            self._check(Move.FUND, req.actor_id, req.actor_role)
            try:
                result = await self._fund_with_credits()
            except ActivityError as exc:  # not enough credits: the caller learns why, nothing moved
                cause = exc.cause
                if isinstance(cause, ApplicationError) and cause.type in NON_RETRYABLE_ERROR_TYPES:
                    raise ApplicationError(
                        cause.message, *cause.details, type=cause.type, non_retryable=True
                    ) from None
                raise
            self._funded(_CREDITS, None)
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
                self._funded(sig.provider, sig.payment_id)
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
            key = f"esc:{self.inp.contract_id}:refund:{self.refunds}"
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

    def _funded(self, provider: str, payment_id: str | None) -> None:
        self.status = Status.FUNDED
        self.held = self.inp.amount
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
            self.status = Status.CANCELLED
            self.funding_deadline = None
            await self._changed("cancelled", req.actor_id, reason=req.reason)
            return self._view()

    @cancel.validator
    def _validate_cancel(self, req: CancelRequest) -> None:
        self._check(Move.CANCEL, req.actor_id, req.actor_role)

    # ---- deliver and sign -----------------------------------------------------------------------

    @workflow.update(name=UPDATE_DELIVER)
    async def deliver(self, req: DeliverRequest) -> EscrowView:
        async with self.lock:
            self._check(Move.DELIVER, req.actor_id, req.actor_role)
            self.status = rules.next_status(Move.DELIVER, self._snap())
            self.delivered = True
            self.score_ppm = req.score_ppm
            self.evidence_url = req.evidence_url
            self.delivery_deadline = None
            self.review_deadline = workflow.now() + timedelta(seconds=self.inp.review_period_seconds)
            await self._changed("delivered", req.actor_id, score=rules.from_ppm(req.score_ppm))
            if rules.auto_releases(req.score_ppm, self.inp.threshold_ppm):
                await self._release(rules.SYSTEM, reason="validation_score")
            return self._view()

    @deliver.validator
    def _validate_deliver(self, req: DeliverRequest) -> None:
        self._check(Move.DELIVER, req.actor_id, req.actor_role)
        if not 0 <= req.score_ppm <= rules.PPM:
            raise _refusal(
                InvalidAmount("validation_score must be between 0 and 1", param="validation_score")
            )

    @workflow.update(name=UPDATE_SIGN)
    async def sign(self, req: SignRequest) -> SignResult:
        async with self.lock:
            if req.actor_id in self.signatures or self.status in rules.TERMINAL:
                # Counts once; a signer who lost the race to a release learns the outcome.
                return SignResult(counted=False, signatures=len(self.signatures), view=self._view())
            self._check(Move.SIGN, req.actor_id, req.actor_role)
            self.signatures.append(req.actor_id)
            await self._changed("signed", req.actor_id, count=str(len(self.signatures)))
            if rules.enough_signatures(len(self.signatures), self.inp.required_signatures):
                await self._release(rules.SYSTEM, reason="signatures")
            return SignResult(counted=True, signatures=len(self.signatures), view=self._view())

    @sign.validator
    def _validate_sign(self, req: SignRequest) -> None:
        if req.actor_id in self.signatures and req.actor_id in self.inp.signers:
            return  # already signed: accepted, counts once
        self._check(Move.SIGN, req.actor_id, req.actor_role)

    async def _release(self, actor: rules.Actor, *, reason: str) -> None:
        rules.check(Move.RELEASE, self._snap(), actor)
        split = rules.release_split(self.held, self.fee_percent, self.inp.currency)
        await self._settle("release", split)
        self.released += split.payee_net
        self.fee += split.fee
        self.held = 0
        self.status = Status.RELEASED
        self.review_deadline = None
        await self._changed(
            "released", actor.id, reason=reason, payee_net=str(split.payee_net), fee=str(split.fee)
        )

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
            self.status = Status.DISPUTED
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
            await self._settle_resolution(split, rules.Actor(req.actor_id, req.actor_role), note=req.note)
            return self._view()

    @resolve.validator
    def _validate_resolve(self, req: ResolveRequest) -> None:
        self._check(Move.RESOLVE, req.actor_id, req.actor_role)
        self._resolution(req.payee_amount)

    def _resolution(self, payee_amount: int) -> rules.Split:
        try:
            return rules.resolution_split(self.held, payee_amount, self.fee_percent, self.inp.currency)
        except DomainError as exc:
            raise _refusal(exc) from None

    async def _settle_resolution(self, split: rules.Split, actor: rules.Actor, *, note: str) -> None:
        """Payee's part (minus fee) and, for credits, the payer's part: one DB transaction. A card /
        PayPal / crypto payer's part is refunded through payments' `refund_payment` after it."""
        self.resolutions += 1
        suffix = "" if self.resolutions == 1 else f":{self.resolutions}"
        await self._settle(f"resolve{suffix}", split, kind="resolve")
        self.released += split.payee_net
        self.fee += split.fee
        self.held -= split.payee_net + split.fee
        if split.payer_refund and self._by_provider():
            assert self.payment_id is not None
            key = f"esc:{self.inp.contract_id}:resolve{suffix}:payer"
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
        self.refunded += split.payer_refund
        self.held -= split.payer_refund
        self.status = Status.RESOLVED
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
            actor = rules.Actor(req.actor_id, req.actor_role)
            self._check(Move.REFUND, req.actor_id, req.actor_role)
            amount = self._refund_amount(req.amount)
            await self._refund(actor, amount, reason="requested")
            return self._view()

    @refund.validator
    def _validate_refund(self, req: EscrowRefundRequest) -> None:
        self._check(Move.REFUND, req.actor_id, req.actor_role)
        self._refund_amount(req.amount)

    def _refund_amount(self, requested: int | None) -> int:
        try:
            return rules.refund_amount(self._snap(), requested)
        except DomainError as exc:
            raise _refusal(exc) from None

    async def _refund(self, actor: rules.Actor, amount: int, *, reason: str) -> None:
        self.refunds += 1
        key = f"esc:{self.inp.contract_id}:refund:{self.refunds}"
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
        self.status = rules.next_status(Move.REFUND, self._snap(), amount=amount)
        self.held -= amount
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

    async def _settle(self, key_suffix: str, split: rules.Split, *, kind: str = "release") -> None:
        # A provider payer's part goes back through payments' refund_payment, not through this move.
        payer_part = 0 if self._by_provider() else split.payer_refund
        if split.payee_net + split.fee + payer_part == 0:
            return
        await workflow.execute_activity(
            SETTLE_ACTIVITY,
            SettleInput(
                contract_id=self.inp.contract_id,
                key=f"esc:{self.inp.contract_id}:{key_suffix}",
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
        )

    def _check(self, move: Move, actor_id: str, actor_role: str) -> None:
        try:
            rules.check(move, self._snap(), rules.Actor(actor_id, actor_role))
        except DomainError as exc:
            raise _refusal(exc) from None

    def _event(self, kind: str, actor: str, **detail: str) -> EscrowEvent:
        return EscrowEvent(
            seq=len(self.events) + 1,
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

    def _view(self) -> EscrowView:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return EscrowView(
            escrow_id=self.inp.escrow_id,
            contract_id=self.inp.contract_id,
            status=self.status.value,
            payer_id=self.inp.payer_id,
            payee_id=self.inp.payee_id,
            amount=self.inp.amount,
            currency=self.inp.currency,
            held=self.held,
            released=self.released,
            fee=self.fee,
            refunded=self.refunded,
            signers=list(self.inp.signers),
            required_signatures=self.inp.required_signatures,
            signatures=list(self.signatures),
            threshold_ppm=self.inp.threshold_ppm,
            fee_percent=self.inp.fee_percent,
            delivered=self.delivered,
            validation_score_ppm=self.score_ppm,
            evidence_url=self.evidence_url,
            funding_provider=self.provider,
            funding_payment_id=self.payment_id,
            dispute_reason=self.dispute_reason,
            resolution_note=self.resolution_note,
            created_at=self.inp.created_at,
            funding_deadline=iso(self.funding_deadline),
            delivery_deadline=iso(self.delivery_deadline),
            review_deadline=iso(self.review_deadline),
            arbitration_deadline=iso(self.arbitration_deadline),
            paused_seconds=self.paused_seconds,
            events=list(self.events),
        )
