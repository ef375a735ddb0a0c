"""Escrow signals/updates shared with other areas (the rest of the escrow contracts live beside it)."""

from __future__ import annotations

from dataclasses import dataclass

ESCROW_PAYMENT_SIGNAL = "payment_completed"


@dataclass(frozen=True)
class EscrowPaymentCompleted:
    payment_id: str
    amount: int  # minor units, in `currency`
    currency: str
    provider: str
    ledger_transaction_id: str = ""  # the posting clearing → escrow holding, already made
