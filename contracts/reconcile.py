"""What crosses the Temporal boundary for reconciliation: provider truth against payments and ledger.

Two workflows:
- ReconcilePaymentWorkflow `reconcile-payment-{payment_id}`: one payment, started by a provider event
  for a closed or missing payment workflow (a webhook is never answered "ignored") or by the sweep.
  It settles the payment by the provider's word: a capture completes it (ledger + purpose, or the
  refund path when the purpose no longer takes it); a final failure ends it.
- ReconcileWorkflow: the sweep over every provider's objects since a time, on a Temporal schedule
  and on demand (`meshpay reconcile`, `POST /api/v1/payments/admin/reconcile`); returns its report.
"""

# No `from __future__ import annotations`: the payload converter resolves `list[Difference]`
# from these classes inside the workflow sandbox, where a string annotation did not resolve.
from dataclasses import dataclass, field

RECONCILE_PAYMENT_WORKFLOW = "ReconcilePaymentWorkflow"
RECONCILE_WORKFLOW = "ReconcileWorkflow"
RECONCILE_SCHEDULE_ID = "reconcile-hourly"

ACT_RECONCILE_PAYMENT = "reconcile_payment"
ACT_RECONCILE_SWEEP = "reconcile_sweep"

# What reconciling one payment did.
CLEAN = "clean"  # provider, payment and ledger agree
COMPLETED = "completed"  # a capture the ledger lacked is now posted (purpose fulfilled or refunding)
ENDED = "ended"  # the provider's final failure, recorded on a payment no workflow was ending
IN_FLIGHT = "in_flight"  # a running workflow (or the provider) has not had its final word yet
UNRESOLVED = "unresolved"  # a difference that needs a person: listed, never guessed at


def reconcile_payment_workflow_id(payment_id: str) -> str:
    return f"reconcile-payment-{payment_id}"


@dataclass(frozen=True)
class ReconcilePaymentInput:
    payment_id: str
    reason: str = ""  # e.g. the provider event that asked for it
    max_waits: int = 48  # in-flight checks before giving the payment back to the sweep


@dataclass(frozen=True)
class ReconcileOutcome:
    payment_id: str
    action: str  # CLEAN | COMPLETED | ENDED | IN_FLIGHT | UNRESOLVED
    detail: str = ""
    provider_status: str = ""


@dataclass(frozen=True)
class ReconcileInput:
    since: str = ""  # ISO 8601; empty: the last `lookback_hours`
    lookback_hours: int = 48
    fix: bool = True  # start the repair of safe differences (reconcile-payment, payout starts)
    payout_grace_seconds: int = 300  # a pending payout younger than this may still be starting


@dataclass(frozen=True)
class Difference:
    kind: str  # captured_not_in_ledger | ledger_without_capture | unknown_provider_object | ...
    provider: str
    object_id: str
    payment_id: str = ""
    detail: str = ""
    fixed: bool = False  # a safe difference whose repair was started


@dataclass(frozen=True)
class ReconcileReport:
    since: str
    checked: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Difference]:
        return [d for d in self.differences if not d.fixed]
