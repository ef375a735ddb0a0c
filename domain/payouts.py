"""Payout rules, pure: states, the rolling reserve split, and the ledger postings of each step.

Accounts: `earnings:{payee}:{cur}` (released escrow, non-negative) → on create, the net amount to
`payout_transit:{payee}:{cur}` and the rolling reserve to `reserve:{payee}:{cur}` (non-negative);
on paid, transit → `clearing:{provider}:{cur}`; on failure transit (and the reserve) → earnings;
when the dispute window ends the reserve goes back to earnings (paid out by a later payout).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain.errors import InvalidAmount, InvalidState
from domain.ledger import Posting, clearing, earnings
from domain.money import percent_of

PENDING, IN_TRANSIT, PAID, FAILED = "pending", "in_transit", "paid", "failed"
STATUSES = (PENDING, IN_TRANSIT, PAID, FAILED)
PROVIDERS = ("stripe", "paypal")

_ALLOWED = {
    PENDING: {IN_TRANSIT, PAID, FAILED},
    IN_TRANSIT: {PAID, FAILED},
    PAID: set(),
    FAILED: set(),
}


def transit(payee: str, currency: str) -> str:
    return f"payout_transit:{payee}:{currency}"


def reserve(payee: str, currency: str) -> str:
    return f"reserve:{payee}:{currency}"


def check_transition(current: str, new: str) -> bool:
    """True when the move is real, False when it is a repeat (same state); refuses illegal moves."""
    if current == new:
        return False
    if new not in _ALLOWED.get(current, set()):
        raise InvalidState(f"payout cannot go from {current} to {new}", code="invalid_payout_state")
    return True


def split_reserve(amount: int, percent: Decimal, currency: str) -> tuple[int, int]:
    """(net sent now, held in the rolling reserve). The parts always sum to `amount`."""
    if amount <= 0:
        raise InvalidAmount("a payout amount must be positive", param="amount")
    if not Decimal(0) <= percent < Decimal(100):
        raise InvalidAmount("the reserve percent must be in [0, 100)", param="payout_reserve_percent")
    held = min(max(percent_of(amount, percent, currency), 0), amount)
    return amount - held, held


def check_minimum(amount: int, minimum: int, currency: str) -> None:
    if amount < minimum:
        raise InvalidAmount(
            f"a payout must be at least the minimum ({minimum} minor units of {currency})",
            param="amount",
            code="below_payout_minimum",
        )


def hold_postings(payee: str, currency: str, net: int, held: int) -> list[Posting]:
    """Create: earnings → transit (net) and → reserve (held)."""
    postings = [
        Posting(earnings(payee, currency), -(net + held), currency),
        Posting(transit(payee, currency), net, currency),
    ]
    if held:
        postings.append(Posting(reserve(payee, currency), held, currency))
    return postings


def paid_postings(payee: str, currency: str, provider: str, net: int) -> list[Posting]:
    return [
        Posting(transit(payee, currency), -net, currency),
        Posting(clearing(provider, currency), net, currency),
    ]


def return_postings(payee: str, currency: str, net: int, reserve_back: int) -> list[Posting]:
    """Failure: everything still ours goes back to earnings (the reserve part may have been clawed)."""
    postings = [Posting(transit(payee, currency), -net, currency)]
    if reserve_back:
        postings.append(Posting(reserve(payee, currency), -reserve_back, currency))
    postings.append(Posting(earnings(payee, currency), net + reserve_back, currency))
    return postings


def release_postings(payee: str, currency: str, amount: int) -> list[Posting]:
    return [
        Posting(reserve(payee, currency), -amount, currency),
        Posting(earnings(payee, currency), amount, currency),
    ]


def iso_week(at: datetime) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


# Currencies the payout providers send (fiat); CREDIT and crypto are never paid out.
PAYOUT_CURRENCIES = ("USD", "EUR", "GBP", "JPY")
