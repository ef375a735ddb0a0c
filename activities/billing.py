"""Billing activities: each is one DB unit of work through services.billing / services.subscriptions,
safe to run twice. Domain refusals become non-retryable ApplicationErrors typed by the error class."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import activity

from activities.deps import Deps
from activities.errors import domain_application_error
from contracts import billing as c
from db.session import unit_of_work
from domain.billing import Period
from domain.errors import DomainError
from services import billing as service
from services import subscriptions

T = TypeVar("T")

PAYMENT_SUCCESS = ("completed", "overpaid", "succeeded", "paid")
PAYMENT_FAILURE = ("failed", "expired", "cancelled", "canceled", "underpaid")


class BillingActivities:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def _uow(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        try:
            async with unit_of_work(self.deps.session_factory) as session:
                return await fn(session, *args, **kwargs)
        except DomainError as exc:
            raise domain_application_error(exc) from exc

    # --- monthly billing ---------------------------------------------------------------------

    @activity.defn(name=c.A_LIST_BILLABLE)
    async def list_billable_accounts(self, inp: c.ListBillableInput) -> list[str]:
        return await self._uow(service.billable_accounts, inp.period, inp.after_account, inp.limit)

    @activity.defn(name=c.A_BUILD_BATCH)
    async def build_invoice_batch(self, inp: c.BuildBatchInput) -> c.BuildBatchResult:
        """Set-based build + finalize for a batch. If the batch transaction fails, each account is
        retried in its own transaction so one bad account cannot stop the others; its error is
        reported and its own workflow (billing-{account}-{period}) shows it in the Temporal UI."""
        period = Period.parse(inp.period)
        try:
            out = await self._uow(
                service.build_invoices, self.deps.settings, period, inp.account_ids, issued_at=inp.issued_at
            )
            return c.BuildBatchResult(out)
        except Exception:
            activity.logger.exception(
                "batch build failed; building %d accounts one by one", len(inp.account_ids)
            )
        results = []
        for account in inp.account_ids:
            try:
                [one] = await self._uow(
                    service.build_invoices, self.deps.settings, period, [account], issued_at=inp.issued_at
                )
                results.append(one)
            except Exception as exc:  # reported; the account's own workflow retries and shows it
                results.append(c.InvoiceSummary("", account, inp.period, "error", error=str(exc)[:300]))
        return c.BuildBatchResult(results)

    @activity.defn(name=c.A_BUILD_INVOICE)
    async def build_invoice(self, inp: c.BuildInvoiceInput) -> c.InvoiceSummary:
        return await self._uow(service.build_invoice, self.deps.settings, inp.account_id, inp.period)

    @activity.defn(name=c.A_FINALIZE_INVOICE)
    async def finalize_invoice(self, inp: c.FinalizeInput) -> c.InvoiceSummary:
        return await self._uow(service.finalize_invoice, self.deps.settings, inp.invoice_id, inp.issued_at)

    @activity.defn(name=c.A_APPLY_CREDITS)
    async def apply_credits(self, inp: c.InvoiceRef) -> c.InvoiceSummary:
        return await self._uow(service.apply_credits, self.deps.settings, inp.invoice_id)

    @activity.defn(name=c.A_CHARGE_INVOICE)
    async def charge_invoice(self, req: c.ChargeRequest) -> c.ChargeResult:
        """The default stored payment method, off-session, through the payments area's
        start_payment (PaymentWorkflow payment-{invoice}-a{n}); the same attempt never charges twice."""
        from contracts.payments import PaymentPurpose
        from services.payment_start import start_payment  # the one way to start a payment

        payment_id = c.charge_payment_id(req.invoice_id, req.attempt_no)
        async with unit_of_work(self.deps.session_factory) as session:
            inv = await service.invoice_status(session, req.invoice_id)
            if inv.status != "open" or inv.amount_due <= 0:
                return c.ChargeResult(
                    "paid" if inv.status == "paid" else "failed",
                    payment_id,
                    "" if inv.status == "paid" else f"invoice_{inv.status}",
                )
            acct = await service.billing_account(session, inv.account_id)
            method = acct.default_payment_method_id if acct else None
            if not method:
                return c.ChargeResult("failed", "", "no_payment_method", "no default payment method on file")
            try:
                started = await start_payment(
                    session,
                    self.deps.client,
                    self.deps.settings,
                    payer_id=inv.account_id,
                    amount=inv.amount_due,
                    currency=inv.currency,
                    provider=acct.provider if acct else "stripe",
                    purpose=PaymentPurpose(kind="invoice", reference=req.invoice_id),
                    payment_method_id=method,
                    off_session=True,
                    payment_id=payment_id,
                )
            except DomainError as exc:
                return c.ChargeResult("failed", payment_id, exc.code, exc.message)
        return _charge_result(payment_id, started.status, "")

    @activity.defn(name=c.A_CHECK_CHARGE)
    async def check_charge(self, req: c.CheckChargeRequest) -> c.ChargeResult:
        from db.models.payments import Payment  # the payments area's row: read only

        async with unit_of_work(self.deps.session_factory) as session:
            inv = await service.invoice_status(session, req.invoice_id)
            if inv.status == "paid":
                return c.ChargeResult("paid", req.payment_id)
            row = await session.get(Payment, req.payment_id) if req.payment_id else None
            if row is None:
                return c.ChargeResult("failed", req.payment_id, "payment_missing")
            return _charge_result(req.payment_id, row.status, getattr(row, "failure_code", "") or "")

    @activity.defn(name=c.A_RECORD_ATTEMPT)
    async def record_attempt(self, rec: c.AttemptRecord) -> None:
        await self._uow(service.record_attempt, rec)

    @activity.defn(name=c.A_MARK_UNCOLLECTIBLE)
    async def mark_uncollectible(self, inp: c.MarkUncollectibleInput) -> c.InvoiceSummary:
        return await self._uow(service.mark_uncollectible, inp.invoice_id, inp.at)

    # --- subscriptions -----------------------------------------------------------------------

    @activity.defn(name=c.A_SUB_RENEW)
    async def subscription_renew(self, req: c.RenewRequest) -> c.SubscriptionState:
        return await self._uow(subscriptions.renew, req.subscription_id, req.at)

    @activity.defn(name=c.A_SUB_CHANGE)
    async def subscription_change(self, req: c.ChangePlanActivityInput) -> c.SubscriptionState:
        return await self._uow(subscriptions.change_plan, req.subscription_id, req.plan_id, req.at)

    @activity.defn(name=c.A_SUB_CANCEL)
    async def subscription_cancel(self, req: c.CancelActivityInput) -> c.SubscriptionState:
        return await self._uow(subscriptions.cancel, req.subscription_id, req.at_period_end, req.at)

    @activity.defn(name=c.A_SUB_END)
    async def subscription_end(self, req: c.RenewRequest) -> c.SubscriptionState:
        return await self._uow(subscriptions.end, req.subscription_id, req.at)


def _charge_result(payment_id: str, status: str, failure_code: str) -> c.ChargeResult:
    if status in PAYMENT_SUCCESS:
        return c.ChargeResult("paid", payment_id)
    if status in PAYMENT_FAILURE:
        return c.ChargeResult("failed", payment_id, failure_code or status)
    return c.ChargeResult("pending", payment_id)


def billing_activities(deps: Deps) -> list[Callable[..., Any]]:
    a = BillingActivities(deps)
    return [
        a.list_billable_accounts,
        a.build_invoice_batch,
        a.build_invoice,
        a.finalize_invoice,
        a.apply_credits,
        a.charge_invoice,
        a.check_charge,
        a.record_attempt,
        a.mark_uncollectible,
        a.subscription_renew,
        a.subscription_change,
        a.subscription_cancel,
        a.subscription_end,
    ]
