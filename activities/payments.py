"""Payment activities: provider calls and DB units of work, each safe to run twice.

Provider writes carry keys derived from the payment id; a retried create first asks the provider
for the object made by a lost attempt (localstripe ignores idempotency keys), so a worker killed
between the provider call and the activity's completion never charges twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.deps import Deps
from contracts import payments as c
from contracts.escrow import ESCROW_PAYMENT_SIGNAL, EscrowPaymentCompleted
from contracts.temporal import escrow_workflow_id
from db.repositories import payments as repo
from db.session import unit_of_work
from domain import payments as rules
from domain.errors import DomainError
from providers.base import CreateParams, PaymentProvider, ProviderDeclined, ProviderIntent, ProviderRefund
from providers.crypto_provider import CryptoProvider
from services import payment_refunds as refunds
from services import payments as svc


def _refused(exc: DomainError | ProviderDeclined) -> ApplicationError:
    if isinstance(exc, ProviderDeclined):
        return ApplicationError(exc.message, exc.code, type="ProviderDeclined", non_retryable=True)
    return ApplicationError(exc.message, exc.code, type=type(exc).__name__, non_retryable=True)


@contextlib.asynccontextmanager
async def heartbeating() -> AsyncIterator[None]:
    """Heartbeat while a provider call is in flight, so a dead worker is noticed within the
    heartbeat timeout instead of the whole start-to-close timeout."""

    timeout = activity.info().heartbeat_timeout if activity.in_activity() else None
    every = max(0.2, timeout.total_seconds() / 3) if timeout else 2.0

    async def beat() -> None:
        while True:
            activity.heartbeat()
            await asyncio.sleep(every)

    task = asyncio.create_task(beat()) if activity.in_activity() else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()


def build_provider(deps: Deps, name: str) -> PaymentProvider:
    s = deps.settings
    if name == "stripe":
        from providers.stripe_provider import StripeProvider

        return StripeProvider(s.stripe_secret_key, s.stripe_api_base)
    if name == "paypal":
        from providers.paypal_provider import PayPalProvider

        return PayPalProvider(
            s.paypal_client_id, s.paypal_client_secret, s.paypal_api_base, environment=s.paypal_environment
        )
    raise ApplicationError(
        f"no provider {name!r}", "unknown_provider", type="InvalidState", non_retryable=True
    )


def _created(intent: ProviderIntent) -> c.ProviderCreated:
    return c.ProviderCreated(intent.status, intent.object_id, dict(intent.next_action), intent.failure_code)


class PaymentActivities:
    def __init__(self, deps: Deps, providers: dict[str, PaymentProvider] | None = None) -> None:
        self.deps = deps
        self.settings = deps.settings
        self._providers = dict(providers or {})
        self.crypto = CryptoProvider(deps.settings.crypto_btc_xpub, deps.settings.crypto_eth_xpub)

    def provider(self, name: str) -> PaymentProvider:
        if name not in self._providers:
            self._providers[name] = build_provider(self.deps, name)
        return self._providers[name]

    def uow(self):  # type: ignore[no-untyped-def]
        return unit_of_work(self.deps.session_factory)

    # --- credits --------------------------------------------------------------------------------

    @activity.defn(name=c.ACT_PAY_WITH_CREDITS)
    async def pay_with_credits(self, inp: c.PaymentInput) -> c.PaymentOutcome:
        try:
            async with self.uow() as s:
                await svc.ensure_payment(s, inp)
                done = await svc.complete(s, inp.payment_id)
            return c.PaymentOutcome(inp.payment_id, done.status, done.ledger_transaction_id)
        except DomainError as exc:  # not enough credits (409), ...: the payment fails, clearly
            async with self.uow() as s:
                await svc.ensure_payment(s, inp)
                await svc.record_status(
                    s, inp.payment_id, "failed", failure_code=exc.code, failure_message=exc.message
                )
            return c.PaymentOutcome(
                inp.payment_id, "failed", failure_code=exc.code, failure_message=exc.message
            )

    # --- provider objects -----------------------------------------------------------------------

    @activity.defn(name=c.ACT_CREATE_PROVIDER)
    async def create_provider(self, inp: c.PaymentInput) -> c.ProviderCreated:
        async with self.uow() as s:
            row, _ = await svc.ensure_payment(s, inp)
            method = await self._method(s, row.payment_method_id, row.payer_id)
        if inp.provider == "crypto":
            return await self._create_crypto(inp)
        provider = self.provider(inp.provider)
        async with heartbeating():
            intent: ProviderIntent | None = None
            if row.provider_object_id:
                intent = await provider.retrieve(row.provider_object_id)
            else:
                # Attempt > 1: an earlier attempt may have created the object and died before
                # recording it. Ask the provider before creating (one object per payment).
                intent = await provider.find(inp.payment_id) if activity.info().attempt > 1 else None
                if intent is None:
                    try:
                        intent = await provider.create(
                            CreateParams(
                                payment_id=inp.payment_id,
                                amount=inp.amount,
                                currency=inp.currency,
                                idempotency_key=c.payment_key(inp.payment_id, "create"),
                                customer_id=method[1],
                                payment_method_id=method[0],
                                off_session=inp.off_session and method[0] is not None,
                                description=f"meshpay {inp.purpose.kind}",
                            )
                        )
                    except ProviderDeclined as exc:
                        raise _refused(exc) from exc
        async with self.uow() as s:
            await svc.record_provider_object(
                s,
                inp.payment_id,
                object_id=intent.object_id,
                next_action=intent.next_action,
                status=intent.status,
            )
        return _created(intent)

    async def _create_crypto(self, inp: c.PaymentInput) -> c.ProviderCreated:
        chain = (inp.crypto_chain or "BTC").upper()
        async with self.uow() as s:
            existing = await repo.address_of(s, inp.payment_id)
            row = await repo.get_payment(s, inp.payment_id)
            assert row is not None
            if existing is None:
                index = await repo.allocate_index(s, chain)
                address = self.crypto.derive(chain, index)
                await repo.insert_address(
                    s, address=address, chain=chain, index=index, payment_id=inp.payment_id
                )
                rate = svc.crypto_rate(self.settings.crypto_rates, chain)
                crypto_amount = rules.crypto_quote(inp.amount, inp.currency, rate, chain)
                await repo.update_payment(
                    s,
                    inp.payment_id,
                    crypto_chain=chain,
                    crypto_address=address,
                    crypto_amount=crypto_amount,
                    crypto_rate=str(rate),
                    crypto_confirmations=svc.required_confirmations(self.settings, chain),
                    provider_object_id=f"{chain}:{address}",
                )
                await svc.record_status(s, inp.payment_id, "requires_action")
                row = await repo.get_payment(s, inp.payment_id)
                assert row is not None
        return c.ProviderCreated("requires_action", row.provider_object_id or "", svc.crypto_next_action(row))

    async def _method(self, s, method_id: str | None, owner: str) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
        """(provider token, provider customer) for a stored method id (or a raw pm_ token)."""
        if not method_id:
            return None, None
        stored = await repo.get_method(s, method_id)
        if stored is not None and stored.owner_id == owner and stored.deleted_at is None:
            return stored.provider_method_id, stored.provider_customer_id
        return method_id, None

    @activity.defn(name=c.ACT_CONFIRM_PROVIDER)
    async def confirm_provider(self, args: c.ConfirmArgs) -> c.ProviderCreated:
        async with self.uow() as s:
            row = await repo.get_payment(s, args.payment_id)
            if row is None or not row.provider_object_id:
                raise ApplicationError(
                    "no provider object to confirm", "invalid_state", type="InvalidState", non_retryable=True
                )
            token, _ = await self._method(s, args.payment_method_id or row.payment_method_id, row.payer_id)
        step = "capture" if row.provider == "paypal" else "confirm"
        try:
            async with heartbeating():
                intent = await self.provider(row.provider).confirm(
                    row.provider_object_id,
                    payment_method_id=token,
                    idempotency_key=c.payment_key(row.id, step),
                )
        except ProviderDeclined as exc:
            return c.ProviderCreated("failed", row.provider_object_id, failure_code=exc.code)
        if intent.capture_id and row.provider == "paypal":
            async with self.uow() as s:
                await repo.update_payment(s, row.id, provider_capture_id=intent.capture_id)
        await self._note_processing(row.id, intent.status)
        return _created(intent)

    async def _note_processing(self, payment_id: str, status: str) -> None:
        """The provider holds the money in flight (a PayPal PENDING capture, a Stripe processing
        intent): the row says processing, which never expires (only the provider's word ends it)."""
        if status == "processing":
            async with self.uow() as s:
                await svc.record_observed(s, payment_id, "processing")

    @activity.defn(name=c.ACT_POLL_PROVIDER)
    async def poll_provider(self, ref: c.PaymentRef) -> c.ProviderCreated:
        async with self.uow() as s:
            row = await repo.get_payment(s, ref.payment_id)
        if row is None or not row.provider_object_id or row.provider == "crypto":
            return c.ProviderCreated("requires_action")
        intent = await self.provider(row.provider).retrieve(row.provider_object_id)
        await self._note_processing(row.id, intent.status)
        return _created(intent)

    @activity.defn(name=c.ACT_CANCEL_PROVIDER)
    async def cancel_provider(self, ref: c.PaymentRef) -> c.ProviderCreated:
        async with self.uow() as s:
            row = await repo.get_payment(s, ref.payment_id)
        if row is None or not row.provider_object_id or row.provider in ("crypto", "credits"):
            return c.ProviderCreated("canceled")
        provider = self.provider(row.provider)
        try:
            intent = await provider.cancel(
                row.provider_object_id, idempotency_key=c.payment_key(row.id, "cancel")
            )
        except ProviderDeclined:
            intent = await provider.retrieve(row.provider_object_id)
        return _created(intent)

    # --- completion -----------------------------------------------------------------------------

    @activity.defn(name=c.ACT_COMPLETE)
    async def complete(self, ref: c.PaymentRef) -> c.PaymentOutcome:
        """Post a completion — for Stripe/PayPal only what the provider confirms when asked now.

        A `provider_confirmed` signal is a hint, not proof (anyone who reaches Temporal can send
        one): the object is re-read from the provider, and unless it has succeeded for this
        payment's amount and currency nothing is posted and the outcome is `unconfirmed` (the
        workflow goes back to waiting)."""
        unconfirmed = await self._unconfirmed(ref.payment_id)
        if unconfirmed is not None:
            return unconfirmed
        try:
            async with self.uow() as s:
                done = await svc.complete(
                    s, ref.payment_id, status=ref.status or "completed", capture_id=ref.capture_id or None
                )
                if ref.status == "overpaid" or done.provider == "crypto":
                    await svc.settle_crypto_excess(s, ref.payment_id, self.settings)
        except DomainError as exc:
            raise _refused(exc) from exc
        if done.purpose_kind == "invoice":  # what the invoice did not take goes back (once)
            await self._start_reserved_refund(svc.invoice_refund_key(ref.payment_id), svc.INVOICE_SURPLUS)
        return c.PaymentOutcome(ref.payment_id, done.status, done.ledger_transaction_id)

    async def _unconfirmed(self, payment_id: str) -> c.PaymentOutcome | None:
        async with self.uow() as s:
            row = await repo.get_payment(s, payment_id)
        if row is None or row.status in rules.SUCCESS or row.provider not in ("stripe", "paypal"):
            return None
        if not row.provider_object_id:
            return c.PaymentOutcome(payment_id, c.UNCONFIRMED, failure_code="no_provider_object")
        async with heartbeating():
            intent = await self.provider(row.provider).retrieve(row.provider_object_id)
        if intent.status != "succeeded":
            return c.PaymentOutcome(payment_id, c.UNCONFIRMED, failure_code=f"provider_{intent.status}"[:60])
        if (intent.amount, intent.currency) != (row.amount, row.currency):
            activity.logger.error(
                "payment %s: the provider captured %s %s, not %s %s; left to reconciliation",
                payment_id,
                intent.amount,
                intent.currency,
                row.amount,
                row.currency,
            )
            return c.PaymentOutcome(payment_id, c.UNCONFIRMED, failure_code="provider_amount_mismatch")
        return None

    @activity.defn(name=c.ACT_NOTIFY_PURPOSE)
    async def notify_purpose(self, ref: c.PaymentRef) -> None:
        async with self.uow() as s:
            row = await repo.get_payment(s, ref.payment_id)
        if row is None or row.purpose_kind != "escrow" or not row.purpose_reference:
            return
        if row.failure_code == svc.ESCROW_CLOSED:
            # The escrow did not take it (decided with the completion): refund it, don't signal.
            await self._start_reserved_refund(svc.escrow_refund_key(row.id), svc.ESCROW_CLOSED)
            return
        handle = self.deps.client.get_workflow_handle(escrow_workflow_id(row.purpose_reference))
        try:
            await handle.signal(
                ESCROW_PAYMENT_SIGNAL,
                EscrowPaymentCompleted(
                    payment_id=row.id,
                    amount=row.amount,
                    currency=row.currency,
                    provider=row.provider,
                    ledger_transaction_id=row.ledger_transaction_id or "",
                ),
            )
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise  # transient: retried
            await self._escrow_gone(row.id, row.purpose_reference)

    async def _escrow_gone(self, payment_id: str, contract_id: str) -> None:
        """NOT_FOUND is final: the escrow's workflow was terminated and will never take this money.
        Close the escrow row and refund the payment in full (holding → clearing → the card)."""
        from services import escrow as escrow_service

        async with self.uow() as s:
            if await escrow_service.abandon_funding(s, contract_id=contract_id, payment_id=payment_id):
                key = svc.escrow_refund_key(payment_id)
                await refunds.reserve_refund(
                    s, payment_id, amount=None, reason=svc.ESCROW_CLOSED, idempotency_key=key
                )
        await self._start_reserved_refund(svc.escrow_refund_key(payment_id), svc.ESCROW_CLOSED)

    async def _start_reserved_refund(self, key: str, reason: str) -> None:
        """Start the RefundWorkflow for a refund reserved at completion (escrow closed, invoice
        surplus); the workflow id is the refund's, so a retry starts nothing new."""
        from temporalio.common import WorkflowIDReusePolicy
        from temporalio.exceptions import WorkflowAlreadyStartedError

        async with self.uow() as s:
            refund = await repo.refund_by_key(s, key)
        if refund is None or refund.status != "pending":
            return
        with contextlib.suppress(WorkflowAlreadyStartedError):  # a retry: it is already running
            await self.deps.client.start_workflow(
                c.REFUND_WORKFLOW,
                c.RefundRequest(refund.payment_id, refund.amount, reason, key),
                id=f"refund-{refund.id}",
                task_queue=self.settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )

    @activity.defn(name=c.ACT_RECORD_STATUS)
    async def record_status(self, change: c.StatusChange) -> c.PaymentOutcome:
        """End a payment; the status it really ended in (a crypto payment with deposits ends
        underpaid or paid, never cancelled with money received). A refused move raises."""
        try:
            async with self.uow() as s:
                final = await svc.end_payment(
                    s,
                    change.payment_id,
                    change.status,
                    self.settings,
                    failure_code=change.failure_code,
                    failure_message=change.failure_message,
                )
        except DomainError as exc:
            raise _refused(exc) from exc
        return c.PaymentOutcome(change.payment_id, final)

    @activity.defn(name=c.ACT_CRYPTO_EVALUATE)
    async def crypto_evaluate(self, ev: c.CryptoEvaluate) -> c.CryptoDecision:
        async with self.uow() as s:
            status, received, expected = await svc.evaluate_crypto(
                s, ev.payment_id, self.settings, expired=ev.expired
            )
        return c.CryptoDecision(status, received, expected)

    # --- refunds --------------------------------------------------------------------------------

    @activity.defn(name=c.REFUND_PAYMENT_ACTIVITY)
    async def refund_payment(self, req: c.RefundRequest) -> c.RefundResult:
        info = activity.info()
        key = req.idempotency_key or f"{info.workflow_id}:{info.activity_id}"
        try:
            async with self.uow() as s:
                refund = await refunds.reserve_refund(
                    s,
                    req.payment_id,
                    amount=req.amount or None,
                    reason=req.reason,
                    idempotency_key=key,
                    force=req.force,
                )
                row = await repo.get_payment(s, req.payment_id)
                assert row is not None
        except DomainError as exc:
            raise _refused(exc) from exc
        if refund.status != "pending":
            return c.RefundResult(refund.id, refund.payment_id, refund.amount, refund.status)
        provider_refund_id: str | None = None
        if row.provider not in ("credits", "crypto"):
            result = await self._refund_at_provider(row, refund, req.reason, info.attempt)
            if result.status in ("failed", "canceled", "cancelled"):
                message = f"the provider answered {result.status} for the refund"
                async with self.uow() as s:
                    await refunds.fail_refund(s, refund.id, message)
                raise ApplicationError(message, "refund_failed", type="ProviderDeclined", non_retryable=True)
            if result.status != "succeeded":
                # Pending at the provider: nothing is posted until it says succeeded. Raise so
                # the activity retries (backoff) and asks again about this same refund.
                async with self.uow() as s:
                    await repo.update_refund(s, refund.id, provider_refund_id=result.refund_id)
                raise ApplicationError(f"refund {result.refund_id} is {result.status} at the provider")
            provider_refund_id = result.refund_id
        async with self.uow() as s:
            done = await refunds.finish_refund(s, refund.id, provider_refund_id=provider_refund_id)
        return c.RefundResult(
            done.id,
            done.payment_id,
            done.amount,
            done.status,
            {"ledger_transaction_id": done.ledger_transaction_id or ""},
        )

    async def _refund_at_provider(self, row: Any, refund: Any, reason: str, attempt: int) -> ProviderRefund:
        """The provider's refund for this reservation: looked up first when an earlier attempt may
        have made it (never a second refund), else made now with the key pay:{id}:refund:{n}."""
        provider = self.provider(row.provider)
        intent = ProviderIntent(
            row.provider_object_id or "",
            "succeeded",
            row.amount,
            row.currency,
            capture_id=row.provider_capture_id or row.provider_object_id,
        )
        pkey = c.refund_key(row.id, refund.seq)
        try:
            async with heartbeating():
                retrieve = getattr(provider, "retrieve_refund", None)
                if refund.provider_refund_id and retrieve is not None:
                    return cast(ProviderRefund, await retrieve(refund.provider_refund_id))
                finder = getattr(provider, "find_refund", None)
                if finder is not None and attempt > 1:
                    found = await finder(intent, pkey)
                    if found is not None:
                        return cast(ProviderRefund, found)
                return await provider.refund(
                    intent, amount=refund.amount, idempotency_key=pkey, reason=reason
                )
        except ProviderDeclined as exc:
            async with self.uow() as s:
                await refunds.fail_refund(s, refund.id, exc.message)
            raise _refused(exc) from exc

    # --- stored methods -------------------------------------------------------------------------

    @activity.defn(name=c.ACT_ATTACH_METHOD)
    async def attach_method(self, inp: c.AttachMethodInput) -> c.AttachedMethod:
        from providers.stripe_provider import StripeProvider

        provider = self.provider(inp.provider)
        if not isinstance(provider, StripeProvider):
            raise ApplicationError(
                "only Stripe methods can be stored",
                "invalid_provider",
                type="InvalidAmount",
                non_retryable=True,
            )
        async with self.uow() as s:
            existing = await repo.method_by_provider_id(s, inp.provider, inp.token)
            customer = await repo.get_customer(s, inp.owner_id, inp.provider)
        if existing is not None:
            if existing.owner_id != inp.owner_id:
                raise ApplicationError(
                    "this method belongs to someone else", "method_taken", type="Conflict", non_retryable=True
                )
            return c.AttachedMethod(existing.id, created=False)
        if customer is None:
            made = await provider.create_customer(inp.owner_id, idempotency_key=f"cust:{inp.owner_id}")
            async with self.uow() as s:
                customer = await repo.insert_customer(s, inp.owner_id, inp.provider, made)
        try:
            display = await provider.attach_method(inp.token, customer)
        except ProviderDeclined as exc:
            raise _refused(exc) from exc
        async with self.uow() as s:
            created = await repo.insert_method(
                s,
                {
                    "id": inp.method_id,
                    "owner_id": inp.owner_id,
                    "provider": inp.provider,
                    "provider_method_id": inp.token,
                    "provider_customer_id": customer,
                    **display,
                },
            )
            found = await repo.method_by_provider_id(s, inp.provider, inp.token)
        assert found is not None
        return c.AttachedMethod(found.id, created=created)

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.attach_method,
            self.pay_with_credits,
            self.create_provider,
            self.confirm_provider,
            self.poll_provider,
            self.cancel_provider,
            self.complete,
            self.notify_purpose,
            self.record_status,
            self.crypto_evaluate,
            self.refund_payment,
        ]
