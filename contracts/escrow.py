"""What crosses the Temporal boundary for escrow: the workflow input, its updates, query and activities.

`ESCROW_PAYMENT_SIGNAL` + `EscrowPaymentCompleted` are the payments area's way in (a provider
payment for purpose "escrow" has posted clearing → `escrow:{contract_id}:{cur}` and signals
`escrow-{contract_id}`). Amounts are int minor units; scores/thresholds int parts per million;
times ISO 8601 UTC strings. New fields get defaults so running workflows keep replaying.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESCROW_PAYMENT_SIGNAL = "payment_completed"
# The chargeback workflow's way in: a provider dispute on the funding payment freezes the escrow;
# its close (won, or lost with what it took from the hold) unfreezes it.
CHARGEBACK_OPENED_SIGNAL = "chargeback_opened"
CHARGEBACK_CLOSED_SIGNAL = "chargeback_closed"

ESCROW_WORKFLOW = "EscrowWorkflow"
# Update and query names (the API calls them by name).
UPDATE_FUND = "fund"
UPDATE_DELIVER = "deliver"
UPDATE_SCORE = "score"
UPDATE_SIGN = "sign"
UPDATE_DISPUTE = "dispute"
UPDATE_RESOLVE = "resolve"
UPDATE_REFUND = "refund"
UPDATE_CANCEL = "cancel"
QUERY_STATE = "state"

RELEASE_POLICIES = ("score_or_signatures", "signatures_only", "score_only")
DEFAULT_RELEASE_POLICY = "score_or_signatures"

# Activity names.
RECORD_ACTIVITY = "escrow_record"
FUND_WITH_CREDITS_ACTIVITY = "escrow_fund_with_credits"
SETTLE_ACTIVITY = "escrow_settle"
RETURN_TO_PAYER_ACTIVITY = "escrow_return_to_payer"
CLOSE_UNFUNDED_ACTIVITY = "escrow_close_unfunded"

# ApplicationError types that mean "the rules refused" (never retried; the API maps them to 4xx).
DOMAIN_ERROR_TYPES = (
    "InvalidAmount",
    "UnknownCurrency",
    "CurrencyMismatch",
    "UnbalancedTransaction",
    "InsufficientFunds",
    "InvalidState",
    "Conflict",
    "NotFound",
    "Forbidden",
)


# ---- internal ledger keys (callers can never write these: see services.credits' namespacing) -----


def fund_key(contract_id: str) -> str:
    return f"esc:{contract_id}:fund"


def settle_key(contract_id: str, step: str) -> str:
    """`release`, `resolve`, `resolve:{n}`: one balanced move out of the holding account."""
    return f"esc:{contract_id}:{step}"


def release_key(contract_id: str) -> str:
    return settle_key(contract_id, "release")


def resolve_step(n: int) -> str:
    """The n-th ruling on a dispute (an incomplete one can be ruled again)."""
    return "resolve" if n == 1 else f"resolve:{n}"


def resolve_payer_key(contract_id: str, n: int) -> str:
    """The payer's part of the n-th ruling, refunded through the funding payment."""
    return f"{settle_key(contract_id, resolve_step(n))}:payer"


def refund_key(contract_id: str, n: int) -> str:
    return f"esc:{contract_id}:refund:{n}"


@dataclass(frozen=True)
class EscrowPaymentCompleted:
    payment_id: str
    amount: int  # minor units, in `currency`
    currency: str
    provider: str
    ledger_transaction_id: str = ""  # the posting clearing → escrow holding, already made


@dataclass(frozen=True)
class EscrowInput:
    escrow_id: str
    contract_id: str
    payer_id: str
    payee_id: str
    amount: int
    currency: str
    signers: list[str]
    required_signatures: int
    threshold_ppm: int
    fee_percent: str  # a decimal string, e.g. "10" or "2.5"
    created_at: str
    funding_deadline: str
    delivery_deadline: str | None = None  # absolute; None → funded_at + delivery_period_seconds
    delivery_period_seconds: int = 30 * 24 * 3600
    review_period_seconds: int = 7 * 24 * 3600
    arbitration_seconds: int = 14 * 24 * 3600
    default_ruling: str = "refund_payer"  # refund_payer | release_payee
    quote_id: str | None = None
    search_attributes: bool = True  # keep EscrowState etc. current (off where none are registered)
    release_policy: str = DEFAULT_RELEASE_POLICY  # one of RELEASE_POLICIES (domain.escrow.Policy)
    # Continue as new when Temporal suggests it, or after this many state changes in one run (0: only
    # when suggested). `carry`: the state a continued run starts from.
    changes_per_run: int = 0
    carry: EscrowCarry | None = None


@dataclass(frozen=True)
class EscrowCarry:
    """Everything a run knows, handed to the next run on continue-as-new (the events are in the DB)."""

    status: str
    held: int
    released: int
    fee: int
    refunded: int
    signatures: list[str]
    delivered: bool
    score_ppm: int | None
    evidence_url: str | None
    provider: str | None
    payment_id: str | None
    dispute_reason: str | None
    resolution_note: str | None
    funding_deadline: str | None
    delivery_deadline: str | None
    review_deadline: str | None
    arbitration_deadline: str | None
    paused_seconds: int | None
    refunds: int
    resolutions: int
    seen_payments: list[str]
    next_seq: int
    chargebacks: list[str] = field(default_factory=list)  # open
    chargebacks_closed: list[str] = field(default_factory=list)
    charged_back: int = 0


