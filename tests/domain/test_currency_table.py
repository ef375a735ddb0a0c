"""Currencies come from ISO 4217 data (babel's CLDR), not a hand-kept table: the committed, generated
domain/currency_table.py must equal what babel says today (re-run scripts/gen_currency_table.py)."""

from __future__ import annotations

import pytest

from domain.currency_table import ISO_CURRENCIES
from domain.errors import UnknownCurrency
from domain.money import check_currency, currency_name, exponent, format_amount, parse_amount
from scripts.gen_currency_table import iso_currencies


def test_the_committed_table_is_babels() -> None:
    assert iso_currencies() == ISO_CURRENCIES


def test_minor_units_follow_iso_4217() -> None:
    assert [exponent(c) for c in ("USD", "EUR", "JPY", "KWD", "BHD", "CLP", "PLN")] == [2, 2, 0, 3, 3, 0, 2]
    assert parse_amount("1.234", "KWD") == 1234 and format_amount(1234, "KWD") == "1.234"
    assert currency_name("PLN") == "Polish Zloty" and currency_name("CREDIT") == "Credits"
    assert exponent("BTC") == 8 and exponent("ETH") == 18  # ours, beside ISO's


@pytest.mark.parametrize("code", ["XXX", "XTS", "ZZZ", "usdd", "", "DEM"])  # test, none, made up, historic
def test_codes_that_are_not_tender_are_refused(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        check_currency(code)
