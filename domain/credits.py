"""Credits rules, pure: which lots a spend draws from, where a refund goes back, what has expired.

A lot is credit that entered a wallet together (a purchase, a reward, a refund, an adjustment), with
its own optional expiry. Spending draws lots earliest-expiry first and non-expiring lots last (ties:
oldest lot first), so the credits most at risk of expiring are used up first. Expired lots are never
drawn and never counted as available, even before the expiry sweep has moved them out of the wallet.

A refund of a spend undoes its draws in reverse order (the last lot drawn is the first refilled), so a
partial refund gives back the credits that were least at risk; a lot never gets back more than was
drawn from it, and a spend never gets back more than it took.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.errors import InsufficientFunds, InvalidAmount
from domain.money import round_minor, to_decimal

CURRENCY = "CREDIT"

# Entry types as the history shows them.
PURCHASE, REWARD, REFUND, ADJUSTMENT, DEDUCT, EXPIRE = (
    "purchase",
    "reward",
    "refund",
    "adjustment",
    "deduct",
    "expire",
)
LOT_SOURCES = (PURCHASE, REWARD, REFUND, ADJUSTMENT)
ENTRY_TYPES = (PURCHASE, REWARD, REFUND, ADJUSTMENT, DEDUCT, EXPIRE)

# Ledger accounts (CREDIT). Spends go to one account unless the caller names another (agent earnings).
ISSUED = "system:credits_issued:CREDIT"  # purchases
PROMOTIONS = "system:promotions:CREDIT"  # rewards
ADJUSTMENTS = "system:credits_adjustments:CREDIT"
SPENT = "system:credits_spent:CREDIT"  # deductions (and refunds of them come back from here)
EXPIRED = "system:credits_expired:CREDIT"

FROM_ACCOUNT = {PURCHASE: ISSUED, REWARD: PROMOTIONS, ADJUSTMENT: ADJUSTMENTS, REFUND: SPENT}


@dataclass(frozen=True, slots=True)
class Lot:
    id: int
    remaining: int
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Draw:
    lot_id: int
    amount: int  # drawn by the spend
    refunded: int = 0  # already given back


@dataclass(frozen=True, slots=True)
class DebitResult:
    """The outcome of a deduction; a repeat of the same (user, reference) returns the first one."""

    entry_id: int
    transaction_id: str
    user_id: str
    reference: str
    amount: int  # CREDIT minor units deducted
    balance: int  # available balance right after the deduction
    created_at: datetime
    created: bool  # False: this reference had already been deducted; nothing moved this time


def is_live(lot: Lot, now: datetime) -> bool:
    return lot.remaining > 0 and (lot.expires_at is None or lot.expires_at > now)


def consumption_order(lots: Iterable[Lot]) -> list[Lot]:
    """Earliest expiry first, non-expiring last; ties by lot id (oldest first)."""
    return sorted(lots, key=lambda lot: (lot.expires_at is None, lot.expires_at or datetime.min, lot.id))


def available(lots: Iterable[Lot], now: datetime) -> int:
    return sum(lot.remaining for lot in lots if is_live(lot, now))


def plan_draw(lots: Iterable[Lot], amount: int, now: datetime) -> list[tuple[int, int]]:
    """[(lot_id, take)] covering `amount` from live lots in consumption order, or InsufficientFunds."""
    if amount <= 0:
        raise InvalidAmount("amount must be greater than zero", param="amount")
    plan: list[tuple[int, int]] = []
    left = amount
    for lot in consumption_order(lot for lot in lots if is_live(lot, now)):
        take = min(lot.remaining, left)
        plan.append((lot.id, take))
        left -= take
        if left == 0:
            return plan
    raise InsufficientFunds("not enough available credits", param="amount", code="insufficient_credits")


def plan_refund(draws: Sequence[Draw], amount: int | None) -> list[tuple[int, int]]:
    """[(lot_id, give)] for a refund of `amount` (None: everything not yet refunded).

    Draws are given back in reverse order of consumption (the caller passes them in draw order).
    """
    refundable = sum(d.amount - d.refunded for d in draws)
    if amount is None:
        amount = refundable
        if amount == 0:
            raise InsufficientFunds("this deduction has already been fully refunded", code="already_refunded")
    if amount <= 0:
        raise InvalidAmount("amount must be greater than zero", param="amount")
    if amount > refundable:
        raise InsufficientFunds(
            "refund exceeds what is left of the deduction", param="amount", code="refund_exceeds_deduction"
        )
    plan: list[tuple[int, int]] = []
    left = amount
    for d in reversed(draws):
        give = min(d.amount - d.refunded, left)
        if give > 0:
            plan.append((d.lot_id, give))
            left -= give
        if left == 0:
            break
    return plan


def next_expiry(lots: Iterable[Lot]) -> datetime | None:
    """The earliest expiry among lots that still hold credits (expired-but-unswept ones included)."""
    dates = [lot.expires_at for lot in lots if lot.remaining > 0 and lot.expires_at is not None]
    return min(dates) if dates else None


def crossed_below(threshold: int, before: int, after: int) -> bool:
    """A downward crossing of the low-balance threshold (0 disables the alert)."""
    return threshold > 0 and before >= threshold > after


def credits_for_payment(amount_minor: int, currency: str, credits_per_unit: Decimal) -> int:
    """CREDIT minor units bought by `amount_minor` of `currency` at `credits_per_unit` per 1.00."""
    return round_minor(to_decimal(amount_minor, currency) * credits_per_unit, CURRENCY)
