"""The dynamic pricing engine: pure, deterministic, explained.

`price(base, context, rules, bounds)` applies the rules that are enabled, active at `context.at`
and in scope, in ascending `priority` (ties broken by name, then id), each contributing a
multiplier and a line in `adjustments`. The product of multipliers is exact (every rule multiplier
has at most 6 decimal places; the product is taken in a wide Decimal context), clamped to
`bounds`, applied to the base price and rounded once, at the end, with domain.money.round_minor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.money import Money, round_minor, to_decimal
from domain.pricing_params import (
    DAY_NAMES,
    MAX_PLACES,
    ONE,
    PARAMS_TYPE,
    BulkParams,
    FixedParams,
    InvalidRule,
    Params,
    ReputationParams,
    RuleType,
    SurgeParams,
    TimeParams,
    check_timezone,
    plain,
)

# Wide enough that a product of thousands of 6-place multipliers (≤ 100 each) is never rounded.
_EXACT = Context(prec=20_000, Emax=999_999, Emin=-999_999)
# Ratios (demand/threshold, reputation share) are divided at a normal precision, then quantized.
_RATIO = Context(prec=34)
_STEP = Decimal(1).scaleb(-MAX_PLACES)
ZERO = Decimal(0)


class Scope(StrEnum):
    GLOBAL = "global"
    CATEGORY = "category"
    AGENT = "agent"


@dataclass(frozen=True, slots=True)
class Bounds:
    min_multiplier: Decimal = Decimal("0.5")
    max_multiplier: Decimal = Decimal("3.0")

    def __post_init__(self) -> None:
        if not ZERO < self.min_multiplier <= ONE <= self.max_multiplier:
            raise ValueError("pricing bounds must satisfy 0 < min ≤ 1 ≤ max")


DEFAULT_BOUNDS = Bounds()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    params: Params
    priority: int = 100
    scope: Scope = Scope.GLOBAL
    scope_value: str | None = None
    enabled: bool = True
    active_from: datetime | None = None
    active_until: datetime | None = None
    description: str | None = None

    @property
    def type(self) -> RuleType:
        return PARAMS_TYPE[type(self.params)]

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (self.priority, self.name, self.id)


@dataclass(frozen=True, slots=True)
class PricingContext:
    at: datetime  # timezone-aware
    agent_id: str | None = None
    reputation: Decimal | None = None  # 0..1, None = unknown
    demand: Decimal | None = None  # demand ratio (open work / capacity), None = unknown
    timezone: str | None = None  # the agent's or the request's IANA zone
    quantity: int = 1
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    rule: str
    type: str
    multiplier: Decimal
    description: str


@dataclass(frozen=True, slots=True)
class PriceQuote:
    base_price: Money  # per unit
    adjusted_price: int  # per unit, minor units of base_price.currency
    multiplier: Decimal  # the clamped product actually applied
    adjustments: tuple[Adjustment, ...]
    quantity: int = 1
    clamped: bool = False

    @property
    def currency(self) -> str:
        return self.base_price.currency

    @property
    def total(self) -> int:
        """What a quote charges: the rounded unit price × quantity."""
        return self.adjusted_price * self.quantity


def validate_rule(rule: Rule) -> None:
    """Whole-rule checks beyond its parameters (which parse_params already validated)."""
    if not rule.name or len(rule.name) > 100:
        raise InvalidRule("name must be 1 to 100 characters", param="name")
    if not -1_000_000 <= rule.priority <= 1_000_000:
        raise InvalidRule("priority must be between -1000000 and 1000000", param="priority")
    if rule.scope is Scope.GLOBAL and rule.scope_value is not None:
        raise InvalidRule("a global rule takes no scope_value", param="scope_value")
    if rule.scope is not Scope.GLOBAL and not rule.scope_value:
        raise InvalidRule(f"a {rule.scope.value} rule needs a scope_value", param="scope_value")
    for name in ("active_from", "active_until"):
        value = getattr(rule, name)
        if value is not None and value.tzinfo is None:
            raise InvalidRule(f"{name} must carry a timezone offset", param=name)
    if rule.active_from and rule.active_until and rule.active_until <= rule.active_from:
        raise InvalidRule("active_until must be after active_from", param="active_until")


def default_name(params: Params) -> str:
    if isinstance(params, SurgeParams):
        return f"surge_pricing_{plain(params.threshold)}"
    return PARAMS_TYPE[type(params)].value


def _pct(fraction: Decimal) -> str:
    return f"{plain(fraction * 100)}%"


def _hours(days: frozenset[int], start: int, end: int) -> str:
    names = ",".join(DAY_NAMES[d].capitalize() for d in sorted(days))
    return f"{names} {start:02d}:00-{end:02d}:00"


def applies(rule: Rule, ctx: PricingContext) -> bool:
    if not rule.enabled:
        return False
    if rule.active_from is not None and ctx.at < rule.active_from:
        return False
    if rule.active_until is not None and ctx.at >= rule.active_until:
        return False
    if rule.scope is Scope.AGENT:
        return rule.scope_value == ctx.agent_id
    if rule.scope is Scope.CATEGORY:
        return rule.scope_value == ctx.category
    return True


def evaluate(rule: Rule, ctx: PricingContext) -> tuple[Decimal, str] | None:
    """(multiplier, generated description) when the rule changes the price in this context."""
    p = rule.params
    if isinstance(p, SurgeParams):
        if ctx.demand is None or ctx.demand <= p.threshold:
            return None
        m = p.multiplier
        if p.scale_with_demand:
            ratio = _RATIO.divide(_RATIO.multiply(p.multiplier, ctx.demand), p.threshold)
            m = ratio.quantize(_STEP, ROUND_HALF_UP)
        if p.cap is not None:
            m = min(m, p.cap)
        return m, f"Surge pricing when demand exceeds {plain(p.threshold)}"
    if isinstance(p, ReputationParams):
        if ctx.reputation is None:
            return None
        if p.mode == "stepped":
            reached = [s for s in p.steps if ctx.reputation >= s.min_reputation]
            discount = reached[-1].discount if reached else ZERO
        elif ctx.reputation <= p.min_reputation:
            discount = ZERO
        else:
            share = _RATIO.divide(ctx.reputation - p.min_reputation, ONE - p.min_reputation)
            discount = _RATIO.multiply(p.max_discount, min(ONE, share)).quantize(_STEP, ROUND_HALF_UP)
        discount = min(discount, p.max_discount)
        return (ONE - discount, f"Reputation discount of {_pct(discount)}") if discount else None
    if isinstance(p, TimeParams):
        zone = p.timezone or ctx.timezone or "UTC"
        local = ctx.at.astimezone(ZoneInfo(zone))
        for w in p.windows:
            if local.weekday() in w.days and w.start_hour <= local.hour < w.end_hour:
                label = w.label or ("Peak hours" if w.multiplier > ONE else "Off-peak hours")
                return w.multiplier, f"{label} {_hours(w.days, w.start_hour, w.end_hour)} ({zone})"
        return None
    if isinstance(p, BulkParams):
        tiers = [t for t in p.tiers if ctx.quantity >= t.min_quantity]
        if not tiers or not tiers[-1].discount:
            return None
        t = tiers[-1]
        return ONE - t.discount, f"Bulk discount of {_pct(t.discount)} for {t.min_quantity} or more"
    assert isinstance(p, FixedParams)
    return p.multiplier, f"Fixed multiplier {plain(p.multiplier)}"


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Ascending priority; equal priorities by name, then id — independent of input order."""
    return sorted(rules, key=lambda r: r.sort_key)


