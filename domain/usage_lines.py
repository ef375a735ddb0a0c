"""From running usage aggregates to invoice lines, pure — the one path shared by the live spend view,
the upcoming-invoice preview, progressive (threshold) invoices and the period-end invoice, so what
a customer sees before the invoice is what the invoice says.

Groups priced by the same price are combined first (graduated tiers apply to the metric's whole
usage under that price, not per group); groups with no price become an unpriced line at 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from domain.charges import PricedLine, PriceRule, price_usage, select_price
from domain.metering import AggState, Meter, combine, quantity_of


@dataclass(frozen=True, slots=True)
class UsageAggregate:
    """One stored running aggregate: an account's usage of `metric` in one group for one bill period;
    `from_period` is set when it holds late usage of an earlier, already invoiced period."""

    metric: str
    properties: dict[str, str]
    state: AggState
    from_period: str = ""


@dataclass(frozen=True, slots=True)
class UsageLine:
    kind: str  # usage | late_usage
    metric: str
    price_id: str | None
    line: PricedLine


@dataclass
class _Bucket:
    meter: Meter
    rule: PriceRule | None
    from_period: str
    states: list[AggState] = field(default_factory=list)


def usage_lines(
    aggregates: Iterable[UsageAggregate],
    meters: Mapping[str, Meter],
    prices: Mapping[str, Sequence[PriceRule]],
) -> list[UsageLine]:
    """Lines for these aggregates; `prices[metric]` are the candidate rules for the account (its own,
    its plan's and the global ones, in its currency)."""
    buckets: dict[tuple[str, str, str], _Bucket] = {}
    for agg in aggregates:
        meter = meters.get(agg.metric) or Meter(agg.metric)
        rule = select_price(prices.get(agg.metric, ()), agg.properties)
        key = (agg.metric, agg.from_period, rule.id if rule else "")
        bucket = buckets.setdefault(key, _Bucket(meter, rule, agg.from_period))
        bucket.states.append(agg.state)
    out: list[UsageLine] = []
    # Current usage first, then late usage by the period it came from; by metric within each.
    for (metric, from_period, _), b in sorted(buckets.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        quantity = quantity_of(combine(b.states), b.meter.aggregation)
        label = (b.rule.display_name if b.rule else None) or metric
        if b.rule and b.rule.filters:
            label += " (" + ", ".join(f"{k}: {v}" for k, v in b.rule.filters) + ")"
        if from_period:
            label += f" — late usage from {from_period}"
        kind = "late_usage" if from_period else "usage"
        if b.rule is None:
            out.append(
                UsageLine(kind, metric, None, PricedLine(f"{label} (unpriced)", quantity, Decimal(0), 0))
            )
            continue
        for priced in price_usage(metric, quantity, b.rule.spec, label=label):
            out.append(UsageLine(kind, metric, b.rule.id, priced))
    return out


def usage_subtotal(lines: Iterable[UsageLine]) -> int:
    return sum(ln.line.amount for ln in lines)


def thresholds_reached(usage_amount: int, step: int) -> int:
    """How many thresholds of `step` minor units `usage_amount` has reached (every $100: 250 → 2)."""
    if step <= 0 or usage_amount <= 0:
        return 0
    return usage_amount // step
