"""Payout and chargeback rules, pure: the reserve split, postings balance, states, claw-back split."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import disputes, payouts
from domain.errors import InvalidAmount, InvalidState
from domain.ledger import validate_postings


@given(st.integers(1, 10**15), st.decimals(0, 99, places=2))
def test_reserve_split_sums_to_the_whole(amount: int, percent: Decimal) -> None:
    net, held = payouts.split_reserve(amount, percent, "USD")
    assert net + held == amount and net >= 0 and held >= 0
    if net:
        validate_postings(payouts.hold_postings("a", "USD", net, held))


def test_reserve_split_rounds_once() -> None:
    assert payouts.split_reserve(10_001, Decimal("10"), "USD") == (9_001, 1_000)
    assert payouts.split_reserve(2_500, Decimal("0"), "USD") == (2_500, 0)
    with pytest.raises(InvalidAmount):
        payouts.split_reserve(100, Decimal("100"), "USD")


def test_minimum_is_enforced() -> None:
    payouts.check_minimum(1_000, 1_000, "USD")
    with pytest.raises(InvalidAmount) as err:
        payouts.check_minimum(999, 1_000, "USD")
    assert err.value.code == "below_payout_minimum"


def test_every_step_balances() -> None:
    for postings in (
        payouts.hold_postings("a", "USD", 900, 100),
        payouts.paid_postings("a", "USD", "stripe", 900),
        payouts.return_postings("a", "USD", 900, 100),
        payouts.return_postings("a", "USD", 900, 0),
        payouts.release_postings("a", "USD", 100),
        disputes.hold_postings("du_1", "stripe", "USD", 500),
        disputes.won_postings("du_1", "stripe", "USD", 500),
        disputes.lost_postings("du_1", "USD", 500),
        disputes.clawback_postings("a", "USD", 300, 200),
    ):
        validate_postings(postings)


def test_payout_state_machine() -> None:
    assert payouts.check_transition("pending", "in_transit")
    assert payouts.check_transition("in_transit", "paid")
    assert payouts.check_transition("in_transit", "failed")
    assert payouts.check_transition("paid", "paid") is False  # a repeat
    for bad in (("paid", "failed"), ("failed", "paid"), ("in_transit", "pending")):
        with pytest.raises(InvalidState):
            payouts.check_transition(*bad)


def test_dispute_close_rules() -> None:
    assert disputes.outcome_of("needs_response") == "open"
    assert disputes.outcome_of("lost") == "lost"
    assert disputes.outcome_of("warning_closed") == "won"
    assert disputes.check_close("open", "lost")
    assert disputes.check_close("lost", "lost") is False
    with pytest.raises(InvalidState):
        disputes.check_close("won", "lost")


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_clawback_takes_earnings_first_and_never_more_than_needed(needed: int, e: int, r: int) -> None:
    from_e, from_r, short = disputes.clawback_split(needed, e, r)
    assert from_e + from_r + short == needed
    assert 0 <= from_e <= e and 0 <= from_r <= r and short >= 0
    assert from_r == 0 or from_e == e  # the reserve only once earnings are exhausted
