"""What crosses the Temporal boundary for payouts: workflow inputs, activity payloads, names.

A payout moves an agent's released earnings out: `earnings:{payee}:{cur}` → `payout_transit:{payee}:{cur}`
(+ the rolling reserve into `reserve:{payee}:{cur}`) when it is created; on paid, transit →
`clearing:{provider}:{cur}`; on failure the funds go back to earnings. Amounts are int minor units,
times ISO 8601 UTC strings. New fields get defaults so running workflows keep replaying.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts import errors

PAYOUT_WORKFLOW = "PayoutWorkflow"
WEEKLY_PAYOUTS_WORKFLOW = "WeeklyPayoutsWorkflow"
PAYOUT_SCHEDULE_ID = "payouts-weekly"
PROVIDER_UPDATE_SIGNAL = "provider_update"  # a provider webhook (e.g. PayPal payout item) → workflow
QUERY_STATUS = "status"

# Activity names (workflow tests mock the provider-facing ones by these names).
SEND_ACTIVITY = "payout_send"
CHECK_ACTIVITY = "payout_check"
MARK_PAID_ACTIVITY = "payout_mark_paid"
FAIL_ACTIVITY = "payout_fail"
RELEASE_RESERVE_ACTIVITY = "payout_release_reserve"
RUN_PAGE_ACTIVITY = "payout_run_page"

# A provider refusal of a payout (never retried; the one list is contracts.errors).
PAYOUT_REJECTED = errors.PAYOUT_REJECTED


@dataclass(frozen=True)
class PayoutInput:
    payout_id: str
    payee_id: str
    currency: str
    provider: str
    net_amount: int  # what the provider is asked to send
    reserve_amount: int = 0
    reserve_release_seconds: int = 0  # how long the rolling reserve is held after paid
    poll_interval_seconds: int = 3600  # pending provider status (PayPal): check this often
    max_pending_seconds: int = 30 * 24 * 3600  # then give up waiting and fail (funds return)
    search_attributes: bool = True  # keep PayeeId/PaymentStatus current (off where none are registered)


@dataclass(frozen=True)
class PayoutRef:
    payout_id: str


@dataclass(frozen=True)
class ProviderStatus:
    """What the provider says about a payout: pending | paid | failed."""

    status: str
    provider_ref: str = ""
    failure_code: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class PayoutFailure:
    payout_id: str
    code: str
    message: str = ""


@dataclass(frozen=True)
class PayoutView:
    payout_id: str
    status: str  # pending | in_transit | paid | failed
    provider_ref: str = ""
    failure_code: str = ""
    reserve_released: bool = False


@dataclass(frozen=True)
class WeeklyPayoutsInput:
    batch_key: str = ""  # "" → the ISO week of workflow.now(), e.g. "2026-W41"
    after_payee: str = ""  # cursor (continue-as-new)
    currency_after: str = ""
    page_size: int = 200
    task_queue: str = ""  # "" → this workflow's task queue
    started: int = 0  # running total across continue-as-new


@dataclass(frozen=True)
class RunPageInput:
    batch_key: str
    after_payee: str
    currency_after: str
    page_size: int
    task_queue: str


@dataclass(frozen=True)
class RunPageResult:
    started: int  # payout workflows started on this page
    next_payee: str = ""  # "" when done
    next_currency: str = ""
    skipped: int = 0  # above the minimum but no destination / lost a race for the funds
