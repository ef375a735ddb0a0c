"""Redeem an agent's credit earnings into a payout currency at the platform's price (issue #11.10).

One ledger transaction in the caller's DB transaction: earnings:{agent}:CREDIT → system conversion
account (credits retired), system conversion account → earnings:{agent}:{currency} (fiat owed, paid
out later by POST /payouts like any other earnings). The earnings account is non-negative, so the
database refuses to redeem credits the agent does not have. The key is the caller's own reference in
its namespace; a repeat for another amount or currency is 409 idempotency_key_conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain import redemption as rules
from domain.errors import InsufficientFunds, InvalidAmount
from domain.money import exponent
from domain.payouts import PAYOUT_CURRENCIES
from services import ledger
from services.credits_keys import ledger_key


@dataclass(frozen=True, slots=True)
class Redemption:
    transaction_id: str
    credits: int
    currency: str
    amount: int  # fiat minor units owed to the agent
    price: Decimal
    created: bool


async def redeem_credits(
    session: AsyncSession,
    *,
    agent_id: str,
    credits: int,
    currency: str,
    prices: dict[str, Decimal],
    key_reference: str,
) -> Redemption:
    """`key_reference`: the caller's reference already in its namespace (credits_keys)."""
    if currency not in PAYOUT_CURRENCIES:
        raise InvalidAmount(f"credits are redeemed into {PAYOUT_CURRENCIES}", param="currency")
    price = prices.get(currency)
    if price is None:
        raise InvalidAmount(
            f"credits are not redeemable into {currency} on this platform",
            param="currency",
            code="redemption_not_offered",
        )
    fiat = rules.fiat_for_credits(credits, exponent(rules.CREDIT), price, exponent(currency))
    postings = rules.redemption_postings(agent_id, credits, currency, fiat)
    try:
        result = await ledger.transfer(
            session,
            postings,
            ledger_key("redeem", agent_id, key_reference),
            kind="credits.redeem",
            description=f"{agent_id} redeems credit earnings into {currency} at {price}",
            metadata={"agent_id": agent_id, "currency": currency, "price": str(price)},
        )
    except InsufficientFunds:
        raise InsufficientFunds(
            "not enough credit earnings to redeem", param="amount", code="insufficient_earnings"
        ) from None
    return Redemption(result.transaction_id, credits, currency, fiat, price, result.created)
