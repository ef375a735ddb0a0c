"""Coupons, pure: validation, redeemability, and the discount lines (never below zero, never across
currencies, in order, once / repeating / forever)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.coupons import Coupon, Redemption, check_redeemable, coupon_lines
from domain.errors import InvalidAmount, InvalidState

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def pct(p: str, duration: str = "forever", **kw) -> Coupon:
    return Coupon(f"P{p.replace('.', '_')}", "percent", duration, percent_off=Decimal(p), **kw)


def fixed(amount: int, currency: str = "USD", duration: str = "forever", **kw) -> Coupon:
    return Coupon(f"F{amount}", "fixed", duration, amount_off=amount, currency=currency, **kw)


@pytest.mark.parametrize(
    "kw",
    [
        {"code": "X", "kind": "percent", "duration": "once", "percent_off": Decimal(0)},
        {"code": "X", "kind": "percent", "duration": "once", "percent_off": Decimal("100.01")},
        {"code": "X", "kind": "percent", "duration": "once", "percent_off": Decimal("NaN")},
        {"code": "X", "kind": "fixed", "duration": "once", "amount_off": 100},  # no currency
        {"code": "X", "kind": "fixed", "duration": "once", "amount_off": -5, "currency": "USD"},
        {"code": "X", "kind": "percent", "duration": "repeating", "percent_off": Decimal(5)},
        {
            "code": "X",
            "kind": "percent",
            "duration": "once",
            "percent_off": Decimal(5),
            "duration_periods": 2,
        },
        {"code": "no spaces", "kind": "percent", "duration": "once", "percent_off": Decimal(5)},
        {"code": "X", "kind": "percent", "duration": "once", "percent_off": Decimal(5), "max_redemptions": 0},
    ],
)
def test_bad_coupons_are_refused(kw) -> None:
    with pytest.raises(InvalidAmount):
        Coupon(**kw)


def test_redeemable_until_expiry_limit_and_only_in_its_currency() -> None:
    c = fixed(500, max_redemptions=2, redeem_by=NOW)
    check_redeemable(c, at=NOW - timedelta(seconds=1), times_redeemed=1, currency="USD")
    with pytest.raises(InvalidState, match="expired"):
        check_redeemable(c, at=NOW, times_redeemed=0, currency="USD")
    with pytest.raises(InvalidState, match="used up"):
        check_redeemable(c, at=NOW - timedelta(days=1), times_redeemed=2, currency="USD")
    with pytest.raises(InvalidAmount, match="EUR"):
        check_redeemable(c, at=NOW - timedelta(days=1), times_redeemed=0, currency="EUR")


coupons = st.one_of(
    st.builds(pct, st.sampled_from(["5", "12.5", "50", "100", "33.3333"])),
    st.builds(fixed, st.integers(1, 50_000), st.sampled_from(["USD", "EUR"])),
)


@given(st.lists(coupons, max_size=5), st.integers(-1000, 10**6), st.integers(0, 10**6))
def test_coupons_never_take_an_invoice_below_zero(cs: list[Coupon], base: int, sub_base: int) -> None:
    reds = [Redemption(c, "sub_1" if i % 2 else None) for i, c in enumerate(cs)]
    lines = coupon_lines(reds, account_base=base, subscription_base={"sub_1": sub_base}, currency="USD")
    total_off = -sum(ln.amount for ln in lines)
    assert all(ln.amount < 0 for ln in lines)
    assert total_off <= max(base, 0)
    sub_off = -sum(ln.amount for ln in lines if ln.subscription_id == "sub_1")
    assert sub_off <= sub_base
    assert all(not (ln.code.startswith("F") and "EUR" in ln.code) for ln in lines)
    for ln in lines:  # an EUR coupon never discounts a USD invoice
        c = next(c for c in cs if c.code == ln.code)
        assert c.kind == "percent" or c.currency == "USD"


def test_percent_then_fixed_in_order_and_durations() -> None:
    lines = coupon_lines(
        [Redemption(pct("10"), None), Redemption(fixed(500), None)],
        account_base=10_000,
        subscription_base={},
        currency="USD",
    )
    assert [ln.amount for ln in lines] == [-1000, -500]
    once = Redemption(pct("10", "once"), None, periods_applied=1)
    three = Redemption(pct("10", "repeating", duration_periods=3), None, periods_applied=2)
    assert not once.active() and three.active()
    assert not Redemption(pct("10", "repeating", duration_periods=3), None, periods_applied=3).active()
    assert coupon_lines([once], account_base=100, subscription_base={}, currency="USD") == []


def test_a_subscription_coupon_only_discounts_that_subscription() -> None:
    [line] = coupon_lines(
        [Redemption(fixed(5000), "sub_a")],
        account_base=10_000,
        subscription_base={"sub_a": 2900, "sub_b": 7100},
        currency="USD",
    )
    assert line.amount == -2900
    assert (
        coupon_lines([Redemption(pct("50"), "sub_x")], account_base=100, subscription_base={}, currency="USD")
        == []
    )


# --- credit notes (same tier: pure rules of corrections)

from domain.credit_notes import check_creditable, credit_note_number, split_credit  # noqa: E402


@given(st.integers(1, 10**9), st.integers(0, 10**8), st.data())
def test_credits_split_in_the_invoices_proportion_and_sum_back(total: int, tax: int, data) -> None:
    tax = min(tax, total)
    parts = data.draw(st.lists(st.integers(1, total), min_size=1, max_size=5))
    if sum(parts) > total:
        parts = [total]
    for amount in parts:
        net, t = split_credit(amount, total, tax)
        assert net + t == amount and 0 <= t <= amount
    assert split_credit(total, total, tax) == (total - tax, tax)


def test_only_what_is_left_of_a_paid_invoice_can_be_credited() -> None:
    check_creditable("paid", 1000, 400, 600)
    with pytest.raises(InvalidState, match="left to credit"):
        check_creditable("paid", 1000, 400, 601)
    for status in ("open", "draft", "void", "uncollectible"):
        with pytest.raises(InvalidState):
            check_creditable(status, 1000, 0, 1)
    with pytest.raises(InvalidAmount):
        check_creditable("paid", 1000, 0, 0)
    assert credit_note_number(2026, 42) == "CN-2026-000042"
