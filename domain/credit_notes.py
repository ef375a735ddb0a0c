"""Credit notes, pure: how much of a finalized invoice may still be credited, how a credited amount
splits into net and tax (in the invoice's own proportion, rounded once), and the CN numbering."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.errors import InvalidAmount, InvalidState

CREDITABLE_STATUSES = ("paid",)
METHODS = ("credit_balance",)  # refund to the original payment: not built yet
NUMBER_SERIES = "CN"
COUNTER_KEY = "#CN"  # the gapless counter's key: cannot collide with an invoice series (^[A-Z0-9]+$)


def credit_note_number(year: int, sequence: int) -> str:
    return f"{NUMBER_SERIES}-{year:04d}-{sequence:06d}"


def check_creditable(status: str, total: int, already_credited: int, amount: int) -> None:
    if status not in CREDITABLE_STATUSES:
        raise InvalidState(
            f"only a paid invoice can be credited (this one is {status}; void an unpaid one)",
            code="invoice_not_creditable",
        )
    if amount <= 0:
        raise InvalidAmount("a credit note's amount must be positive", param="amount")
    left = total - already_credited
    if amount > left:
        raise InvalidState(
            f"at most {left} minor units of this invoice are left to credit",
            param="amount",
            code="credit_exceeds_invoice",
        )


def split_credit(amount: int, invoice_total: int, invoice_tax: int) -> tuple[int, int]:
    """(net, tax) of a credit of `amount` (tax included) in the invoice's proportion; the whole
    invoice credited gives back exactly its tax."""
    if invoice_total <= 0:
        return amount, 0
    tax = int((Decimal(amount) * invoice_tax / invoice_total).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return amount - tax, tax
