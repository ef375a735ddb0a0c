"""What a payment may be for, checked against the server's own records — never the caller's claim.

A payment settles an obligation (invoice, escrow, credits purchase) only in the obligation's
currency, for what it is worth, from the party entitled to pay it. `check_at_create` runs before
anything is written (a refusal is a clear 4xx and changes nothing); the completion re-checks the
invoice inside its own transaction (services.invoice_payments.apply), because an invoice can be
paid by dunning or voided while a payment is in flight.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from contracts.payments import PaymentPurpose
from domain import payments as rules
from domain.errors import Forbidden, InvalidAmount, InvalidState, NotFound
from domain.money import format_amount


def credit_price(settings: Settings, currency: str) -> Decimal:
    """The server's price of one credit in `currency`; a currency credits are not sold in is 422."""
    price = settings.credit_prices.get(currency)
    if price is None or price <= 0:
        sold = ", ".join(sorted(settings.credit_prices)) or "none"
        raise InvalidAmount(
            f"credits are not sold in {currency} (sold in: {sold})",
            param="currency",
            code="credits_currency_not_sold",
        )
    return Decimal(price)


def credits_bought(settings: Settings, amount: int, currency: str) -> int:
    """CREDIT minor units `amount` of `currency` buys at the server's price (rounded down)."""
    credits = rules.credits_at_price(amount, currency, credit_price(settings, currency))
    if credits <= 0:
        raise InvalidAmount("the amount buys no credits", param="amount", code="amount_too_small")
    return credits


def credits_worth(settings: Settings, amount: int, currency: str) -> int:
    """Credits `amount` of `currency` turns into when it is not spent as quoted (a crypto surplus):
    at the currency's credit price; a currency credits are not sold in falls back to
    `credits_per_unit` — the value is never dropped."""
    price = settings.credit_prices.get(currency)
    if price is not None and price > 0:
        return rules.credits_at_price(amount, currency, Decimal(price))
    return rules.fiat_to_credits(amount, currency, settings.credits_per_unit)


async def check_at_create(
    session: AsyncSession,
    *,
    payer_id: str,
    privileged: bool,
    amount: int,
    currency: str,
    purpose: PaymentPurpose,
) -> None:
    """Refuse (4xx, nothing written) a payment its purpose does not allow.

    `privileged`: the caller is a service or an admin (may pay an invoice on an account's behalf).
    """
    if purpose.kind == "invoice":
        await _check_invoice(
            session,
            purpose.reference or "",
            payer_id=payer_id,
            privileged=privileged,
            amount=amount,
            currency=currency,
        )
    elif purpose.kind == "escrow":
        await _check_escrow(
            session, purpose.reference or "", payer_id=payer_id, amount=amount, currency=currency
        )


async def _check_invoice(
    session: AsyncSession, invoice_id: str, *, payer_id: str, privileged: bool, amount: int, currency: str
) -> None:
    from db.repositories import billing as billing_repo

    inv = await billing_repo.get_invoice(session, invoice_id)
    if inv is None or (not privileged and inv.account_id != payer_id):
        # Someone else's invoice is not revealed: the same answer as a missing one.
        raise NotFound("no such invoice", code="invoice_not_found", param="purpose.reference")
    if inv.status not in PAYABLE_INVOICE:
        raise InvalidState(f"the invoice is {inv.status}; it takes no payment", code="invoice_not_payable")
    if currency != inv.currency:
        raise InvalidAmount(
            f"the invoice is in {inv.currency}; pay it in {inv.currency}",
            param="currency",
            code="invoice_currency_mismatch",
        )
    due = inv.total - inv.amount_paid
    if amount > due:
        raise InvalidAmount(
            f"the invoice has {format_amount(max(due, 0), inv.currency)} {inv.currency} due",
            param="amount",
            code="amount_exceeds_due",
        )


async def _check_escrow(
    session: AsyncSession, contract_id: str, *, payer_id: str, amount: int, currency: str
) -> None:
    from db.repositories import escrow as escrow_repo

    row = await escrow_repo.get_by_contract(session, contract_id)
    if row is None:
        raise NotFound("no such escrow", code="escrow_not_found", param="purpose.reference")
    if row.payer_id != payer_id:
        raise Forbidden(
            "only the escrow's payer funds it", code="not_escrow_payer", param="purpose.reference"
        )
    if row.status != "created" or row.funding_payment_id is not None:
        raise InvalidState(f"the escrow is {row.status}; it takes no funding", code="escrow_not_fundable")
    if (amount, currency) != (row.amount, row.currency):
        raise InvalidAmount(
            f"the escrow is for {format_amount(row.amount, row.currency)} {row.currency}",
            param="amount",
            code="escrow_amount_mismatch",
        )


# Invoice statuses that take a payment (domain/billing's machine: open|uncollectible → paid).
PAYABLE_INVOICE = ("open", "uncollectible")
