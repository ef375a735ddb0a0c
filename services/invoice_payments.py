"""Money applied to invoices: never beyond what is due, never in another currency, undone by refunds.

An invoice_payments row records what a payment (card, PayPal, crypto, credits) actually settled;
a refund of that payment adds a `refund` row (payment_id `{payment}:refund:{n}`) and reopens the
invoice when it is no longer covered (domain/billing: paid → open). Both run on the locked invoice
row, so a dunning charge racing a manual payment cannot pay an invoice twice: the second one finds
nothing due and its money goes back (services.payments.complete refunds what did not apply).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.billing import Invoice
from db.repositories import billing as repo
from domain import billing as rules
from domain.errors import InvalidState, NotFound

PAYABLE = ("open", "uncollectible")
REFUND_SOURCE = "refund"


def refund_entry(payment_id: str, seq: int) -> str:
    return f"{payment_id}:refund:{seq}"


async def apply(
    session: AsyncSession, *, invoice_id: str, payment_id: str, amount: int, currency: str, source: str
) -> int:
    """Apply up to `amount` of `currency` to the invoice; what was applied (0 when the invoice is
    gone, not payable, in another currency or already covered). Idempotent per payment."""
    inv = await repo.get_invoice(session, invoice_id, lock=True)
    if inv is None:
        return 0
    rows = await repo.payments_of(session, invoice_id)
    for r in rows:
        if r.payment_id == payment_id:
            return int(r.amount)  # applied before (a retried completion)
    if inv.status not in PAYABLE or inv.currency != currency or amount <= 0:
        return 0
    applied = min(amount, inv.total - inv.amount_paid)
    if applied <= 0:
        return 0
    await repo.insert_payment(
        session, invoice_id=invoice_id, payment_id=payment_id, source=source, amount=applied
    )
    paid = inv.amount_paid + applied
    values: dict[str, Any] = {"amount_paid": paid}
    if paid >= inv.total:
        rules.check_invoice_transition(inv.status, "paid")
        values.update(status="paid", paid_at=utcnow(), next_attempt_at=None)
    await _update(session, inv, values)
    return applied


async def apply_or_refuse(
    session: AsyncSession, *, invoice_id: str, payment_id: str, amount: int, source: str
) -> Invoice:
    """The billing service's own payments (credits first, tests): the invoice must take them."""
    inv = await repo.get_invoice(session, invoice_id, lock=True)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    if inv.status in ("draft", "void"):
        raise InvalidState(
            f"invoice {invoice_id} is {inv.status}; it cannot take a payment", code="invoice_not_payable"
        )
    if amount <= 0:
        raise InvalidState("a payment must be positive", code="invalid_payment")
    await apply(
        session,
        invoice_id=invoice_id,
        payment_id=payment_id,
        amount=amount,
        currency=inv.currency,
        source=source,
    )
    found = await repo.get_invoice(session, invoice_id)
    assert found is not None
    await session.refresh(found)
    return found


async def applied_by(session: AsyncSession, invoice_id: str, payment_id: str) -> int:
    """What this payment still settles on the invoice (applied minus refunded)."""
    rows = await repo.payments_of(session, invoice_id)
    mine = [r for r in rows if r.payment_id == payment_id or r.payment_id.startswith(f"{payment_id}:refund:")]
    undone = sum(int(r.amount) for r in mine if r.source == REFUND_SOURCE)
    return sum(int(r.amount) for r in mine) - 2 * undone


async def unapply(session: AsyncSession, *, invoice_id: str, payment_id: str, seq: int, amount: int) -> int:
    """A refund of `amount` of this payment: take it off the invoice (up to what the payment still
    settles) and reopen a paid invoice that is no longer covered. Idempotent per refund."""
    inv = await repo.get_invoice(session, invoice_id, lock=True)
    if inv is None:
        return 0
    take = min(amount, await applied_by(session, invoice_id, payment_id))
    if take <= 0:
        return 0
    if not await repo.insert_payment(
        session,
        invoice_id=invoice_id,
        payment_id=refund_entry(payment_id, seq),
        source=REFUND_SOURCE,
        amount=take,
    ):
        return 0
    paid = inv.amount_paid - take
    values: dict[str, Any] = {"amount_paid": paid}
    if inv.status == "paid" and paid < inv.total:
        rules.check_invoice_transition("paid", "open")
        values.update(status="open", paid_at=None)
    await _update(session, inv, values)
    return take


async def _update(session: AsyncSession, inv: Invoice, values: dict[str, Any]) -> None:
    await repo.update_invoice(session, inv.id, values)
    for k, v in values.items():
        setattr(inv, k, v)


async def reapply(session: AsyncSession, *, invoice_id: str, payment_id: str, seq: int) -> int:
    """A refund that failed after the fact: what it took off the invoice is applied again (up to
    what is due now; the rest stays refundable on the payment). Idempotent per refund."""
    entry = refund_entry(payment_id, seq)
    rows = await repo.payments_of(session, invoice_id)
    taken = next((int(r.amount) for r in rows if r.payment_id == entry), 0)
    inv = await repo.get_invoice(session, invoice_id)
    if taken <= 0 or inv is None:
        return 0
    return await apply(
        session,
        invoice_id=invoice_id,
        payment_id=f"{entry}:reversed",
        amount=taken,
        currency=inv.currency,
        source="card",
    )
