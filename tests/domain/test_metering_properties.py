"""Meters, prices and usage lines, pure: property tests (hypothesis) and the edges people hit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.charges import PriceRule, PriceSpec, Tier, price_usage, select_price, usage_amount
from domain.errors import InvalidAmount
from domain.metering import EMPTY, AggState, Meter, combine, group_of, observe, parse_quantity, quantity_of
from domain.usage_lines import UsageAggregate, thresholds_reached, usage_lines

T0 = datetime(2026, 11, 1, tzinfo=UTC)
quantities = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)
events = st.lists(st.tuples(quantities, st.integers(0, 10_000)), max_size=40)

GRADUATED = PriceSpec(
    "tiered", (Tier(1000, Decimal("0.5")), Tier(10_000, Decimal("0.2"), 100), Tier(None, Decimal("0.1")))
)


def _fold(evts: list[tuple[Decimal, int]]) -> AggState:
    state = EMPTY
    for q, sec in evts:
        state = observe(state, q, T0 + timedelta(seconds=sec))
    return state


@given(events, st.randoms(use_true_random=False), st.integers(0, 40))
def test_aggregates_ignore_order_and_batching(evts: list[tuple[Decimal, int]], rnd: object, cut: int) -> None:
    shuffled = list(evts)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    whole = _fold(evts)
    in_two = combine([_fold(shuffled[:cut]), _fold(shuffled[cut:])])
    assert whole == in_two
    for agg in ("sum", "count", "max", "latest"):
        assert quantity_of(whole, agg) == quantity_of(in_two, agg)
    assert quantity_of(whole, "sum") == sum((q for q, _ in evts), Decimal(0))
    assert quantity_of(whole, "count") == len(evts)
    assert quantity_of(whole, "max") == max((q for q, _ in evts), default=Decimal(0))
    if evts:
        assert quantity_of(whole, "latest") == max(evts, key=lambda e: (e[1], e[0]))[0]


def test_unique_count_counts_distinct_values_the_store_reports() -> None:
    s = observe(EMPTY, Decimal(1), T0, new_unique=True)
    s = observe(s, Decimal(1), T0, new_unique=False)
    assert quantity_of(s, "unique_count") == 1 and quantity_of(s, "count") == 2


@given(st.integers(0, 12), quantities)
def test_quantities_are_exact_to_the_meters_precision(precision: int, q: Decimal) -> None:
    meter = Meter("gpu_seconds", precision=precision)
    text = f"{q:f}"
    places = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    if places > precision:
        with pytest.raises(InvalidAmount):
            parse_quantity(text, meter)
    else:
        assert parse_quantity(text, meter) == q


@pytest.mark.parametrize("bad", [True, 1.5, "NaN", "-1", "Infinity", "1e30", None, [], "1" * 70])
def test_quantities_refuse_floats_and_strange_values(bad: object) -> None:
    with pytest.raises(InvalidAmount):
        parse_quantity(bad, Meter("tokens", precision=6))


def test_meters_refuse_inconsistent_definitions() -> None:
    with pytest.raises(InvalidAmount):
        Meter("m", aggregation="median")
    with pytest.raises(InvalidAmount):
        Meter("m", aggregation="unique_count")  # which property?
    with pytest.raises(InvalidAmount):
        Meter("m", precision=13)
    assert group_of(Meter("t", group_by=("model",)), {"model": "gpt", "x": "1"})[1] == {"model": "gpt"}


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False))
def test_graduated_lines_cover_the_quantity_and_are_monotone(q: Decimal) -> None:
    lines = price_usage("tokens", q, GRADUATED)
    assert sum(ln.quantity for ln in lines) == q
    assert usage_amount(q, GRADUATED) == sum(ln.amount for ln in lines)
    assert usage_amount(q + 1, GRADUATED) >= usage_amount(q, GRADUATED)


@given(st.integers(0, 10**6), st.integers(1, 1000), st.integers(0, 10_000))
def test_package_bills_whole_packages_rounded_up(q: int, size: int, per_package: int) -> None:
    spec = PriceSpec("package", (Tier(None, Decimal(per_package)),), package_size=size)
    assert usage_amount(q, spec) == -(-q // size) * per_package


def test_volume_and_per_unit_with_decimal_quantities() -> None:
    volume = PriceSpec("volume", (Tier(Decimal("3600.5"), Decimal("0.05")), Tier(None, Decimal("0.03"))))
    assert usage_amount(Decimal("3600.5"), volume) == 180  # 180.025 → 180
    assert usage_amount(Decimal("3600.6"), volume) == 108  # every unit at the reached tier
    per_unit = PriceSpec("per_unit", (Tier(None, Decimal("0.0002")),))
    assert usage_amount(Decimal("1234567.891"), per_unit) == 247  # 246.9135782 → 247


def test_package_and_tier_validation() -> None:
    with pytest.raises(InvalidAmount):
        PriceSpec("package", (Tier(None, Decimal(5)),))
    with pytest.raises(InvalidAmount):
        PriceSpec("per_unit", (Tier(None, Decimal(5)),), package_size=10)
    with pytest.raises(InvalidAmount):
        PriceSpec("tiered", (Tier(10, Decimal(1)), Tier(5, Decimal(1)), Tier(None, Decimal(1))))


def _rule(rid: str, scope: str, cents: int, **filters: str) -> PriceRule:
    spec = PriceSpec("per_unit", (Tier(None, Decimal(cents)),))
    return PriceRule(rid, "tokens", scope, spec, tuple(sorted(filters.items())))


scopes = st.sampled_from(["account", "plan", "global"])
models = st.sampled_from(["a", "b", "c"])


@given(st.lists(st.tuples(scopes, st.one_of(st.none(), models)), min_size=1, max_size=8), models)
def test_the_most_specific_matching_price_wins(specs: list[tuple[str, str | None]], model: str) -> None:
    rules = [_rule(f"p{i}", scope, i, **({"model": m} if m else {})) for i, (scope, m) in enumerate(specs)]
    chosen = select_price(rules, {"model": model})
    matching = [r for r in rules if r.matches({"model": model})]
    if not matching:
        assert chosen is None
        return
    assert chosen is not None and chosen.matches({"model": model})
    order = ["account", "plan", "global"]
    best_scope = min(order.index(r.scope) for r in matching)
    assert order.index(chosen.scope) == best_scope
    same_scope = [r for r in matching if order.index(r.scope) == best_scope]
    assert len(chosen.filters) == max(len(r.filters) for r in same_scope)


def test_usage_lines_combine_groups_under_one_price_and_split_per_model_prices() -> None:
    meter = Meter("tokens", group_by=("model",))
    prices = {
        "tokens": [
            _rule("global", "global", 1),
            _rule("big", "global", 10, model="big"),
            _rule("acct", "account", 2),
        ]
    }

    def agg(model: str, q: int) -> UsageAggregate:
        return UsageAggregate("tokens", {"model": model}, observe(EMPTY, Decimal(q), T0))

    lines = usage_lines([agg("small", 3), agg("tiny", 4), agg("big", 5)], {"tokens": meter}, prices)
    # account price (2 cents) beats the global per-model price: one line for all 12 tokens
    assert [(ln.price_id, ln.line.quantity, ln.line.amount) for ln in lines] == [("acct", 12, 24)]
    prices["tokens"] = prices["tokens"][:2]
    lines = usage_lines([agg("small", 3), agg("tiny", 4), agg("big", 5)], {"tokens": meter}, prices)
    assert sorted((ln.price_id, ln.line.quantity, ln.line.amount) for ln in lines) == [
        ("big", 5, 50),
        ("global", 7, 7),
    ]
    assert "model: big" in next(ln.line.description for ln in lines if ln.price_id == "big")


def test_usage_without_a_price_is_an_unpriced_zero_line() -> None:
    lines = usage_lines([UsageAggregate("x", {}, observe(EMPTY, Decimal(3), T0))], {}, {})
    assert [(ln.line.amount, ln.line.description) for ln in lines] == [(0, "x (unpriced)")]


@given(st.integers(-10, 10**9), st.integers(-5, 10**6))
def test_thresholds_reached(amount: int, step: int) -> None:
    n = thresholds_reached(amount, step)
    if step <= 0 or amount <= 0:
        assert n == 0
    else:
        assert n * step <= amount < (n + 1) * step
