"""What crosses the Temporal boundary for payments, and how a completed payment reaches its purpose.

Integration points between areas (each area implements its side):
- Purpose "credits": on completion the payment activity calls
  `services.credits.grant_purchased_credits(session, user_id=..., credits=<minor CREDIT>,
  payment_id=...)`, idempotent on the ledger key `pay:{payment_id}:credits`.
- Purpose "escrow": the payment activity signals workflow `escrow-{reference}` with signal
  `ESCROW_PAYMENT_SIGNAL` and an `EscrowPaymentCompleted` (contracts/escrow.py).
- Purpose "invoice": the completion applies the payment to the locked invoice
  (`services.invoice_payments.apply`): only in the invoice's currency, never beyond what is due;
  what it does not take is refunded (services.payments.complete). Checked at create too
  (`services.payment_purpose.check_at_create`), as is an escrow payment's payer/amount/currency.
- Other workflows (escrow refunds to card, billing collection) start a payment or a refund through
  the payments service/activities named below, never by calling a provider themselves.
"""

# No `from __future__ import annotations`: the workflow sandbox resolves these hints at decode time.

from dataclasses import dataclass, field

# Activity names other workflows may call by name (implemented in activities/payments.py).
REFUND_PAYMENT_ACTIVITY = "refund_payment"

PAYMENT_CONFIRMED_SIGNAL = "provider_confirmed"  # webhook/poll → PaymentWorkflow
PAYMENT_CANCEL_SIGNAL = "cancel"


@dataclass(frozen=True)
class PaymentPurpose:
    kind: str = "none"  # "credits" | "escrow" | "invoice" | "none"
    reference: str | None = None  # escrow contract_id, invoice id
    user_id: str | None = None  # whose credits (purpose credits)
    credits: int = 0  # CREDIT minor units to grant (purpose credits)


@dataclass(frozen=True)
class RefundRequest:
    payment_id: str
    amount: int  # minor units of the payment's currency
    reason: str = ""
    idempotency_key: str = ""  # business key, e.g. esc:{escrow_id}:refund:1
    force: bool = False  # credits purchase: refund even if the credits were spent (admin)


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    payment_id: str
    amount: int
    status: str
    extra: dict[str, str] = field(default_factory=dict)


# --- PaymentWorkflow names and payloads --------------------------------------------------------

PAYMENT_WORKFLOW = "PaymentWorkflow"
REFUND_WORKFLOW = "RefundWorkflow"
PAYMENT_NEXT_ACTION_UPDATE = "next_action"  # API waits for the provider object (client_secret, ...)
PAYMENT_CONFIRM_UPDATE = "confirm"  # Stripe: confirm with a stored method; PayPal: capture
PAYMENT_STATUS_QUERY = "status"

# Statuses a payment can be in (the row and the PaymentStatus search attribute).
SUCCESS_STATUSES = ("completed", "overpaid")
# A completion the provider did not confirm when re-read (a forged or premature signal): nothing
# was posted and the workflow keeps waiting. Never stored on a payment row.
UNCONFIRMED = "unconfirmed"
TERMINAL_STATUSES = ("completed", "overpaid", "underpaid", "failed", "expired", "cancelled")


def payment_key(payment_id: str, step: str) -> str:
    """Provider idempotency keys derived from the payment id: pay:{id}:create, pay:{id}:capture..."""
    return f"pay:{payment_id}:{step}"


def refund_key(payment_id: str, n: int) -> str:
    return f"pay:{payment_id}:refund:{n}"


@dataclass(frozen=True)
class PaymentStarted:
    payment_id: str
    status: str
    next_action: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentInput:
    payment_id: str
    payer_id: str
    amount: int
    currency: str
    provider: str  # stripe | paypal | crypto | credits
    purpose: PaymentPurpose = field(default_factory=PaymentPurpose)
    payment_method_id: str | None = None
    off_session: bool = False
    expires_in_seconds: int = 30 * 60
    crypto_chain: str | None = None
    poll_initial_seconds: int = 30  # fallback polling when no webhook arrives; doubles up to max
    poll_max_seconds: int = 300
    provider_heartbeat_seconds: int = 10
    search_attributes: bool = True  # keep PaymentStatus current (off where none are registered)


@dataclass(frozen=True)
class ProviderCreated:
    status: str  # provider-neutral: requires_action | processing | succeeded | failed
    provider_object_id: str = ""
    next_action: dict[str, str] = field(default_factory=dict)
    failure_code: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook (or poll) observation signalled to the workflow."""

    kind: str  # succeeded | failed | canceled | approved | deposit
    event_id: str = ""
    detail: str = ""


@dataclass(frozen=True)
class ConfirmRequest:
    payment_method_id: str | None = None


@dataclass(frozen=True)
class StatusChange:
    payment_id: str
    status: str
    failure_code: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class PaymentOutcome:
    payment_id: str
    status: str
    ledger_transaction_id: str = ""
    failure_code: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class CryptoDecision:
    status: str  # waiting | underpaid | completed | overpaid
    received: int = 0  # confirmed, chain minor units
    expected: int = 0


# Activity names (implemented in activities/payments.py; workflows call them by name).
ACT_PAY_WITH_CREDITS = "payment_pay_with_credits"
ACT_CREATE_PROVIDER = "payment_create_provider"
ACT_CONFIRM_PROVIDER = "payment_confirm_provider"
ACT_POLL_PROVIDER = "payment_poll_provider"
ACT_CANCEL_PROVIDER = "payment_cancel_provider"
ACT_COMPLETE = "payment_complete"
ACT_NOTIFY_PURPOSE = "payment_notify_purpose"
ACT_RECORD_STATUS = "payment_record_status"
ACT_CRYPTO_EVALUATE = "payment_crypto_evaluate"

# ApplicationError types that mean "refused" (never retried).
NON_RETRYABLE_ERRORS = [
    "InvalidAmount",
    "UnknownCurrency",
    "CurrencyMismatch",
    "UnbalancedTransaction",
    "InsufficientFunds",
    "InvalidState",
    "Conflict",
    "NotFound",
    "Forbidden",
    "ProviderDeclined",
]


@dataclass(frozen=True)
class PaymentRef:
    payment_id: str
    status: str = ""  # completion: completed | overpaid
    capture_id: str = ""


@dataclass(frozen=True)
class ConfirmArgs:
    payment_id: str
    payment_method_id: str | None = None


@dataclass(frozen=True)
class CryptoEvaluate:
    payment_id: str
    expired: bool = False


ATTACH_METHOD_WORKFLOW = "AttachPaymentMethodWorkflow"
ACT_ATTACH_METHOD = "payment_attach_method"


@dataclass(frozen=True)
class AttachMethodInput:
    method_id: str
    owner_id: str
    provider: str
    token: str  # the provider's payment method token (pm_...)


@dataclass(frozen=True)
class AttachedMethod:
    method_id: str
    created: bool = True
