"""Meters, usage prices, live spend and the upcoming-invoice preview. Quantities and amounts out are
exact decimal strings (amounts in the currency's decimals)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt

from api.schemas.common import AmountIn, StrictModel
from domain.billing import InvoiceLine
from domain.charges import plain
from domain.money import format_amount, to_decimal
from domain.usage_lines import UsageLine


class MeterIn(StrictModel):
    aggregation: str = Field("sum", pattern="^(sum|count|max|unique_count|latest)$")
    precision: StrictInt = Field(0, ge=0, le=12, description="decimal places a quantity may carry")
    group_by: list[Annotated[str, Field(max_length=50)]] = Field(
        default_factory=list, max_length=3, description="properties to split by"
    )
    unique_property: str | None = Field(None, max_length=50, description="unique_count: the property")
    display_name: str | None = Field(None, max_length=200)


class MeterOut(BaseModel):
    metric: str
    aggregation: str
    precision: int
    group_by: list[str]
    unique_property: str | None


class TierIn(StrictModel):
    up_to: AmountIn | None = None  # inclusive upper bound in units (decimal); null = the last tier
    unit_amount: AmountIn  # minor units per unit (0.15 = 0.15 cents); package: per package
    flat_amount: StrictInt = Field(0, ge=0)


class PriceIn(StrictModel):
    currency: str = Field("USD", max_length=10)
    model: str = Field("per_unit", pattern="^(per_unit|tiered|volume|package)$")
    tiers: list[TierIn] = Field(..., min_length=1, max_length=20)
    package_size: AmountIn | None = None
    display_name: str | None = Field(None, max_length=200)
    scope: str = Field("global", pattern="^(global|plan|account)$")
    scope_id: str = Field("", max_length=100, description="the plan id or account id of a scoped price")
    filters: dict[str, str] | None = Field(None, description="only usage with these property values")


def _money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)


def _unit(unit_minor: Decimal, currency: str) -> str:
    return plain(to_decimal(1, currency) * unit_minor)


class UsageLineOut(BaseModel):
    metric: str
    description: str
    quantity: str
    unit_amount: str  # major units per unit
    amount: str

    @classmethod
    def of(cls, u: UsageLine, currency: str) -> UsageLineOut:
        return cls(
            metric=u.metric,
            description=u.line.description,
            quantity=plain(u.line.quantity),
            unit_amount=_unit(u.line.unit_amount, currency),
            amount=_money(u.line.amount, currency),
        )


class CurrentUsageOut(BaseModel):
    object: str = "current_usage"
    account_id: str
    period: str
    period_start: datetime
    period_end: datetime
    currency: str
    amount: str  # usage so far this period, before tax and discounts
    progressively_billed: str
    progressive_threshold: str | None
    lines: list[UsageLineOut]


class PreviewLineOut(BaseModel):
    kind: str
    description: str
    metric: str | None
    quantity: str
    unit_amount: str
    amount: str
    tax: str

    @classmethod
    def of(cls, ln: InvoiceLine, currency: str) -> PreviewLineOut:
        return cls(
            kind=ln.kind,
            description=ln.description,
            metric=ln.metric,
            quantity=plain(ln.quantity),
            unit_amount=_unit(ln.unit_amount, currency),
            amount=_money(ln.amount, currency),
            tax=_money(ln.tax, currency),
        )


class PreviewOut(BaseModel):
    object: str = "upcoming_invoice"
    account_id: str
    period: str
    currency: str
    subtotal: str
    tax: str
    total: str
    tax_name: str
    tax_percent: str
    tax_inclusive: bool
    lines: list[PreviewLineOut]
