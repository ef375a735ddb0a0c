import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidAmount, UnbalancedTransaction
from domain.ledger import (
    Posting,
    is_non_negative,
    net_by_account,
    reverse,
    transfer_postings,
    validate_postings,
)


@given(st.integers(min_value=1, max_value=10**20), st.sampled_from(["USD", "CREDIT", "ETH"]))
def test_transfer_postings_balance(amount: int, currency: str) -> None:
    postings = transfer_postings("wallet:a:X", "system:revenue:X", amount, currency)
    validate_postings(postings)
    assert sum(p.amount for p in postings) == 0
    assert sum(p.amount for p in reverse(postings)) == 0


@given(
    st.lists(
        st.integers(min_value=-(10**12), max_value=10**12).filter(lambda x: x != 0), min_size=1, max_size=8
    )
)
def test_any_list_closed_by_a_balancing_leg_validates(amounts: list[int]) -> None:
    postings = [Posting(f"system:a{i}:USD", a, "USD") for i, a in enumerate(amounts)]
    total = sum(amounts)
    if total == 0:
        validate_postings(postings) if len(postings) >= 2 else None
        return
    postings.append(Posting("system:plug:USD", -total, "USD"))
    validate_postings(postings)


def test_unbalanced_refused() -> None:
    with pytest.raises(UnbalancedTransaction):
        validate_postings([Posting("a", 5, "USD"), Posting("b", -4, "USD")])
    with pytest.raises(UnbalancedTransaction):  # balanced in sum but not per currency
        validate_postings([Posting("a", 5, "USD"), Posting("b", -5, "EUR")])


def test_zero_and_single_refused() -> None:
    with pytest.raises(InvalidAmount):
        validate_postings([Posting("a", 0, "USD"), Posting("b", 0, "USD")])
    with pytest.raises(UnbalancedTransaction):
        validate_postings([Posting("a", 5, "USD")])
    with pytest.raises(InvalidAmount):
        transfer_postings("a", "b", -1, "USD")


def test_net_and_flags() -> None:
    net = net_by_account([Posting("x", 5, "USD"), Posting("x", -5, "USD"), Posting("y", 3, "USD")])
    assert net == {("y", "USD"): 3}
    assert is_non_negative("wallet:u:CREDIT") and not is_non_negative("clearing:stripe:USD")
