"""The rules of billing, pure: periods, metered pricing (per-unit, graduated tiers, volume), tax per
line (exclusive or inclusive, rounded once per line), proration, invoice totals, the dunning schedule.

Amounts are int minor units of the invoice currency. Unit prices may be fractions of a minor unit
(an API call at 0.15 cents), so they are Decimals *in minor units*; a line is rounded once, with the
house rounding (half away from zero), when quantity × unit price becomes an amount.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import InvalidAmount, InvalidState

# ---------------------------------------------------------------------------------------------------
# Periods: calendar months in UTC, labelled "YYYY-MM".


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    month: int

    @staticmethod
    def parse(label: object, *, param: str = "period") -> Period:
        if not isinstance(label, str) or len(label) != 7 or label[4] != "-":
            raise InvalidAmount("period must look like YYYY-MM", param=param, code="invalid_period")
        try:
            year, month = int(label[:4]), int(label[5:])
        except ValueError:
            raise InvalidAmount("period must look like YYYY-MM", param=param, code="invalid_period") from None
        if not (2000 <= year <= 9998 and 1 <= month <= 12):
            raise InvalidAmount("period is out of range", param=param, code="invalid_period")
        return Period(year, month)

    @staticmethod
    def containing(at: datetime) -> Period:
        at = at.astimezone(UTC)
        return Period(at.year, at.month)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """Exclusive end: the first instant of the next period."""
        return self.next().start

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return self.label


def add_months(at: datetime, months: int) -> datetime:
    """Same day and time `months` later; the day is clamped to the month's length (Jan 31 → Feb 28)."""
    index = at.month - 1 + months
    year, month = at.year + index // 12, index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


# ---------------------------------------------------------------------------------------------------
# Metered pricing.

PRICING_MODELS = ("per_unit", "tiered", "volume")


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: int | None  # inclusive upper bound of the tier in units; None = infinity (last tier)
    unit_amount: Decimal  # minor units per unit (may be fractional)
    flat_amount: int = 0  # minor units, charged once when the tier is reached


@dataclass(frozen=True, slots=True)
class PriceSpec:
    model: str  # per_unit | tiered (graduated) | volume
    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        validate_price(self)


def validate_price(spec: PriceSpec) -> None:
    if spec.model not in PRICING_MODELS:
        raise InvalidAmount(f"pricing model must be one of {PRICING_MODELS}", param="model")
    if not spec.tiers:
        raise InvalidAmount("a price needs at least one tier", param="tiers")
    if spec.model == "per_unit" and len(spec.tiers) != 1:
        raise InvalidAmount("a per_unit price has exactly one tier", param="tiers")
    last = 0
    for i, tier in enumerate(spec.tiers):
        if tier.unit_amount < 0 or tier.flat_amount < 0 or not tier.unit_amount.is_finite():
            raise InvalidAmount("tier amounts must not be negative", param=f"tiers.{i}")
        is_last = i == len(spec.tiers) - 1
        if tier.up_to is None:
            if not is_last:
                raise InvalidAmount("only the last tier may be unbounded", param=f"tiers.{i}.up_to")
        elif tier.up_to <= last:
            raise InvalidAmount("tier bounds must increase", param=f"tiers.{i}.up_to")
        else:
            last = tier.up_to
    if spec.tiers[-1].up_to is not None:
        raise InvalidAmount("the last tier must be unbounded (up_to null)", param="tiers")