def price(
    base: Money,
    ctx: PricingContext,
    rules: Iterable[Rule],
    bounds: Bounds = DEFAULT_BOUNDS,
    *,
    presorted: bool = False,
) -> PriceQuote:
    if base.minor < 0:
        raise ValueError("base price must not be negative")
    if ctx.quantity < 1:
        raise ValueError("quantity must be at least 1")
    if ctx.at.tzinfo is None:
        raise ValueError("context time must be timezone-aware")
    if ctx.timezone is not None:
        check_timezone(ctx.timezone, "timezone")
    adjustments: list[Adjustment] = []
    with localcontext(_EXACT):
        product = ONE
        for rule in rules if presorted else ordered(rules):
            if not applies(rule, ctx):
                continue
            result = evaluate(rule, ctx)
            if result is None or result[0] == ONE:
                continue
            m, generated = result
            product *= m
            adjustments.append(Adjustment(rule.name, rule.type.value, m, rule.description or generated))
        multiplier = min(max(product, bounds.min_multiplier), bounds.max_multiplier)
        clamped = multiplier != product
        if clamped:
            edge = "maximum" if multiplier < product else "minimum"
            adjustments.append(
                Adjustment(
                    f"clamp_{edge[:3]}",
                    "clamp",
                    multiplier,
                    f"Combined multiplier {plain(product)} clamped to the {edge} {plain(multiplier)}",
                )
            )
        adjusted = round_minor(to_decimal(base.minor, base.currency) * multiplier, base.currency)
    return PriceQuote(base, adjusted, multiplier, tuple(adjustments), ctx.quantity, clamped)