@dataclass(frozen=True)
class FundRequest:
    actor_id: str
    actor_role: str
    provider: str = "credits"


@dataclass(frozen=True)
class DeliverRequest:
    actor_id: str
    actor_role: str
    score_ppm: int | None = None  # only a validator may send one
    evidence_url: str | None = None
    validator: bool = False  # the API's finding: role service or a configured validator id


@dataclass(frozen=True)
class ScoreRequest:
    actor_id: str
    actor_role: str
    score_ppm: int
    validator: bool = False


@dataclass(frozen=True)
class ChargebackOpened:
    dispute_id: str
    amount: int
    currency: str


@dataclass(frozen=True)
class ChargebackClosed:
    dispute_id: str
    outcome: str  # won | lost
    taken_from_hold: int = 0  # lost: what the chargeback took out of the holding account (ledger done)


@dataclass(frozen=True)
class SignRequest:
    actor_id: str
    actor_role: str


@dataclass(frozen=True)
class DisputeRequest:
    actor_id: str
    actor_role: str
    reason: str = ""


@dataclass(frozen=True)
class ResolveRequest:
    actor_id: str
    actor_role: str
    payee_amount: int
    note: str = ""


@dataclass(frozen=True)
class EscrowRefundRequest:
    actor_id: str
    actor_role: str
    amount: int | None = None  # None: all that is held


@dataclass(frozen=True)
class CancelRequest:
    actor_id: str
    actor_role: str
    reason: str = ""


@dataclass(frozen=True)
class EscrowEvent:
    seq: int
    at: str
    kind: str  # created | funded | delivered | signed | released | disputed | resolved | refunded | ...
    actor: str
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EscrowView:
    escrow_id: str
    contract_id: str
    status: str
    payer_id: str
    payee_id: str
    amount: int
    currency: str
    held: int = 0
    released: int = 0  # paid to the payee, net of fee
    fee: int = 0
    refunded: int = 0
    signers: list[str] = field(default_factory=list)
    required_signatures: int = 1
    signatures: list[str] = field(default_factory=list)
    threshold_ppm: int = 800_000
    fee_percent: str = "0"
    delivered: bool = False
    validation_score_ppm: int | None = None
    evidence_url: str | None = None
    funding_provider: str | None = None
    funding_payment_id: str | None = None
    dispute_reason: str | None = None
    resolution_note: str | None = None
    created_at: str = ""
    funding_deadline: str | None = None
    delivery_deadline: str | None = None
    review_deadline: str | None = None
    arbitration_deadline: str | None = None
    paused_seconds: int | None = None  # time left on the delivery/review clock when a dispute paused it
    events: list[EscrowEvent] = field(default_factory=list)  # this run's (Update results: none)
    release_policy: str = DEFAULT_RELEASE_POLICY
    frozen: bool = False  # a chargeback on the funding payment is open
    charged_back: int = 0  # taken out of the hold by lost chargebacks


@dataclass(frozen=True)
class SignResult:
    counted: bool  # False: the escrow had moved on (a repeated signature is refused by the validator)
    signatures: int
    view: EscrowView


@dataclass(frozen=True)
class RecordInput:
    """Mirror the workflow's state into the escrows row, and append an event (idempotent by seq)."""

    view: EscrowView
    event: EscrowEvent | None = None
    events: list[EscrowEvent] = field(default_factory=list)  # several changes mirrored in one write


@dataclass(frozen=True)
class FundWithCreditsInput:
    contract_id: str
    payer_id: str
    amount: int
    currency: str


@dataclass(frozen=True)
class SettleInput:
    """Release or an arbiter's split: one balanced transaction out of the holding account."""

    contract_id: str
    key: str  # release_key / settle_key(resolve_step(n))
    kind: str  # release | resolve
    payer_id: str
    payee_id: str
    currency: str
    payee_net: int
    fee: int
    payer_refund: int = 0
    funding_provider: str = "credits"


@dataclass(frozen=True)
class ReturnToPayerInput:
    contract_id: str
    key: str  # refund_key(contract_id, n)
    payer_id: str
    amount: int
    currency: str
    funding_provider: str = "credits"


@dataclass(frozen=True)
class MoneyResult:
    transaction_id: str
    created: bool = True


@dataclass(frozen=True)
class CloseUnfundedInput:
    """Leave `created` for `status` (expired | cancelled) — unless a provider payment has already
    claimed the funding (the payment's completion and this close serialise on the escrow row)."""

    escrow_id: str
    contract_id: str
    status: str


@dataclass(frozen=True)
class CloseUnfundedResult:
    closed: bool
    payment_id: str | None = None  # not closed: the payment whose completion funds the escrow
    provider: str | None = None
