"""What pricing hands to other areas: the price locked by a consumed quote (see services.pricing).

Escrow create and payment create accept an optional `quote_id`; they call
`services.pricing.consume_quote(session, quote_id=..., principal_id=...)` inside their own unit of
work and charge exactly `LockedPrice.amount` in `LockedPrice.currency`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LockedPrice:
    amount: int  # minor units of `currency`: the quoted unit price × quantity
    currency: str
    agent_id: str
    quote_id: str = ""
    quantity: int = 1
