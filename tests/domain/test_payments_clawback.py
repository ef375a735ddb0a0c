"""credits_to_claw_back: partial refunds of a credits purchase take back exactly the credits bought."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.payments import credits_to_claw_back


def test_examples() -> None:
    assert credits_to_claw_back(100_000, 1000, 0, 1000) == 100_000
    assert credits_to_claw_back(100_000, 1000, 0, 333) == 33_300
    assert credits_to_claw_back(10, 3, 0, 1) == 4  # rounded up: never less than the share
    assert credits_to_claw_back(10, 3, 1, 2) == 3
    assert credits_to_claw_back(10, 3, 2, 3) == 3
    assert credits_to_claw_back(0, 1000, 0, 1000) == 0


@given(
    credits=st.integers(1, 10**12),
    captured=st.integers(1, 10**9),
    cuts=st.lists(st.integers(1, 10**9), min_size=1, max_size=12),
)
def test_partial_refunds_add_up_to_exactly_the_credits(credits: int, captured: int, cuts: list[int]) -> None:
    refunded, taken = 0, 0
    for cut in cuts:
        amount = min(cut, captured - refunded)
        if amount <= 0:
            break
        part = credits_to_claw_back(credits, captured, refunded, refunded + amount)
        assert part >= 0
        assert part * captured >= credits * amount - captured  # at least the share, less rounding
        refunded += amount
        taken += part
    assert taken <= credits
    if refunded == captured:
        assert taken == credits
    rest = credits_to_claw_back(credits, captured, refunded, captured)
    assert taken + rest == credits
