"""What crosses the Temporal boundary for payments, and how a completed payment reaches its purpose.

Integration points between areas (each area implements its side):
- Purpose "credits": on completion the payment activity calls
  `services.credits.grant_purchased_credits(session, user_id=..., credits=<minor CREDIT>,
  payment_id=...)`, idempotent on the ledger key `pay:{payment_id}:credits`.
- Purpose "escrow": the payment activity signals workflow `escrow-{reference}` with signal
  `ESCROW_PAYMENT_SIGNAL` and an `EscrowPaymentCompleted` (contracts/escrow.py).
- Purpose "invoice": the payment activity calls
  `services.billing.mark_invoice_paid(session, invoice_id=reference, payment_id=..., amount=...)`.
- Other workflows (escrow refunds to card, billing collection) start a payment or a refund through
  the payments service/activities named below, never by calling a provider themselves.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    payment_id: str
    amount: int
    status: str
    extra: dict[str, str] = field(default_factory=dict)
