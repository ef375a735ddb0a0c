"""BillingRunWorkflow: bills one calendar month for every account with something to bill.

Pages through billable accounts by id in batches. Each batch is built and finalized set-based in
one activity (each invoice is its own row, UNIQUE per account and period, so a second run makes
no second invoice); then one AccountBillingWorkflow `billing-{account}-{period}` per invoice that
needs collecting (or whose build failed — it retries on its own and shows its failure in the
Temporal UI) is started and left to run (ABANDON). The parent continues-as-new every few batches
so its history stays small however many accounts there are.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from contracts.billing import (
        A_BUILD_BATCH,
        A_LIST_BILLABLE,
        ACCOUNT_BILLING_WORKFLOW,
        BILLING_RUN_WORKFLOW,
        AccountBillingInput,
        BillingRunInput,
        BillingRunResult,
        BuildBatchInput,
        BuildBatchResult,
        InvoiceSummary,
        ListBillableInput,
    )
    from contracts.errors import NON_RETRYABLE_ERROR_TYPES
    from contracts.temporal import billing_workflow_id
    from domain.billing import Period

_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES),
)


@workflow.defn(name=BILLING_RUN_WORKFLOW)
class BillingRunWorkflow:
    @workflow.run
    async def run(self, inp: BillingRunInput) -> BillingRunResult:
        period = inp.period or Period.containing(workflow.now()).previous().label
        issued_at = workflow.now()
        after = inp.after_account
        done, created, failures = inp.accounts_done, inp.invoices_created, inp.failures
        for _ in range(inp.batches_per_run):
            ids: list[str] = await workflow.execute_activity(
                A_LIST_BILLABLE,
                ListBillableInput(period, after, inp.batch_size),
                result_type=list[str],
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=_RETRY,
            )
            if not ids:
                return BillingRunResult(period, done, created, failures)
            batch: BuildBatchResult = await workflow.execute_activity(
                A_BUILD_BATCH,
                BuildBatchInput(period, ids, issued_at),
                result_type=BuildBatchResult,
                start_to_close_timeout=timedelta(minutes=10),
                retry_policy=_RETRY,
            )
            done += len(ids)
            created += sum(1 for s in batch.invoices if s.created)
            failures += sum(1 for s in batch.invoices if s.status == "error")
            if inp.start_collection:
                await self._start_accounts(inp, period, [s for s in batch.invoices if _needs_workflow(s)])
            after = ids[-1]
        workflow.continue_as_new(
            BillingRunInput(
                period,
                after,
                inp.batch_size,
                inp.batches_per_run,
                inp.start_collection,
                done,
                created,
                failures,
                inp.search_attributes,
                inp.retry_days,
            )
        )

    async def _start_accounts(
        self, inp: BillingRunInput, period: str, invoices: list[InvoiceSummary]
    ) -> None:
        starts = [
            workflow.start_child_workflow(
                ACCOUNT_BILLING_WORKFLOW,
                AccountBillingInput(
                    s.account_id,
                    period,
                    retry_days=list(inp.retry_days),
                    search_attributes=inp.search_attributes,
                    invoice=s if s.invoice_id else None,
                ),
                id=billing_workflow_id(s.account_id, period),
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )
            for s in invoices
        ]
        for result in await asyncio.gather(*starts, return_exceptions=True):
            if isinstance(result, BaseException) and not isinstance(result, WorkflowAlreadyStartedError):
                raise result


def _needs_workflow(s: InvoiceSummary) -> bool:
    """Open with something due, still a draft, or failed to build: its own workflow takes it on."""
    return s.status in ("draft", "error") or (s.status == "open" and s.amount_due > 0)