def round_line(value: Decimal) -> int:
    """Minor units (a Decimal) → int minor units, half away from zero: the one rounding of a line."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class PricedLine:
    description: str
    quantity: int
    unit_amount: Decimal  # minor units per unit, for display
    amount: int  # minor units, rounded once


def price_usage(metric: str, quantity: int, spec: PriceSpec, *, label: str | None = None) -> list[PricedLine]:
    """Usage of one metric → invoice lines. Graduated tiers give one line per tier touched."""
    if quantity < 0:
        raise InvalidAmount("usage quantity must not be negative", param="quantity")
    name = label or metric
    if spec.model == "per_unit":
        tier = spec.tiers[0]
        return [
            PricedLine(
                name, quantity, tier.unit_amount, round_line(tier.unit_amount * quantity) + tier.flat_amount
            )
        ]
    if spec.model == "volume":
        tier = _tier_for(spec.tiers, quantity)
        amount = round_line(tier.unit_amount * quantity) + (tier.flat_amount if quantity else 0)
        return [PricedLine(name, quantity, tier.unit_amount, amount)]
    lines: list[PricedLine] = []
    below = 0
    for i, tier in enumerate(spec.tiers):
        if quantity <= below and i > 0:
            break
        top = quantity if tier.up_to is None else min(quantity, tier.up_to)
        units = max(0, top - below)
        if units or (i == 0 and quantity == 0):
            bound = "∞" if tier.up_to is None else str(tier.up_to)
            amount = round_line(tier.unit_amount * units) + (tier.flat_amount if units else 0)
            lines.append(
                PricedLine(f"{name} (tier {i + 1}: {below + 1}–{bound})", units, tier.unit_amount, amount)
            )
        if tier.up_to is None:
            break
        below = tier.up_to
    return lines


def _tier_for(tiers: Sequence[Tier], quantity: int) -> Tier:
    for tier in tiers:
        if tier.up_to is None or quantity <= tier.up_to:
            return tier
    return tiers[-1]


# ---------------------------------------------------------------------------------------------------
# Tax: per line, rounded once per line.


@dataclass(frozen=True, slots=True)
class TaxRule:
    percent: Decimal
    inclusive: bool = False
    name: str = "Tax"

    def __post_init__(self) -> None:
        if not self.percent.is_finite() or not Decimal(0) <= self.percent <= Decimal(100):
            raise InvalidAmount("tax percent must be between 0 and 100", param="percent")


NO_TAX = TaxRule(Decimal(0))


@dataclass(frozen=True, slots=True)
class TaxedLine:
    net: int  # amount before tax
    tax: int
    gross: int  # net + tax: what the customer pays for the line


def tax_line(amount: int, rule: TaxRule) -> TaxedLine:
    """Exclusive: tax is added on top of `amount`. Inclusive: `amount` already holds the tax.

    Rounded once per line (half away from zero, symmetric for credit lines).
    """
    if rule.percent == 0:
        return TaxedLine(amount, 0, amount)
    if rule.inclusive:
        tax = round_line(Decimal(amount) * rule.percent / (Decimal(100) + rule.percent))
        return TaxedLine(amount - tax, tax, amount)
    tax = round_line(Decimal(amount) * rule.percent / Decimal(100))
    return TaxedLine(amount, tax, amount + tax)


# ---------------------------------------------------------------------------------------------------
# Invoice lines and totals.

LINE_KINDS = ("usage", "late_usage", "subscription", "proration", "adjustment", "discount")


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    kind: str
    description: str
    quantity: int
    unit_amount: Decimal  # minor units per unit
    amount: int  # as priced: pre-tax for exclusive tax, tax-inclusive for inclusive tax
    net: int
    tax: int
    metric: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceTotals:
    subtotal: int  # Σ net
    tax: int  # Σ tax (per-line rounded)
    total: int  # subtotal + tax, never below zero
    carried_credit: int = 0  # a negative total (credits beyond charges): carried to the next invoice


@dataclass
class InvoiceDraft:
    lines: list[InvoiceLine] = field(default_factory=list)

    def add(
        self,
        kind: str,
        description: str,
        quantity: int,
        unit_amount: Decimal,
        amount: int,
        rule: TaxRule,
        metric: str | None = None,
    ) -> None:
        taxed = tax_line(amount, rule)
        self.lines.append(
            InvoiceLine(kind, description, quantity, unit_amount, amount, taxed.net, taxed.tax, metric)
        )

    def totals(self) -> InvoiceTotals:
        return invoice_totals(self.lines)


def invoice_totals(lines: Iterable[InvoiceLine]) -> InvoiceTotals:
    subtotal = tax = 0
    for line in lines:
        subtotal += line.net
        tax += line.tax
    total = subtotal + tax
    if total < 0:
        return InvoiceTotals(subtotal, tax, 0, carried_credit=-total)
    return InvoiceTotals(subtotal, tax, total)


def discount_amount(base: int, *, percent: Decimal | None = None, amount_off: int | None = None) -> int:
    """A discount as a (negative) line amount, never more than `base`."""
    off = round_line(Decimal(base) * percent / Decimal(100)) if percent is not None else amount_off or 0
    return -min(max(off, 0), max(base, 0))


# ---------------------------------------------------------------------------------------------------
# Proration (whole elapsed days, so a change within a day gives the same figure wherever it lands).


def prorate(amount: int, period_start: datetime, period_end: datetime, at: datetime) -> int:
    """The part of `amount` for the rest of [period_start, period_end) from `at`, rounded once."""
    if not period_start < period_end:
        raise InvalidState("a period must end after it starts")
    total_days = max(1, (period_end - period_start) // timedelta(days=1))
    used = min(max(0, (at - period_start) // timedelta(days=1)), total_days)
    return round_line(Decimal(amount) * (total_days - used) / total_days)


@dataclass(frozen=True, slots=True)
class ProrationItem:
    description: str
    amount: int  # negative: credit for unused time; positive: charge for the rest of the period


def plan_change_proration(
    old_name: str,
    old_amount: int,
    new_name: str,
    new_amount: int,
    period_start: datetime,
    period_end: datetime,
    at: datetime,
) -> list[ProrationItem]:
    """Credit the unused part of the old plan, charge the rest of the period on the new one."""
    items = []
    unused = prorate(old_amount, period_start, period_end, at)
    if unused:
        items.append(ProrationItem(f"Unused time on {old_name}", -unused))
    remaining = prorate(new_amount, period_start, period_end, at)
    if remaining:
        items.append(ProrationItem(f"Remaining time on {new_name}", remaining))
    return items


# ---------------------------------------------------------------------------------------------------
# Invoice state machine.

INVOICE_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"open", "void"}),
    "open": frozenset({"paid", "void", "uncollectible"}),
    "uncollectible": frozenset({"paid", "void"}),
    "paid": frozenset({"open"}),  # a refund of its payment reopens it
    "void": frozenset(),
}


def check_invoice_transition(current: str, target: str) -> None:
    if target not in INVOICE_TRANSITIONS.get(current, frozenset()):
        raise InvalidState(f"an invoice cannot go from {current} to {target}", code="invoice_state")


def invoice_number(series: str, year: int, sequence: int) -> str:
    return f"{series}-{year:04d}-{sequence:06d}"


# ---------------------------------------------------------------------------------------------------
# Dunning.


def dunning_waits(retry_days: Sequence[int]) -> list[timedelta]:
    """Retries on days 3, 5 and 7 after the first failed charge → waits of 3, 2 and 2 days between
    attempts. After the last retry fails the invoice is uncollectible."""
    waits = []
    previous = 0
    for day in retry_days:
        if day <= previous:
            raise InvalidAmount("dunning retry days must increase", param="dunning_retry_days")
        waits.append(timedelta(days=day - previous))
        previous = day
    return waits


# ---------------------------------------------------------------------------------------------------
# Credits as a means of paying an invoice.


def credits_for(amount: int, currency_exponent: int, credit_exponent: int, credits_per_unit: Decimal) -> int:
    """Invoice minor units → CREDIT minor units at `credits_per_unit` (rounded up: never undercharge)."""
    value = Decimal(amount).scaleb(credit_exponent - currency_exponent) * credits_per_unit
    return int(value.to_integral_value(rounding="ROUND_CEILING"))


def amount_covered_by(
    credits: int, currency_exponent: int, credit_exponent: int, credits_per_unit: Decimal
) -> int:
    """How many invoice minor units `credits` CREDIT minor units pay for (rounded down)."""
    if credits_per_unit <= 0:
        return 0
    value = Decimal(credits).scaleb(currency_exponent - credit_exponent) / credits_per_unit
    return int(value.to_integral_value(rounding="ROUND_FLOOR"))
