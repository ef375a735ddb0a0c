"""Billing request/response bodies. Amounts out are strings in the currency's decimals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, StrictBool, StrictInt

from api.schemas.common import AmountIn, Omittable, PaymentMethodId, StrictModel
from db.models.billing import (
    CollectionAttempt,
    Invoice,
    InvoiceLineItem,
    InvoicePayment,
    Plan,
    Subscription,
)
from domain.charges import plain
from domain.money import format_amount


class UsageBatchIn(StrictModel):
    # Items are checked one by one (an invalid record is reported, the others are still taken).
    records: list[dict[str, Any]] = Field(..., min_length=1, max_length=1000)


class UsageItemError(BaseModel):
    index: int
    code: str
    message: str
    param: str | None = None


class UsageBatchOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    errors: list[UsageItemError]


class BillingRunIn(StrictModel):
    period: str = Field(..., pattern=r"^\d{4}-\d{2}$", examples=["2026-10"])


class BillingRunOut(BaseModel):
    workflow_id: str
    period: str
    status: str  # started | already_running


class LineOut(BaseModel):
    kind: str
    description: str
    metric: str | None
    quantity: str  # exact decimal
    unit_amount: str  # major units per unit, full precision
    amount: str
    tax: str

    @classmethod
    def of(cls, ln: InvoiceLineItem, currency: str) -> LineOut:
        from domain.money import to_decimal

        unit = (to_decimal(1, currency) * Decimal(ln.unit_amount)).normalize()
        return cls(
            kind=ln.kind,
            description=ln.description,
            metric=ln.metric,
            quantity=plain(Decimal(ln.quantity)),
            unit_amount=f"{unit:f}",
            amount=format_amount(ln.amount, currency),
            tax=format_amount(ln.tax, currency),
        )


class AttemptOut(BaseModel):
    attempt_no: int
    source: str
    amount: str
    outcome: str
    failure_code: str | None
    message: str | None
    payment_id: str | None
    attempted_at: datetime
    next_attempt_at: datetime | None


class PaymentOut(BaseModel):
    payment_id: str
    source: str
    amount: str
    created_at: datetime


class TaxOut(BaseModel):
    name: str | None
    percent: str | None
    inclusive: bool


class InvoiceOut(BaseModel):
    id: str
    object: str = "invoice"
    number: str | None
    account_id: str
    period: str
    period_start: datetime
    period_end: datetime
    status: str
    currency: str
    subtotal: str
    tax: str
    total: str
    amount_paid: str
    amount_due: str
    tax_rate: TaxOut
    issued_at: datetime | None
    due_at: datetime | None
    paid_at: datetime | None
    next_attempt_at: datetime | None
    attempt_count: int
    lines: list[LineOut] | None = None
    attempts: list[AttemptOut] | None = None
    payments: list[PaymentOut] | None = None

    @classmethod
    def of(
        cls,
        inv: Invoice,
        lines: list[InvoiceLineItem] | None = None,
        attempts: list[CollectionAttempt] | None = None,
        payments: list[InvoicePayment] | None = None,
    ) -> InvoiceOut:
        cur = inv.currency
        return cls(
            id=inv.id,
            number=inv.number,
            account_id=inv.account_id,
            period=inv.period,
            period_start=inv.period_start,
            period_end=inv.period_end,
            status=inv.status,
            currency=cur,
            subtotal=format_amount(inv.subtotal, cur),
            tax=format_amount(inv.tax, cur),
            total=format_amount(inv.total, cur),
            amount_paid=format_amount(inv.amount_paid, cur),
            amount_due=format_amount(inv.total - inv.amount_paid, cur),
            tax_rate=TaxOut(
                name=inv.tax_name,
                percent=None if inv.tax_percent is None else f"{Decimal(inv.tax_percent).normalize():f}",
                inclusive=inv.tax_inclusive,
            ),
            issued_at=inv.issued_at,
            due_at=inv.due_at,
            paid_at=inv.paid_at,
            next_attempt_at=inv.next_attempt_at,
            attempt_count=inv.attempt_count,
            lines=None if lines is None else [LineOut.of(ln, cur) for ln in lines],
            attempts=None
            if attempts is None
            else [
                AttemptOut(
                    attempt_no=a.attempt_no,
                    source=a.source,
                    amount=format_amount(a.amount, cur),
                    outcome=a.outcome,
                    failure_code=a.failure_code,
                    message=a.message,
                    payment_id=a.payment_id,
                    attempted_at=a.attempted_at,
                    next_attempt_at=a.next_attempt_at,
                )
                for a in attempts
            ],
            payments=None
            if payments is None
            else [
                PaymentOut(
                    payment_id=p.payment_id,
                    source=p.source,
                    amount=format_amount(p.amount, cur),
                    created_at=p.created_at,
                )
                for p in payments
            ],
        )


class PlanIn(StrictModel):
    name: str = Field(..., min_length=1, max_length=200)
    amount: AmountIn
    currency: str = Field("USD", max_length=10)
    interval_months: StrictInt = Field(1, ge=1, le=12)
    trial_days: StrictInt = Field(0, ge=0, le=365)
    description: str | None = Field(None, max_length=500)


class PlanPatch(StrictModel):
    name: str = Omittable(min_length=1, max_length=200)
    amount: AmountIn | None = None
    trial_days: StrictInt = Omittable(ge=0, le=365)
    description: str | None = Field(None, max_length=500)
    active: StrictBool = Omittable()


class PlanOut(BaseModel):
    id: str
    name: str
    description: str | None
    amount: str
    currency: str
    interval_months: int
    trial_days: int
    active: bool

    @classmethod
    def of(cls, p: Plan) -> PlanOut:
        return cls(
            id=p.id,
            name=p.name,
            description=p.description,
            amount=format_amount(p.amount, p.currency),
            currency=p.currency,
            interval_months=p.interval_months,
            trial_days=p.trial_days,
            active=p.active,
        )


class SubscriptionIn(StrictModel):
    plan_id: str = Field(..., min_length=1, max_length=40)
    payment_method_id: PaymentMethodId | None = None


class CancelIn(StrictModel):
    at_period_end: StrictBool = True


class ChangeIn(StrictModel):
    plan_id: str = Field(..., min_length=1, max_length=40)


class SubscriptionOut(BaseModel):
    id: str
    account_id: str
    plan_id: str
    status: str
    trial_end: datetime | None
    current_period_start: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    canceled_at: datetime | None = None

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionOut:
        return cls(
            id=s.id,
            account_id=s.account_id,
            plan_id=s.plan_id,
            status=s.status,
            trial_end=s.trial_end,
            current_period_start=s.current_period_start,
            current_period_end=s.current_period_end,
            cancel_at_period_end=s.cancel_at_period_end,
            canceled_at=s.canceled_at,
        )


class TaxRateIn(StrictModel):
    percent: AmountIn
    inclusive: StrictBool = False
    name: str = Field("Tax", max_length=60)


class AccountSettingsIn(StrictModel):
    use_credits_first: StrictBool = Omittable()
    default_payment_method_id: PaymentMethodId | None = None
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=500)
    tax_id: str | None = Field(None, max_length=60, description="the buyer's VAT/GST/tax number")


class AdminAccountSettingsIn(AccountSettingsIn):
    progressive_threshold: AmountIn | None = Field(
        None, description="invoice the usage so far each time it reaches another multiple of this"
    )
    discount_percent: AmountIn | None = None  # 0-100, off every invoice as a discount line
    jurisdiction: str = Omittable(min_length=1, max_length=40)
    invoice_series: str | None = Field(None, pattern=r"^[A-Z0-9]{1,12}$")
    currency: str = Omittable(min_length=3, max_length=10)


class AccountSettingsOut(BaseModel):
    account_id: str
    currency: str
    jurisdiction: str
    use_credits_first: bool
    default_payment_method_id: str | None
    name: str | None
    email: str | None
    address: str | None
    tax_id: str | None = None
    progressive_threshold: str | None = None


class ItemIn(StrictModel):
    """An adjustment (signed) or an amount-off discount for the account's next invoice."""

    kind: str = Field(..., pattern="^(adjustment|discount)$")
    description: str = Field(..., min_length=1, max_length=300)
    amount: AmountIn
    currency: str = Field("USD", max_length=10)
    reference: str | None = Field(
        None, max_length=100, description="business key: the same reference adds once"
    )


class ItemOut(BaseModel):
    account_id: str
    kind: str
    description: str
    amount: str
    currency: str
    created: bool
