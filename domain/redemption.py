"""Redeeming credit earnings into a payout currency, pure (issue #11.10).

An agent's credits (earnings:{agent}:CREDIT, from escrow releases) are retired into the platform's
conversion account and the platform owes the agent fiat at its own redemption price: two balanced
legs in one ledger transaction, one per currency, so each currency still sums to zero. The fiat is
rounded down to its minor unit (the platform never pays more than the credits are worth at its
price); the rate is always the server's setting, never the caller's.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from domain.errors import InvalidAmount
from domain.ledger import Posting, earnings, system

CREDIT = "CREDIT"
CONVERSION = "credit_redemptions"  # system:credit_redemptions:{CREDIT|fiat}


def fiat_for_credits(credits_minor: int, credit_exponent: int, price: Decimal, fiat_exponent: int) -> int:
    """Fiat minor units for `credits_minor` at `price` per whole credit, rounded down."""
    if credits_minor <= 0:
        raise InvalidAmount("amount must be greater than zero", param="amount")
    value = Decimal(credits_minor).scaleb(-credit_exponent) * price
    return int(value.scaleb(fiat_exponent).quantize(Decimal(1), rounding=ROUND_DOWN))


def redemption_postings(agent_id: str, credits_minor: int, currency: str, fiat_minor: int) -> list[Posting]:
    if fiat_minor <= 0:
        raise InvalidAmount(
            f"these credits are worth less than one minor unit of {currency}",
            param="amount",
            code="amount_too_small",
        )
    return [
        Posting(earnings(agent_id, CREDIT), -credits_minor, CREDIT),
        Posting(system(CONVERSION, CREDIT), credits_minor, CREDIT),
        Posting(system(CONVERSION, currency), -fiat_minor, currency),
        Posting(earnings(agent_id, currency), fiat_minor, currency),
    ]
