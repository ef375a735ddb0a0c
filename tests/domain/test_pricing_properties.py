"""Properties of the engine (hypothesis): the clamp always holds, the price is the exact product
rounded once, input order of rules never matters (equal priorities are tie-broken by name, then id),
and no applicable rule means the base price."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.money import Money
from domain.pricing import Bounds, PricingContext, Rule, Scope, price
from domain.pricing_params import parse_params

D = Decimal
BASE_AT = datetime(2025, 1, 6, tzinfo=UTC)

multipliers = st.decimals(min_value=D("0.000001"), max_value=D("100"), places=6)
discounts = st.decimals(min_value=D("0"), max_value=D("0.99"), places=6)
fractions01 = st.decimals(min_value=D("0"), max_value=D("1"), places=6)


@st.composite
def params(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    kind = draw(st.sampled_from(["surge", "reputation", "time", "bulk", "fixed"]))
    if kind == "surge":
        threshold = draw(st.decimals(min_value=D("0.01"), max_value=D("2"), places=2))
        m = draw(multipliers)
        out: dict[str, object] = {
            "threshold": threshold,
            "multiplier": m,
            "scale_with_demand": draw(st.booleans()),
        }
        if draw(st.booleans()):
            out["cap"] = min(D(100), m + draw(st.decimals(min_value=D(0), max_value=D(5), places=2)))
        return kind, out
    if kind == "reputation":
        max_d = draw(fractions01)
        return kind, {
            "max_discount": max_d,
            "min_reputation": draw(st.decimals(min_value=D(0), max_value=D("0.99"), places=2)),
        }
    if kind == "time":
        start = draw(st.integers(0, 23))
        end = draw(st.integers(start + 1, 24))
        days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))
        return kind, {
            "windows": [{"days": days, "start_hour": start, "end_hour": end, "multiplier": draw(multipliers)}]
        }
    if kind == "bulk":
        qtys = draw(st.lists(st.integers(1, 500), min_size=1, max_size=4, unique=True))
        return kind, {"tiers": [{"min_quantity": q, "discount": draw(discounts)} for q in qtys]}
    return kind, {"multiplier": draw(multipliers)}


@st.composite
def rules(draw: st.DrawFn, max_size: int = 12) -> list[Rule]:
    out = []
    n = draw(st.integers(0, max_size))
    names = draw(st.lists(st.text("abc", min_size=1, max_size=3), min_size=n, max_size=n))
    for i, name in enumerate(names):
        kind, raw = draw(params())
        scope = draw(st.sampled_from([Scope.GLOBAL, Scope.AGENT, Scope.CATEGORY]))
        value = None if scope is Scope.GLOBAL else draw(st.sampled_from(["a1", "a2", "c1"]))
        start = draw(st.none() | st.integers(-10, 10).map(lambda h: BASE_AT + timedelta(hours=h)))
        out.append(
            Rule(
                id=f"id{i:03d}",
                name=name,
                params=parse_params(kind, raw),
                priority=draw(st.integers(0, 3)),
                scope=scope,
                scope_value=value,
                enabled=draw(st.booleans()),
                active_from=start,
                active_until=None if start is None else start + timedelta(hours=draw(st.integers(1, 20))),
            )
        )
    return out


contexts = st.builds(
    PricingContext,
    at=st.integers(-48, 24 * 8).map(lambda h: BASE_AT + timedelta(hours=h)),
    agent_id=st.sampled_from(["a1", "a2", None]),
    reputation=st.none() | fractions01,
    demand=st.none() | st.decimals(min_value=D(0), max_value=D(3), places=3),
    timezone=st.sampled_from([None, "UTC", "America/New_York", "Asia/Kolkata"]),
    quantity=st.integers(1, 600),
    category=st.sampled_from(["c1", None]),
)
bases = st.sampled_from(["USD", "JPY", "BTC", "ETH", "CREDIT"]).flatmap(
    lambda c: st.integers(0, 10**24).map(lambda m: Money(m, c))
)
bounds = st.tuples(
    st.decimals(min_value=D("0.01"), max_value=D(1), places=2),
    st.decimals(min_value=D(1), max_value=D(50), places=2),
).map(lambda b: Bounds(*b))


@settings(max_examples=150, deadline=None)
@given(bases, contexts, rules(), bounds)
def test_clamp_always_holds_and_price_is_exact_product_rounded_once(base, ctx, rs, bnd) -> None:
    q = price(base, ctx, rs, bnd)
    assert bnd.min_multiplier <= q.multiplier <= bnd.max_multiplier
    rule_lines = [a for a in q.adjustments if a.type != "clamp"]
    product = Fraction(1)
    for a in rule_lines:
        product *= Fraction(a.multiplier)
    clamped = min(max(product, Fraction(bnd.min_multiplier)), Fraction(bnd.max_multiplier))
    assert Fraction(q.multiplier) == clamped
    assert q.clamped == (clamped != product) == any(a.type == "clamp" for a in q.adjustments)
    exact = Fraction(base.minor) * clamped  # minor units; round half away from zero, once
    assert q.adjusted_price == int(exact + Fraction(1, 2))
    assert q.total == q.adjusted_price * ctx.quantity


@settings(max_examples=150, deadline=None)
@given(bases, contexts, rules(), st.randoms(use_true_random=False))
def test_input_order_never_matters(base, ctx, rs, rnd: random.Random) -> None:
    shuffled = list(rs)
    rnd.shuffle(shuffled)
    assert price(base, ctx, shuffled) == price(base, ctx, rs)


@settings(max_examples=100, deadline=None)
@given(bases, contexts, st.integers(0, 3), st.lists(multipliers, min_size=2, max_size=6))
def test_equal_priority_lines_follow_name_then_id(base, ctx, prio, ms) -> None:
    rs = [
        Rule(
            id=f"z{len(ms) - i}",
            name="same" if i % 2 else f"n{i}",
            params=parse_params("fixed", {"multiplier": m}),
            priority=prio,
        )
        for i, m in enumerate(ms)
    ]
    lines = [a.rule for a in price(base, ctx, list(reversed(rs))).adjustments if a.type == "fixed"]
    expected = [r.name for r in sorted(rs, key=lambda r: (r.name, r.id)) if r.params.multiplier != 1]
    assert lines == expected


@settings(max_examples=200, deadline=None)
@given(bases, contexts, bounds)
def test_no_rules_is_the_base_price(base, ctx, bnd) -> None:
    q = price(base, ctx, [], bnd)
    assert (q.adjusted_price, q.multiplier, q.adjustments) == (base.minor, 1, ())


@settings(max_examples=200, deadline=None)
@given(bases, contexts, rules())
def test_disabled_rules_are_no_rules(base, ctx, rs) -> None:
    off = [
        Rule(r.id, r.name, r.params, r.priority, r.scope, r.scope_value, False, r.active_from, r.active_until)
        for r in rs
    ]
    assert price(base, ctx, off).adjusted_price == base.minor
