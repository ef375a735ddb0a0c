"""Billing rules, pure: periods, tiered/volume pricing, per-line tax, proration, totals, dunning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import billing as b
from domain.errors import InvalidAmount, InvalidState

GRADUATED = b.PriceSpec(
    "tiered", (b.Tier(1000, Decimal("0.5")), b.Tier(10_000, Decimal("0.2")), b.Tier(None, Decimal("0.1")))
)
VOLUME = b.PriceSpec("volume", (b.Tier(1000, Decimal("0.5")), b.Tier(None, Decimal("0.2"))))


def test_periods_are_utc_calendar_months() -> None:
    p = b.Period.parse("2026-12")
    assert p.start == datetime(2026, 12, 1, tzinfo=UTC)
    assert p.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert p.next().label == "2027-01" and b.Period.parse("2027-01").previous() == p
    assert b.Period.containing(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == p
    for bad in ("2026-13", "2026/01", "26-01", 202601, "2026-00"):
        with pytest.raises(InvalidAmount):
            b.Period.parse(bad)


def test_add_months_clamps_the_day() -> None:
    assert b.add_months(datetime(2026, 1, 31, 9, tzinfo=UTC), 1) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert b.add_months(datetime(2026, 11, 15, tzinfo=UTC), 3) == datetime(2027, 2, 15, tzinfo=UTC)


def test_graduated_tiers_price_each_band_at_its_own_rate() -> None:
    lines = b.price_usage("calls", 12_345, GRADUATED)
    assert [(ln.quantity, ln.amount) for ln in lines] == [(1000, 500), (9000, 1800), (2345, 235)]
    assert sum(ln.amount for ln in lines) == 2535


def test_volume_prices_every_unit_at_the_reached_tier() -> None:
    assert b.price_usage("calls", 1000, VOLUME)[0].amount == 500
    assert b.price_usage("calls", 1001, VOLUME)[0].amount == 200  # 1001 × 0.2 = 200.2 → 200


def test_per_unit_rounds_once_per_line() -> None:
    spec = b.PriceSpec("per_unit", (b.Tier(None, Decimal("0.15")),))
    assert b.price_usage("tokens", 333, spec)[0].amount == 50  # 49.95 → 50, rounded once


def test_price_validation_refuses_bad_tiers() -> None:
    with pytest.raises(InvalidAmount):
        b.PriceSpec("tiered", (b.Tier(100, Decimal(1)), b.Tier(50, Decimal(1)), b.Tier(None, Decimal(1))))
    with pytest.raises(InvalidAmount):
        b.PriceSpec("tiered", (b.Tier(100, Decimal(1)),))  # last tier must be unbounded
    with pytest.raises(InvalidAmount):
        b.PriceSpec("bogus", (b.Tier(None, Decimal(1)),))


def test_tax_exclusive_and_inclusive_per_line() -> None:
    assert b.tax_line(1999, b.TaxRule(Decimal(20))) == b.TaxedLine(1999, 400, 2399)  # 399.8 → 400
    incl = b.tax_line(1200, b.TaxRule(Decimal(20), inclusive=True))
    assert incl == b.TaxedLine(1000, 200, 1200)
    assert b.tax_line(-1999, b.TaxRule(Decimal(20))).tax == -400  # credits are symmetric


def test_tax_is_rounded_per_line_not_on_the_sum() -> None:
    draft = b.InvoiceDraft()
    rule = b.TaxRule(Decimal(10))
    for _ in range(3):
        draft.add("usage", "x", 1, Decimal(5), 5, rule)  # 0.5 → 1 per line
    assert draft.totals() == b.InvoiceTotals(subtotal=15, tax=3, total=18)  # not round(1.5) = 2


def test_negative_total_is_carried_forward() -> None:
    draft = b.InvoiceDraft()
    draft.add("subscription", "fee", 1, Decimal(1000), 1000, b.NO_TAX)
    draft.add("proration", "unused", 1, Decimal(-1500), -1500, b.NO_TAX)
    assert draft.totals() == b.InvoiceTotals(-500, 0, 0, carried_credit=500)


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
    st.booleans(),
)
def test_tax_line_parts_always_add_up(amount: int, percent: Decimal, inclusive: bool) -> None:
    t = b.tax_line(amount, b.TaxRule(percent, inclusive))
    assert t.net + t.tax == t.gross
    assert (t.gross == amount) if inclusive else (t.net == amount)


@given(st.integers(min_value=0, max_value=10**7))
def test_graduated_never_cheaper_than_the_cheapest_rate(quantity: int) -> None:
    total = sum(ln.amount for ln in b.price_usage("c", quantity, GRADUATED))
    assert total >= b.round_line(Decimal("0.1") * quantity)
    assert sum(ln.quantity for ln in b.price_usage("c", quantity, GRADUATED)) == quantity


def test_proration_by_whole_elapsed_days() -> None:
    start = datetime(2026, 4, 1, tzinfo=UTC)
    end = datetime(2026, 5, 1, tzinfo=UTC)
    assert b.prorate(3000, start, end, start + timedelta(days=10, hours=5)) == 2000
    items = b.plan_change_proration("Basic", 1000, "Pro", 3000, start, end, start + timedelta(days=15))
    assert [i.amount for i in items] == [-500, 1500]
    with pytest.raises(InvalidState):
        b.prorate(1, end, start, start)


def test_invoice_state_machine() -> None:
    b.check_invoice_transition("draft", "open")
    b.check_invoice_transition("open", "uncollectible")
    b.check_invoice_transition("uncollectible", "paid")
    b.check_invoice_transition("paid", "open")  # a refund of its payment reopens it
    for bad in (("paid", "void"), ("paid", "uncollectible"), ("void", "paid"), ("draft", "paid")):
        with pytest.raises(InvalidState):
            b.check_invoice_transition(*bad)
    assert b.invoice_number("INV", 2026, 1) == "INV-2026-000001"


def test_dunning_waits_from_retry_days() -> None:
    assert b.dunning_waits([3, 5, 7]) == [timedelta(days=3), timedelta(days=2), timedelta(days=2)]
    with pytest.raises(InvalidAmount):
        b.dunning_waits([3, 3])


def test_credit_conversion_never_undercharges() -> None:
    # 12.34 USD at 1 credit per unit, CREDIT exponent 4 → 12.3400 credits
    assert b.credits_for(1234, 2, 4, Decimal(1)) == 123_400
    assert b.credits_for(1, 2, 4, Decimal("0.333")) == 34  # 33.3 → 34
    assert b.amount_covered_by(123_456, 2, 4, Decimal(1)) == 1234  # rounded down
