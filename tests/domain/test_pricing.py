"""The pricing engine, pure: each rule type, scope/window/enabled, clamp, exact rounding, validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from domain.money import Money
from domain.pricing import Bounds, PricingContext, Rule, Scope, default_name, price, validate_rule
from domain.pricing_params import InvalidRule, params_to_json, parse_params

D = Decimal
AT = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday, noon UTC


def rule(kind: str, params: dict[str, Any], name: str = "r", **kw: Any) -> Rule:
    return Rule(id=kw.pop("id", name), name=name, params=parse_params(kind, params), **kw)


def quote(rules: list[Rule], base: int = 1000, currency: str = "USD", **ctx: Any):
    return price(Money(base, currency), PricingContext(at=ctx.pop("at", AT), **ctx), rules)


def test_sprint_example() -> None:
    surge = rule("surge", {"threshold": "0.8", "multiplier": "1.2"}, name="surge_pricing_0.8")
    q = quote([surge], demand=D("0.9"))
    assert (q.adjusted_price, q.multiplier) == (1200, D("1.2"))
    assert [(a.rule, a.type, a.multiplier, a.description) for a in q.adjustments] == [
        ("surge_pricing_0.8", "surge", D("1.2"), "Surge pricing when demand exceeds 0.8")
    ]
    assert default_name(surge.params) == "surge_pricing_0.8"


def test_surge_default_scaled_and_capped() -> None:
    assert quote([rule("surge", {"threshold": "0.8"})], demand=D("0.81")).multiplier == D("1.5")
    assert quote([rule("surge", {"threshold": "0.8"})], demand=D("0.8")).adjustments == ()
    assert quote([rule("surge", {"threshold": "0.8"})]).adjustments == ()  # demand unknown
    scaled = rule("surge", {"threshold": "0.8", "multiplier": "1.2", "scale_with_demand": True, "cap": "2"})
    assert quote([scaled], demand=D("1.2")).multiplier == D("1.8")  # 1.2 × 1.2/0.8
    assert quote([scaled], demand=D("0.9")).multiplier == D("1.35")
    assert quote([scaled], demand=D("5")).multiplier == D("2")
    assert quote([scaled], demand=D("0.97")).multiplier == D("1.455")


def test_reputation_linear_and_stepped_never_above_max() -> None:
    linear = rule("reputation", {"max_discount": "0.2", "min_reputation": "0.5"})
    assert quote([linear], reputation=D("0.5")).adjustments == ()
    assert quote([linear], reputation=D("0.75")).multiplier == D("0.9")
    assert quote([linear], reputation=D("1")).multiplier == D("0.8")
    assert quote([linear], reputation=D("0.7")).multiplier == D("0.92")
    assert quote([rule("reputation", {})], reputation=D("1")).multiplier == D("0.8")  # 20 % default
    stepped = rule(
        "reputation",
        {
            "mode": "stepped",
            "max_discount": "0.15",
            "steps": [
                {"min_reputation": "0.9", "discount": "0.1"},
                {"min_reputation": "0.99", "discount": "0.15"},
            ],
        },
    )
    assert quote([stepped], reputation=D("0.89")).adjustments == ()
    assert quote([stepped], reputation=D("0.95")).multiplier == D("0.9")
    assert quote([stepped], reputation=D("1")).multiplier == D("0.85")
    assert quote([stepped], reputation=D("0.95")).adjustments[0].description == "Reputation discount of 10%"


def test_time_windows_in_rule_agent_or_utc_zone() -> None:
    peak = {"days": ["mon", "tue"], "start_hour": 9, "end_hour": 17, "multiplier": "1.2"}
    berlin = rule("time", {"timezone": "Europe/Berlin", "windows": [peak]})
    assert quote([berlin], at=datetime(2025, 3, 3, 8, 0, tzinfo=UTC)).multiplier == D("1.2")  # 09:00 CET
    assert quote([berlin], at=datetime(2025, 3, 3, 7, 59, tzinfo=UTC)).adjustments == ()
    # Summer time: 09:00 CEST is 07:00 UTC.
    assert quote([berlin], at=datetime(2025, 7, 7, 7, 0, tzinfo=UTC)).multiplier == D("1.2")
    floating = rule("time", {"windows": [peak]})
    assert quote([floating], at=datetime(2025, 3, 3, 8, 0, tzinfo=UTC)).adjustments == ()  # UTC: 08:00
    assert quote(
        [floating], at=datetime(2025, 3, 3, 8, 0, tzinfo=UTC), timezone="Europe/Berlin"
    ).multiplier == D("1.2")
    offpeak = rule("time", {"windows": [{"days": [6], "start_hour": 0, "end_hour": 24, "multiplier": "0.7"}]})
    q = quote([offpeak], at=datetime(2025, 3, 9, 23, 59, tzinfo=UTC))
    assert q.multiplier == D("0.7") and q.adjustments[0].description == "Off-peak hours Sun 00:00-24:00 (UTC)"


def test_bulk_tiers_and_total() -> None:
    bulk = rule(
        "bulk",
        {"tiers": [{"min_quantity": 100, "discount": "0.12"}, {"min_quantity": 10, "discount": "0.05"}]},
    )
    assert quote([bulk], quantity=9).adjustments == ()
    assert quote([bulk], quantity=10).multiplier == D("0.95")
    assert quote([bulk], quantity=99).multiplier == D("0.95")
    q = quote([bulk], base=999, quantity=100)
    assert (q.multiplier, q.adjusted_price, q.total) == (D("0.88"), 879, 87900)  # 8.7912 → 8.79 per unit


def test_scope_window_and_enabled() -> None:
    fixed = {"multiplier": "1.1"}
    assert quote([rule("fixed", fixed, scope=Scope.AGENT, scope_value="a1")], agent_id="a2").adjustments == ()
    assert quote([rule("fixed", fixed, scope=Scope.AGENT, scope_value="a1")], agent_id="a1").multiplier == D(
        "1.1"
    )
    assert (
        quote([rule("fixed", fixed, scope=Scope.CATEGORY, scope_value="nlp")], category="vision").adjustments
        == ()
    )
    assert quote(
        [rule("fixed", fixed, scope=Scope.CATEGORY, scope_value="nlp")], category="nlp"
    ).multiplier == D("1.1")
    assert quote([rule("fixed", fixed, enabled=False)]).adjustments == ()
    windowed = rule("fixed", fixed, active_from=AT, active_until=AT + timedelta(days=1))
    assert quote([windowed], at=AT - timedelta(seconds=1)).adjustments == ()
    assert quote([windowed], at=AT).multiplier == D("1.1")
    assert quote([windowed], at=AT + timedelta(days=1)).adjustments == ()


def test_clamp_both_ways() -> None:
    up = [rule("fixed", {"multiplier": "2"}, name=f"u{i}") for i in range(2)]
    q = quote(up)
    assert (q.multiplier, q.adjusted_price, q.clamped) == (D("3.0"), 3000, True)
    assert q.adjustments[-1].type == "clamp"
    down = [rule("fixed", {"multiplier": "0.5"}, name=f"d{i}") for i in range(2)]
    q = price(Money(1000, "USD"), PricingContext(at=AT), down, Bounds(D("0.6"), D("2")))
    assert (q.multiplier, q.adjusted_price) == (D("0.6"), 600)
    assert q.adjustments[-1].description == "Combined multiplier 0.25 clamped to the minimum 0.6"
    with pytest.raises(ValueError):
        Bounds(D("1.1"), D("2"))


def test_one_rounding_at_the_end_half_up() -> None:
    # 0.01 × 1.5 = 0.015 → 0.02 (half away from zero); JPY has no minor digits.
    assert quote([rule("fixed", {"multiplier": "1.5"})], base=1).adjusted_price == 2
    assert quote([rule("fixed", {"multiplier": "1.5"})], base=5, currency="JPY").adjusted_price == 8
    # Rounding after each rule would drift: 1.05 then 1.05 on 0.10 → 0.11 → 0.12; once → 0.11025 → 0.11.
    two = [rule("fixed", {"multiplier": "1.05"}, name=n) for n in ("a", "b")]
    assert quote(two, base=10).adjusted_price == 11


def test_product_of_fifty_rules_is_exact() -> None:
    rules = [rule("fixed", {"multiplier": "1.000001"}, name=f"r{i:02d}") for i in range(50)]
    q = quote(rules, base=10**20, currency="ETH")  # 100 ETH in wei
    exact = Fraction(10**20) * Fraction(1_000_001, 1_000_000) ** 50
    assert Fraction(q.multiplier) == Fraction(1_000_001, 1_000_000) ** 50
    assert q.adjusted_price == int(exact + Fraction(1, 2))


def test_no_rules_is_base_price() -> None:
    q = quote([], base=12345)
    assert (q.adjusted_price, q.multiplier, q.adjustments, q.clamped) == (12345, D(1), (), False)


@pytest.mark.parametrize(
    ("kind", "params", "param"),
    [
        ("fixed", {"multiplier": "-0.5"}, "params.multiplier"),
        ("fixed", {"multiplier": "0"}, "params.multiplier"),
        ("fixed", {"multiplier": 1.5}, "params.multiplier"),  # a float: never
        ("fixed", {"multiplier": "1.0000001"}, "params.multiplier"),
        ("fixed", {"multiplier": "NaN"}, "params.multiplier"),
        ("fixed", {"multiplier": "101"}, "params.multiplier"),
        ("surge", {"threshold": "-1"}, "params.threshold"),
        ("surge", {"threshold": "0.8", "multiplier": "2", "cap": "1.5"}, "params.cap"),
        ("surge", {"threshold": "0", "scale_with_demand": True}, "params.threshold"),
        ("reputation", {"max_discount": "1.01"}, "params.max_discount"),
        ("reputation", {"max_discount": "-0.1"}, "params.max_discount"),
        (
            "reputation",
            {
                "mode": "stepped",
                "max_discount": "0.1",
                "steps": [{"min_reputation": "0.9", "discount": "0.2"}],
            },
            "params.steps.0.discount",
        ),
        ("reputation", {"mode": "stepped"}, "params.steps"),
        ("reputation", {"mode": "curvy"}, "params.mode"),
        ("bulk", {"tiers": []}, "params.tiers"),
        ("bulk", {"tiers": [{"min_quantity": 0, "discount": "0.1"}]}, "params.tiers.0.min_quantity"),
        (
            "bulk",
            {"tiers": [{"min_quantity": 5, "discount": "0.1"}, {"min_quantity": 5, "discount": "0.2"}]},
            "params.tiers",
        ),
        (
            "time",
            {"windows": [{"start_hour": 9, "end_hour": 9, "multiplier": "1.1"}]},
            "params.windows.0.end_hour",
        ),
        (
            "time",
            {"windows": [{"days": [7], "start_hour": 9, "end_hour": 10, "multiplier": "1.1"}]},
            "params.windows.0.days",
        ),
        (
            "time",
            {
                "windows": [
                    {"days": ["mon"], "start_hour": 9, "end_hour": 12, "multiplier": "1.1"},
                    {"days": ["sun", "monday"], "start_hour": 11, "end_hour": 13, "multiplier": "1.2"},
                ]
            },
            "params.windows.1",
        ),
        (
            "time",
            {"timezone": "Not/AZone", "windows": [{"start_hour": 1, "end_hour": 2, "multiplier": "1.1"}]},
            "params.timezone",
        ),
        ("nope", {}, "type"),
    ],
)
def test_invalid_parameters(kind: str, params: dict[str, Any], param: str) -> None:
    with pytest.raises(InvalidRule) as err:
        parse_params(kind, params)
    assert err.value.param == param and err.value.status == 422


def test_adjacent_windows_are_fine_and_params_round_trip() -> None:
    samples = [
        (
            "time",
            {
                "timezone": "UTC",
                "windows": [
                    {"days": ["mon"], "start_hour": 9, "end_hour": 12, "multiplier": "1.1"},
                    {"days": [0], "start_hour": 12, "end_hour": 13, "multiplier": D("0.9"), "label": "Lunch"},
                ],
            },
        ),
        ("surge", {"threshold": D("0.8"), "scale_with_demand": True, "cap": "2.5"}),
        ("reputation", {"mode": "stepped", "steps": [{"min_reputation": "0.9", "discount": "0.05"}]}),
        ("reputation", {"min_reputation": "0.3"}),
        ("bulk", {"tiers": [{"min_quantity": 10, "discount": "0.05"}]}),
        ("fixed", {"multiplier": 2}),
    ]
    for kind, raw in samples:
        p = parse_params(kind, raw)
        assert parse_params(kind, params_to_json(p)) == p


def test_whole_rule_validation() -> None:
    p = parse_params("fixed", {"multiplier": "1.1"})
    for bad, param in [
        (Rule("i", "", p), "name"),
        (Rule("i", "n", p, scope=Scope.AGENT), "scope_value"),
        (Rule("i", "n", p, scope_value="x"), "scope_value"),
        (Rule("i", "n", p, active_from=AT, active_until=AT), "active_until"),
        (Rule("i", "n", p, active_from=datetime(2025, 1, 1)), "active_from"),
    ]:
        with pytest.raises(InvalidRule) as err:
            validate_rule(bad)
        assert err.value.param == param
