"""Metered prices, pure: per-unit, graduated (tiered), volume and package models over exact decimal
quantities, and which price applies to a group of usage (account over plan over global, the most
specific property filter first).

Unit prices are Decimals in *minor units* (an API call at 0.15 cents is 0.15); a line is rounded once,
with the house rounding (half away from zero), when quantity × unit price becomes an amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from domain.errors import InvalidAmount

PRICING_MODELS = ("per_unit", "tiered", "volume", "package")
# The plan fee is charged in advance (at the start of the period it pays for); usage in arrears.
CHARGE_TIMINGS = ("in_advance", "in_arrears")
PRICE_SCOPES = ("account", "plan", "global")  # most specific first
MAX_FILTERS = 5


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal | int | None  # inclusive upper bound of the tier in units; None = the last tier
    unit_amount: Decimal  # minor units per unit (may be fractional)
    flat_amount: int = 0  # minor units, charged once when the tier is reached


@dataclass(frozen=True, slots=True)
class PriceSpec:
    model: str  # per_unit | tiered (graduated) | volume | package
    tiers: tuple[Tier, ...]
    package_size: Decimal | int | None = None  # package: units per package; unit_amount = per package

    def __post_init__(self) -> None:
        validate_price(self)


def validate_price(spec: PriceSpec) -> None:
    if spec.model not in PRICING_MODELS:
        raise InvalidAmount(f"pricing model must be one of {PRICING_MODELS}", param="model")
    if not spec.tiers:
        raise InvalidAmount("a price needs at least one tier", param="tiers")
    if spec.model in ("per_unit", "package") and len(spec.tiers) != 1:
        raise InvalidAmount(f"a {spec.model} price has exactly one tier", param="tiers")
    if spec.model == "package":
        size = spec.package_size
        if size is None or not Decimal(size).is_finite() or Decimal(size) <= 0:
            raise InvalidAmount("a package price needs a package_size above 0", param="package_size")
    elif spec.package_size is not None:
        raise InvalidAmount("package_size is only for the package model", param="package_size")
    last = Decimal(0)
    for i, tier in enumerate(spec.tiers):
        if not tier.unit_amount.is_finite() or tier.unit_amount < 0 or tier.flat_amount < 0:
            raise InvalidAmount("tier amounts must not be negative", param=f"tiers.{i}")
        if tier.up_to is None:
            if i != len(spec.tiers) - 1:
                raise InvalidAmount("only the last tier may be unbounded", param=f"tiers.{i}.up_to")
        elif not Decimal(tier.up_to).is_finite() or Decimal(tier.up_to) <= last:
            raise InvalidAmount("tier bounds must increase", param=f"tiers.{i}.up_to")
        else:
            last = Decimal(tier.up_to)
    if spec.tiers[-1].up_to is not None:
        raise InvalidAmount("the last tier must be unbounded (up_to null)", param="tiers")


def round_line(value: Decimal) -> int:
    """Minor units (a Decimal) → int minor units, half away from zero: the one rounding of a line."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plain(value: Decimal | int) -> str:
    """1.500 → "1.5", 1E+3 → "1000": quantities and bounds as people write them."""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True, slots=True)
class PricedLine:
    description: str
    quantity: Decimal
    unit_amount: Decimal  # minor units per unit, for display
    amount: int  # minor units, rounded once


def price_usage(
    metric: str, quantity: Decimal | int, spec: PriceSpec, *, label: str | None = None
) -> list[PricedLine]:
    """Usage of one metric → invoice lines. Graduated tiers give one line per tier touched."""
    q = Decimal(quantity)
    if not q.is_finite() or q < 0:
        raise InvalidAmount("usage quantity must not be negative", param="quantity")
    name = label or metric
    if spec.model == "per_unit":
        tier = spec.tiers[0]
        amount = round_line(tier.unit_amount * q) + tier.flat_amount
        return [PricedLine(name, q, tier.unit_amount, amount)]
    if spec.model == "package":
        tier, size = spec.tiers[0], Decimal(spec.package_size or 1)
        packages = (q / size).to_integral_value(rounding=ROUND_CEILING)
        amount = round_line(tier.unit_amount * packages) + (tier.flat_amount if q else 0)
        return [
            PricedLine(
                f"{name} ({plain(packages)} × {plain(size)} units)", q, tier.unit_amount / size, amount
            )
        ]
    if spec.model == "volume":
        tier = _tier_for(spec.tiers, q)
        amount = round_line(tier.unit_amount * q) + (tier.flat_amount if q else 0)
        return [PricedLine(name, q, tier.unit_amount, amount)]
    lines: list[PricedLine] = []
    below = Decimal(0)
    for i, tier in enumerate(spec.tiers):
        if q <= below and i > 0:
            break
        top = q if tier.up_to is None else min(q, Decimal(tier.up_to))
        units = max(Decimal(0), top - below)
        if units or (i == 0 and q == 0):
            bound = "∞" if tier.up_to is None else plain(tier.up_to)
            amount = round_line(tier.unit_amount * units) + (tier.flat_amount if units else 0)
            first = plain(below + 1) if below == below.to_integral_value() else f">{plain(below)}"
            lines.append(
                PricedLine(f"{name} (tier {i + 1}: {first}–{bound})", units, tier.unit_amount, amount)
            )
        if tier.up_to is None:
            break
        below = Decimal(tier.up_to)
    return lines


def usage_amount(quantity: Decimal | int, spec: PriceSpec) -> int:
    return sum(line.amount for line in price_usage("", quantity, spec))


def _tier_for(tiers: Sequence[Tier], quantity: Decimal) -> Tier:
    for tier in tiers:
        if tier.up_to is None or quantity <= Decimal(tier.up_to):
            return tier
    return tiers[-1]


# ---------------------------------------------------------------------------------------------------
# Which price applies.


@dataclass(frozen=True, slots=True)
class PriceRule:
    """A price for one metric and currency, for everyone (global), a plan's subscribers or one
    account, optionally only for usage whose properties match `filters` (a price per model)."""

    id: str
    metric: str
    scope: str  # account | plan | global
    spec: PriceSpec
    filters: tuple[tuple[str, str], ...] = ()
    display_name: str | None = None

    def matches(self, properties: Mapping[str, str]) -> bool:
        return all(properties.get(k) == v for k, v in self.filters)


def normalize_filters(raw: Mapping[str, object] | None) -> tuple[tuple[str, str], ...]:
    if not raw:
        return ()
    if len(raw) > MAX_FILTERS:
        raise InvalidAmount(f"a price filters on at most {MAX_FILTERS} properties", param="filters")
    out = []
    for k, v in raw.items():
        if not isinstance(k, str) or not isinstance(v, str) or not k or len(k) > 50 or len(v) > 100:
            raise InvalidAmount("filters map property names to string values", param=f"filters.{k}")
        out.append((k, v))
    return tuple(sorted(out))


def select_price(rules: Iterable[PriceRule], properties: Mapping[str, str]) -> PriceRule | None:
    """The price for usage with these properties: account over plan over global; within a scope the
    rule with the most matching filters (a per-model price over the metric's default); ties by id."""
    best: tuple[int, int, str] | None = None
    chosen: PriceRule | None = None
    for rule in rules:
        if not rule.matches(properties):
            continue
        key = (PRICE_SCOPES.index(rule.scope), -len(rule.filters), rule.id)
        if best is None or key < best:
            best, chosen = key, rule
    return chosen
