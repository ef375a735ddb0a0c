"""Chargeback rules, pure: dispute states, the hold, and the loss with its claw-back.

Accounts: on open the disputed amount moves `clearing:{provider}:{cur}` → `dispute_hold:{dispute}:{cur}`
(non-negative: what is in dispute right now). Won: the hold goes back to clearing. Lost: the hold is
booked to `system:chargeback_losses:{cur}`; when the payment funded an escrow already released to an
agent, up to the disputed amount is clawed back from `earnings:{payee}:{cur}` (then the rolling
`reserve:{payee}:{cur}`) into `system:chargeback_recoveries:{cur}`. Net loss = losses - recoveries.
"""

from __future__ import annotations

from domain.errors import InvalidState
from domain.ledger import Posting, clearing, earnings, system

OPEN, WON, LOST = "open", "won", "lost"

# Stripe's dispute statuses → ours.
_FROM_STRIPE = {
    "warning_needs_response": OPEN,
    "warning_under_review": OPEN,
    "needs_response": OPEN,
    "under_review": OPEN,
    "won": WON,
    "warning_closed": WON,
    "lost": LOST,
}


def outcome_of(provider_status: str) -> str:
    try:
        return _FROM_STRIPE[provider_status]
    except KeyError:
        raise InvalidState(
            f"unknown dispute status {provider_status!r}", code="unknown_dispute_status"
        ) from None


def check_close(current: str, outcome: str) -> bool:
    """True when closing is real, False on a repeat of the same outcome; refuses flipping an outcome."""
    if outcome not in (WON, LOST):
        raise InvalidState(f"a dispute closes as won or lost, not {outcome!r}")
    if current == outcome:
        return False
    if current != OPEN:
        raise InvalidState(f"dispute already closed as {current}", code="dispute_closed")
    return True


def hold_account(dispute_id: str, currency: str) -> str:
    return f"dispute_hold:{dispute_id}:{currency}"


def hold_postings(dispute_id: str, provider: str, currency: str, amount: int) -> list[Posting]:
    return [
        Posting(clearing(provider, currency), -amount, currency),
        Posting(hold_account(dispute_id, currency), amount, currency),
    ]


def won_postings(dispute_id: str, provider: str, currency: str, amount: int) -> list[Posting]:
    return [
        Posting(hold_account(dispute_id, currency), -amount, currency),
        Posting(clearing(provider, currency), amount, currency),
    ]


def lost_postings(dispute_id: str, currency: str, amount: int) -> list[Posting]:
    return [
        Posting(hold_account(dispute_id, currency), -amount, currency),
        Posting(system("chargeback_losses", currency), amount, currency),
    ]


def clawback_split(needed: int, earnings_available: int, reserve_available: int) -> tuple[int, int, int]:
    """(from earnings, from reserve, shortfall): earnings first, then reserve; never more than held."""
    needed = max(needed, 0)
    from_earnings = min(needed, max(earnings_available, 0))
    from_reserve = min(needed - from_earnings, max(reserve_available, 0))
    return from_earnings, from_reserve, needed - from_earnings - from_reserve


def clawback_postings(payee: str, currency: str, from_earnings: int, from_reserve: int) -> list[Posting]:
    postings: list[Posting] = []
    if from_earnings:
        postings.append(Posting(earnings(payee, currency), -from_earnings, currency))
    if from_reserve:
        postings.append(Posting(f"reserve:{payee}:{currency}", -from_reserve, currency))
    total = from_earnings + from_reserve
    if total:
        postings.append(Posting(system("chargeback_recoveries", currency), total, currency))
    return postings


def escrow_recovery_postings(holding_account: str, currency: str, amount: int) -> list[Posting]:
    """A lost chargeback on the payment that funded an escrow still holding it: the hold pays the
    loss back (escrow holding → chargeback_recoveries), so a later release cannot pay it twice."""
    return [
        Posting(holding_account, -amount, currency),
        Posting(system("chargeback_recoveries", currency), amount, currency),
    ]
