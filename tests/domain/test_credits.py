"""Credits rules: consumption order, refund allocation, expiry, threshold crossings (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import credits as rules
from domain.credits import Draw, Lot
from domain.errors import InsufficientFunds, InvalidAmount

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _lot(i: int, remaining: int, days: float | None) -> Lot:
    return Lot(i, remaining, None if days is None else NOW + timedelta(days=days))


def test_earliest_expiry_first_non_expiring_last_ties_by_age() -> None:
    lots = [_lot(1, 10, None), _lot(2, 10, 5), _lot(3, 10, 1), _lot(4, 10, None), _lot(5, 10, 1)]
    assert [lot.id for lot in rules.consumption_order(lots)] == [3, 5, 2, 1, 4]
    assert rules.plan_draw(lots, 25, NOW) == [(3, 10), (5, 10), (2, 5)]
    assert rules.plan_draw(lots, 50, NOW)[-1] == (4, 10)


def test_expired_lots_are_neither_drawn_nor_available() -> None:
    lots = [_lot(1, 10, -1), _lot(2, 5, None), _lot(3, 7, 0)]  # expires exactly now: expired
    assert rules.available(lots, NOW) == 5
    assert rules.plan_draw(lots, 5, NOW) == [(2, 5)]
    with pytest.raises(InsufficientFunds) as exc:
        rules.plan_draw(lots, 6, NOW)
    assert exc.value.code == "insufficient_credits"
    assert rules.next_expiry(lots) == NOW - timedelta(days=1)  # unswept lots still count for the sweep


def test_refund_reverses_the_draws_last_first_and_is_bounded() -> None:
    draws = [Draw(3, 10), Draw(2, 5, refunded=1), Draw(1, 4)]
    assert rules.plan_refund(draws, 6) == [(1, 4), (2, 2)]
    assert rules.plan_refund(draws, None) == [(1, 4), (2, 4), (3, 10)]
    with pytest.raises(InsufficientFunds) as exc:
        rules.plan_refund(draws, 19)
    assert exc.value.code == "refund_exceeds_deduction"
    with pytest.raises(InsufficientFunds):
        rules.plan_refund([Draw(1, 4, refunded=4)], None)
    with pytest.raises(InvalidAmount):
        rules.plan_refund(draws, 0)


lots_st = st.lists(
    st.tuples(st.integers(0, 1000), st.one_of(st.none(), st.integers(-3, 30))), min_size=1, max_size=12
).map(lambda xs: [_lot(i + 1, r, d) for i, (r, d) in enumerate(xs)])


@given(lots_st, st.integers(1, 5000))
def test_draw_covers_the_amount_exactly_from_live_lots_in_order(lots: list[Lot], amount: int) -> None:
    live = rules.available(lots, NOW)
    if amount > live:
        with pytest.raises(InsufficientFunds):
            rules.plan_draw(lots, amount, NOW)
        return
    plan = rules.plan_draw(lots, amount, NOW)
    by_id = {lot.id: lot for lot in lots}
    assert sum(t for _, t in plan) == amount
    assert all(0 < t <= by_id[i].remaining and rules.is_live(by_id[i], NOW) for i, t in plan)
    order = [lot.id for lot in rules.consumption_order(lot for lot in lots if rules.is_live(lot, NOW))]
    assert [i for i, _ in plan] == order[: len(plan)]  # a prefix of the consumption order
    assert all(by_id[i].remaining == t for i, t in plan[:-1])  # only the last lot is drawn partially


@given(st.lists(st.tuples(st.integers(1, 100), st.integers(0, 100)), min_size=1, max_size=8), st.data())
def test_refund_never_exceeds_what_is_left_per_lot_or_in_total(pairs, data) -> None:
    draws = [Draw(i, a, min(r, a)) for i, (a, r) in enumerate(pairs)]
    left = sum(d.amount - d.refunded for d in draws)
    if left == 0:
        return
    amount = data.draw(st.integers(1, left))
    plan = rules.plan_refund(draws, amount)
    assert sum(g for _, g in plan) == amount
    room = {d.lot_id: d.amount - d.refunded for d in draws}
    assert all(0 < g <= room[i] for i, g in plan)


def test_low_balance_crossing_is_downward_only() -> None:
    assert rules.crossed_below(50, 60, 40)
    assert rules.crossed_below(50, 50, 49)
    assert not rules.crossed_below(50, 40, 30)  # already below: no new crossing
    assert not rules.crossed_below(50, 60, 50)  # landing on the threshold is not below it
    assert not rules.crossed_below(0, 10, 0)  # 0 disables the alert


def test_credits_for_a_payment_at_the_configured_rate() -> None:
    assert rules.credits_for_payment(10000, "USD", Decimal("1")) == 100 * 10_000
    assert rules.credits_for_payment(1999, "USD", Decimal("2.5")) == 499750
    assert rules.credits_for_payment(500, "JPY", Decimal("0.01")) == 5 * 10_000
