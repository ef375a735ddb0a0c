"""AccountBillingWorkflow `billing-{account}-{YYYY-MM}`: one account's invoice for one period —
build (idempotent: one invoice per account and period is a UNIQUE constraint), finalize (gapless
number), collect (credits first if the account opted in, then the stored card off-session through
the payments area), and dunning: retries on the configured days after the first failure (3, 5, 7),
then uncollectible. Every attempt is recorded on the invoice; InvoiceStatus is kept current.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.billing import (
        A_APPLY_CREDITS,
        A_BUILD_INVOICE,
        A_CHARGE_INVOICE,
        A_CHECK_CHARGE,
        A_FINALIZE_INVOICE,
        A_MARK_UNCOLLECTIBLE,
        A_RECORD_ATTEMPT,
        ACCOUNT_BILLING_WORKFLOW,
        AccountBillingInput,
        AccountBillingResult,
        AttemptRecord,
        BuildInvoiceInput,
        ChargeRequest,
        ChargeResult,
        CheckChargeRequest,
        FinalizeInput,
        InvoiceRef,
        InvoiceSummary,
        MarkUncollectibleInput,
    )
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES
    from contracts.temporal import SA_ACCOUNT_ID, SA_INVOICE_STATUS
    from domain.billing import dunning_waits

_TIMEOUT = timedelta(seconds=60)
_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=2),
    non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES),
)


@workflow.defn(name=ACCOUNT_BILLING_WORKFLOW)
class AccountBillingWorkflow:
    def __init__(self) -> None:
        self._invoice: InvoiceSummary | None = None
        self._attempts = 0
        self._sa = True

    @workflow.run
    async def run(self, inp: AccountBillingInput) -> AccountBillingResult:
        self._sa = inp.search_attributes
        if self._sa:
            workflow.upsert_search_attributes([SA_ACCOUNT_ID.value_set(inp.account_id)])
        if inp.invoice is not None and inp.invoice.invoice_id:
            inv = self._set(inp.invoice)
        else:
            inv = await self._summary(A_BUILD_INVOICE, BuildInvoiceInput(inp.account_id, inp.period))
        if inv.status == "empty":
            return AccountBillingResult("", "empty")
        if inv.status == "draft":
            inv = await self._summary(A_FINALIZE_INVOICE, FinalizeInput(inv.invoice_id, workflow.now()))
        if inv.status == "open" and inv.credits_first:
            inv = await self._summary(A_APPLY_CREDITS, InvoiceRef(inv.invoice_id))
        if inv.status == "open" and inv.amount_due > 0:
            inv = await self._collect(inp, inv)
        return AccountBillingResult(inv.invoice_id, inv.status, inv.number, inv.total, self._attempts)

    async def _collect(self, inp: AccountBillingInput, inv: InvoiceSummary) -> InvoiceSummary:
        waits = dunning_waits(inp.retry_days)
        for i in range(len(waits) + 1):
            self._attempts = attempt_no = i + 1
            result = await self._charge(
                inp, ChargeRequest(inv.invoice_id, attempt_no, inv.amount_due, inv.currency)
            )
            retry_at = workflow.now() + waits[i] if result.status != "paid" and i < len(waits) else None
            await workflow.execute_activity(
                A_RECORD_ATTEMPT,
                AttemptRecord(
                    inv.invoice_id,
                    attempt_no,
                    "card",
                    inv.amount_due,
                    "succeeded" if result.status == "paid" else "failed",
                    workflow.now(),
                    result.payment_id,
                    result.failure_code,
                    result.message,
                    retry_at,
                ),
                start_to_close_timeout=_TIMEOUT,
                retry_policy=_RETRY,
            )
            if result.status == "paid":
                return self._set(
                    InvoiceSummary(
                        inv.invoice_id,
                        inv.account_id,
                        inv.period,
                        "paid",
                        inv.total,
                        0,
                        inv.currency,
                        inv.number,
                    )
                )
            if retry_at is not None:
                if self._sa:
                    workflow.upsert_search_attributes([SA_INVOICE_STATUS.value_set("past_due")])
                await workflow.sleep(waits[i])
        return await self._summary(
            A_MARK_UNCOLLECTIBLE, MarkUncollectibleInput(inv.invoice_id, workflow.now())
        )

    async def _charge(self, inp: AccountBillingInput, req: ChargeRequest) -> ChargeResult:
        result: ChargeResult = await workflow.execute_activity(
            A_CHARGE_INVOICE,
            req,
            result_type=ChargeResult,
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
        )
        polls = 0
        while result.status == "pending" and polls < inp.charge_poll_limit:
            polls += 1
            await workflow.sleep(timedelta(seconds=inp.charge_poll_seconds))
            result = await workflow.execute_activity(
                A_CHECK_CHARGE,
                CheckChargeRequest(req.invoice_id, result.payment_id),
                result_type=ChargeResult,
                start_to_close_timeout=_TIMEOUT,
                retry_policy=_RETRY,
            )
        if result.status == "pending":
            return ChargeResult("failed", result.payment_id, "payment_pending", "no outcome in time")
        return result

    async def _summary(self, name: str, arg: object) -> InvoiceSummary:
        inv: InvoiceSummary = await workflow.execute_activity(
            name, arg, result_type=InvoiceSummary, start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
        )
        return self._set(inv)

    def _set(self, inv: InvoiceSummary) -> InvoiceSummary:
        self._invoice = inv
        if self._sa and inv.status != "empty":
            workflow.upsert_search_attributes([SA_INVOICE_STATUS.value_set(inv.status)])
        return inv

    @workflow.query(name="invoice")
    def invoice(self) -> InvoiceSummary | None:
        return self._invoice
