from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidAmount, UnknownCurrency
from domain.money import allocate, format_amount, parse_amount, round_minor


@pytest.mark.parametrize(
    ("raw", "currency", "minor"),
    [
        ("12.00", "USD", 1200),
        (Decimal("0.01"), "USD", 1),
        (100, "JPY", 100),
        ("1.5", "USD", 150),
        ("0.00000001", "BTC", 1),
        ("1", "ETH", 10**18),
        ("0.0001", "CREDIT", 1),
    ],
)
def test_parse_amount_exact(raw: object, currency: str, minor: int) -> None:
    assert parse_amount(raw, currency) == minor


@pytest.mark.parametrize(
    "raw",
    [
        "-0.001",
        "-1",
        "0",
        "0.00",
        "NaN",
        "Infinity",
        "-Infinity",
        "1.001",
        "abc",
        "",
        True,
        None,
        "1e40",
        [],
        {},
        "1" * 70,
    ],
)
def test_parse_amount_refuses_bad_input(raw: object) -> None:
    with pytest.raises(InvalidAmount) as info:
        parse_amount(raw, "USD", param="amount")
    assert info.value.param == "amount"


def test_parse_amount_refuses_subunit_for_jpy() -> None:
    with pytest.raises(InvalidAmount, match="decimal places"):
        parse_amount("1.5", "JPY")


def test_unknown_currency() -> None:
    with pytest.raises(UnknownCurrency):
        parse_amount("1", "XXX")


def test_round_half_away_from_zero() -> None:
    assert round_minor(Decimal("0.005"), "USD") == 1
    assert round_minor(Decimal("-0.005"), "USD") == -1
    assert round_minor(Decimal("0.0049"), "USD") == 0


@given(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(["USD", "JPY", "BTC", "ETH", "CREDIT"]),
)
def test_format_parse_roundtrip(minor: int, currency: str) -> None:
    text = format_amount(minor, currency)
    assert parse_amount(text, currency, allow_zero=True, allow_negative=True) == minor


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6))
def test_rounding_is_stable(value: Decimal) -> None:
    once = round_minor(value, "USD")
    assert round_minor(Decimal(once) / 100, "USD") == once
    assert abs(Decimal(once) / 100 - value) <= Decimal("0.005")


@given(
    st.integers(min_value=0, max_value=10**15),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=10).filter(lambda w: sum(w) > 0),
)
def test_allocate_sums_to_whole(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
