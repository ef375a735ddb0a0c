"""What crosses the Temporal boundary for chargebacks (Stripe charge.dispute.*).

`chargeback-{dispute_id}` is started (idempotently) by the charge.dispute.created webhook handler and
signalled DISPUTE_CLOSED_SIGNAL by charge.dispute.closed (signal-with-start, so an out-of-order close
still lands). Amounts are int minor units; times ISO 8601 UTC strings.
"""

from __future__ import annotations

from dataclasses import dataclass

CHARGEBACK_WORKFLOW = "ChargebackWorkflow"
DISPUTE_CLOSED_SIGNAL = "dispute_closed"
QUERY_STATUS = "status"

OPEN_ACTIVITY = "dispute_open"
EVIDENCE_DUE_ACTIVITY = "dispute_evidence_due"
RESOLVE_ACTIVITY = "dispute_resolve"

DOMAIN_ERROR_TYPES = (
    "InvalidAmount",
    "UnknownCurrency",
    "InsufficientFunds",
    "InvalidState",
    "Conflict",
    "NotFound",
    "Forbidden",
)


def chargeback_workflow_id(dispute_id: str) -> str:
    return f"chargeback-{dispute_id}"


@dataclass(frozen=True)
class DisputeInput:
    dispute_id: str  # the provider's dispute id (du_...)
    provider: str
    amount: int
    currency: str
    charge_id: str = ""
    payment_intent_id: str = ""
    reason: str = ""
    provider_status: str = "needs_response"
    evidence_due_by: str | None = None
    search_attributes: bool = True


@dataclass(frozen=True)
class DisputeClosed:
    dispute_id: str
    provider_status: str  # won | lost | warning_closed | ...
    amount: int | None = None


@dataclass(frozen=True)
class DisputeOpened:
    dispute_id: str
    held: int
    evidence_due_by: str | None = None
    status: str = "open"


@dataclass(frozen=True)
class DisputeResolution:
    dispute_id: str
    outcome: str  # won | lost


@dataclass(frozen=True)
class DisputeResult:
    dispute_id: str
    outcome: str
    loss: int = 0  # booked to system:chargeback_losses
    clawed_back: int = 0  # recovered from the agent's earnings (and reserve)
    shortfall: int = 0  # what could not be recovered
    escrow_taken: int = 0  # taken back out of the hold of the escrow the payment funded
    credits_clawed_back: int = 0  # a credits purchase: credits taken back (CREDIT minor units)
    credits_shortfall: int = 0  # …and those already spent


@dataclass(frozen=True)
class DisputeView:
    dispute_id: str
    status: str  # open | won | lost
    evidence_due_by: str | None = None
    evidence_overdue: bool = False
    result: DisputeResult | None = None
