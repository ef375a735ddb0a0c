"""Pure rules of mandates and credit redemption (issue #11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, InvalidAmount
from domain.ledger import validate_postings
from domain.mandates import Mandate, check_charge, day_period, month_period, status, validate_caps
from domain.redemption import fiat_for_credits, redemption_postings

NOW = datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)


def _m(**kw: object) -> Mandate:
    base = {
        "id": "mdt_1",
        "user_id": "u",
        "agent_id": "a",
        "currency": "CREDIT",
        "max_per_charge": 5,
        "max_per_day": 10,
        "max_per_month": 100,
        "contract_id": None,
        "expires_at": None,
        "revoked_at": None,
    }
    return Mandate(**{**base, **kw})  # type: ignore[arg-type]


def test_periods_are_utc_day_and_calendar_month() -> None:
    assert (day_period(NOW), month_period(NOW)) == ("D2026-11-30", "M2026-11")
    later = NOW + timedelta(seconds=1)
    assert (day_period(later), month_period(later)) == ("D2026-12-01", "M2026-12")


@pytest.mark.parametrize(
    ("mandate", "kw", "code"),
    [
        (_m(revoked_at=NOW), {}, "mandate_revoked"),
        (_m(expires_at=NOW), {}, "mandate_expired"),
        (_m(), {"amount": 6}, "mandate_cap_exceeded"),
        (_m(), {"currency": "USD"}, "mandate_currency_mismatch"),
        (_m(contract_id="c1"), {}, "mandate_scope_mismatch"),
        (_m(contract_id="c1"), {"contract_id": "c2"}, "mandate_scope_mismatch"),
    ],
)
def test_a_charge_outside_the_mandate_is_refused(mandate: Mandate, kw: dict, code: str) -> None:
    args = {"amount": 5, "currency": "CREDIT", "contract_id": None, "now": NOW, **kw}
    with pytest.raises(Conflict) as exc:
        check_charge(mandate, **args)  # type: ignore[arg-type]
    assert exc.value.code == code


def test_a_charge_inside_the_mandate_passes() -> None:
    check_charge(
        _m(contract_id="c1", expires_at=NOW + timedelta(days=1)),
        amount=5,
        currency="CREDIT",
        contract_id="c1",
        now=NOW,
    )
    assert status(_m(), NOW) == "active"


@pytest.mark.parametrize(
    ("caps", "param"),
    [((0, 1, 1), "max_per_charge"), ((2, 1, 1), "max_per_charge"), ((1, 2, 1), "max_per_day")],
)
def test_caps_must_nest(caps: tuple[int, int, int], param: str) -> None:
    with pytest.raises(InvalidAmount) as exc:
        validate_caps(*caps)
    assert exc.value.param == param


@given(
    credits=st.integers(min_value=1, max_value=10**20),
    price=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1000"), places=4),
    fiat_exp=st.sampled_from([0, 2]),
)
def test_redemption_never_pays_more_than_the_credits_are_worth(
    credits: int, price: Decimal, fiat_exp: int
) -> None:
    fiat = fiat_for_credits(credits, 4, price, fiat_exp)
    exact = Decimal(credits).scaleb(-4) * price * Decimal(10) ** fiat_exp
    assert fiat <= exact < fiat + 1


def test_redemption_postings_balance_per_currency_and_refuse_dust() -> None:
    postings = redemption_postings("ag", 10_0000, "USD", 900)
    validate_postings(postings)
    assert {(p.account, p.amount) for p in postings} == {
        ("earnings:ag:CREDIT", -100000),
        ("system:credit_redemptions:CREDIT", 100000),
        ("system:credit_redemptions:USD", -900),
        ("earnings:ag:USD", 900),
    }
    with pytest.raises(InvalidAmount):
        redemption_postings("ag", 1, "USD", 0)
