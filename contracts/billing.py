"""What crosses the Temporal boundary for billing: frozen dataclasses (new fields get defaults), the
workflow and activity names, and the business keys.

Times travel as timezone-aware datetimes (the default converter writes ISO strings); amounts as int
minor units of the invoice currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

BILLING_RUN_WORKFLOW = "BillingRunWorkflow"
ACCOUNT_BILLING_WORKFLOW = "AccountBillingWorkflow"
SUBSCRIPTION_WORKFLOW = "SubscriptionWorkflow"
BILLING_SCHEDULE_ID = "billing-monthly"

# Activity names (the workflows call these by name; tests replace them by name).
A_LIST_BILLABLE = "billing.list_billable_accounts"
A_BUILD_BATCH = "billing.build_invoice_batch"
A_BUILD_INVOICE = "billing.build_invoice"
A_FINALIZE_INVOICE = "billing.finalize_invoice"
A_APPLY_CREDITS = "billing.apply_credits"
A_CHARGE_INVOICE = "billing.charge_invoice"
A_CHECK_CHARGE = "billing.check_charge"
A_RECORD_ATTEMPT = "billing.record_attempt"
A_MARK_UNCOLLECTIBLE = "billing.mark_uncollectible"
A_SUB_RENEW = "billing.subscription_renew"
A_SUB_CHANGE = "billing.subscription_change"
A_SUB_CANCEL = "billing.subscription_cancel"
A_SUB_END = "billing.subscription_end"

SUB_CANCEL_UPDATE = "cancel"
SUB_CHANGE_UPDATE = "change_plan"
SUB_STATE_QUERY = "state"


def billing_run_workflow_id(period: str) -> str:
    return f"billing-run-{period}"


def charge_payment_id(invoice_id: str, attempt_no: int) -> str:
    """The payment id of one card attempt on an invoice: the same attempt never charges twice."""
    return f"{invoice_id}-a{attempt_no}"


# --- monthly billing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingRunInput:
    period: str = ""  # "YYYY-MM"; empty: the calendar month before workflow.now() (the Schedule)
    after_account: str = ""  # the cursor, carried over continue-as-new
    batch_size: int = 500
    batches_per_run: int = 4  # continue-as-new after this many batches
    start_collection: bool = True  # start one AccountBillingWorkflow per invoice that needs collecting
    accounts_done: int = 0
    invoices_created: int = 0
    failures: int = 0
    search_attributes: bool = True  # keep AccountId/InvoiceStatus current (registered on real servers)
    retry_days: list[int] = field(default_factory=lambda: [3, 5, 7])


@dataclass(frozen=True)
class BillingRunResult:
    period: str
    accounts: int
    invoices_created: int
    failures: int


@dataclass(frozen=True)
class ListBillableInput:
    period: str
    after_account: str = ""
    limit: int = 500


@dataclass(frozen=True)
class BuildBatchInput:
    period: str
    account_ids: list[str]
    issued_at: datetime | None = None  # finalize in the same transaction when given


@dataclass(frozen=True)
class InvoiceSummary:
    invoice_id: str
    account_id: str
    period: str
    status: str  # draft | open | paid | void | uncollectible | empty (nothing to bill)
    total: int = 0
    amount_due: int = 0  # total - amount_paid
    currency: str = "USD"
    number: str | None = None
    created: bool = False  # built by this call
    error: str = ""  # batch builds: this account failed (its own workflow will show why)
    credits_first: bool = True  # False: the account did not opt in, collection skips the credits step


@dataclass(frozen=True)
class BuildBatchResult:
    invoices: list[InvoiceSummary] = field(default_factory=list)


@dataclass(frozen=True)
class AccountBillingInput:
    account_id: str
    period: str
    # dunning: retries on these days after the first failed charge; then uncollectible
    retry_days: list[int] = field(default_factory=lambda: [3, 5, 7])
    charge_poll_seconds: int = 600
    charge_poll_limit: int = 144  # 144 × 10 min = one day pending → the attempt counts as failed
    search_attributes: bool = True
    invoice: InvoiceSummary | None = None  # already built by the parent's batch: skip the build step


@dataclass(frozen=True)
class AccountBillingResult:
    invoice_id: str
    status: str
    number: str | None = None
    total: int = 0
    attempts: int = 0


@dataclass(frozen=True)
class BuildInvoiceInput:
    account_id: str
    period: str


@dataclass(frozen=True)
class FinalizeInput:
    invoice_id: str
    issued_at: datetime


@dataclass(frozen=True)
class InvoiceRef:
    invoice_id: str


@dataclass(frozen=True)
class ChargeRequest:
    invoice_id: str
    attempt_no: int
    amount: int
    currency: str


@dataclass(frozen=True)
class ChargeResult:
    status: str  # paid | failed | pending
    payment_id: str = ""
    failure_code: str = ""
    message: str = ""


@dataclass(frozen=True)
class CheckChargeRequest:
    invoice_id: str
    payment_id: str


@dataclass(frozen=True)
class AttemptRecord:
    invoice_id: str
    attempt_no: int
    source: str  # card | credits
    amount: int
    outcome: str  # succeeded | failed | pending
    attempted_at: datetime
    payment_id: str = ""
    failure_code: str = ""
    message: str = ""
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class MarkUncollectibleInput:
    invoice_id: str
    at: datetime


# --- subscriptions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionInput:
    subscription_id: str
    # carried over continue-as-new
    renewals_done: int = 0
    current_period_start: datetime | None = None
    renewals_per_run: int = 12  # continue-as-new after this many renewals (a year of months)
    search_attributes: bool = True


@dataclass(frozen=True)
class SubscriptionState:
    subscription_id: str
    account_id: str
    plan_id: str
    status: str  # trialing | active | canceled
    period_index: int
    current_period_start: datetime | None
    current_period_end: datetime | None
    trial_end: datetime | None = None
    cancel_at_period_end: bool = False


@dataclass(frozen=True)
class RenewRequest:
    subscription_id: str
    at: datetime  # workflow time of the renewal (the new period starts here)


@dataclass(frozen=True)
class ChangePlanRequest:
    plan_id: str


@dataclass(frozen=True)
class ChangePlanActivityInput:
    subscription_id: str
    plan_id: str
    at: datetime


@dataclass(frozen=True)
class CancelRequest:
    at_period_end: bool = True


@dataclass(frozen=True)
class CancelActivityInput:
    subscription_id: str
    at_period_end: bool
    at: datetime
