"""Payments requests and responses. Amounts are decimal strings in the payment's currency."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import AmountIn, PaymentMethodId, StrictModel

Provider = Literal["stripe", "paypal", "crypto", "credits"]


class PurposeIn(StrictModel):
    kind: Literal["credits", "escrow", "invoice", "none"] = "none"
    reference: str | None = Field(None, min_length=1, max_length=100)


class CreatePaymentIn(StrictModel):
    amount: AmountIn
    currency: str = Field(min_length=3, max_length=10)
    provider: Provider
    purpose: PurposeIn = Field(default_factory=PurposeIn)
    payment_method_id: PaymentMethodId | None = None
    chain: Literal["BTC", "ETH"] | None = None
    quote_id: str | None = Field(None, min_length=1, max_length=64)


class CreditsPurchaseIn(StrictModel):
    amount: AmountIn
    currency: str | None = Field(None, min_length=3, max_length=10)
    provider: Literal["stripe", "paypal", "crypto"] = "stripe"
    payment_method_id: PaymentMethodId | None = None
    chain: Literal["BTC", "ETH"] | None = None


class ConfirmIn(StrictModel):
    payment_method_id: PaymentMethodId | None = None


class RefundIn(StrictModel):
    amount: AmountIn | None = None
    reason: str = Field("", max_length=300)
    force: bool = Field(
        False,
        description="admin only: refund a credits purchase even though its credits were spent "
        "(takes back what is left)",
    )


class MethodIn(StrictModel):
    provider: Literal["stripe"] = "stripe"
    token: str = Field(
        max_length=69,
        pattern=r"^(pm|card|src|tok)_[A-Za-z0-9_]{1,64}$",
        description="the provider's payment method token (pm_...), never card data",
    )


class PurposeOut(BaseModel):
    kind: str
    reference: str | None = None
    credits: str | None = None


class PaymentOut(BaseModel):
    payment_id: str
    status: str
    amount: str
    currency: str
    provider: str
    purpose: PurposeOut
    next_action: dict[str, str]
    captured_amount: str
    refunded_amount: str
    failure_code: str | None = None
    failure_message: str | None = None
    created_at: datetime
    expires_at: datetime | None = None
    completed_at: datetime | None = None


class CreditsPurchaseOut(PaymentOut):
    """The seed's purchase answer: top-level `credits` and `status` ("processing" while the
    purchase is in flight, else the payment's final status); the finer `payment_status` too."""

    credits: str
    payment_status: str

    @classmethod
    def of(cls, payment: PaymentOut) -> CreditsPurchaseOut:
        final = payment.status in ("completed", "overpaid", "underpaid", "failed", "expired", "cancelled")
        return cls(
            **{**payment.model_dump(), "status": payment.status if final else "processing"},
            credits=payment.purpose.credits or "0",
            payment_status=payment.status,
        )


class RefundOut(BaseModel):
    refund_id: str
    payment_id: str
    amount: str
    currency: str
    status: str
    reason: str


class MethodOut(BaseModel):
    id: str
    provider: str
    brand: str | None
    last4: str | None
    exp_month: int | None
    exp_year: int | None
    created_at: datetime
