"""Credit notes: credit part or all of a paid invoice, numbered CN-YYYY-NNNNNN gaplessly (the same
row-locked counter as invoices, under its own key), added to the account's credit balance — a
negative item its next invoice picks up. Refunding to the original payment is not built yet.

Idempotent on the caller's reference: the same reference with a different amount is a 409.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.credit_notes import CreditNote
from db.repositories import billing as repo
from db.repositories import credit_notes as cnrepo
from domain.credit_notes import COUNTER_KEY, check_creditable, credit_note_number, split_credit
from domain.errors import Conflict, InvalidAmount, NotFound
from services.billing_invoices import add_item
from services.ids import new_id


async def create_credit_note(
    session: AsyncSession,
    *,
    invoice_id: str,
    amount: int,
    reason: str,
    method: str,
    reference: str,
    at: datetime,
) -> tuple[CreditNote, bool]:
    """(credit note, created). `amount` is tax included, in the invoice's currency."""
    if method != "credit_balance":
        raise InvalidAmount("method must be credit_balance (refunds are not built yet)", param="method")
    key = f"cn:{invoice_id}:{reference}"
    inv = await repo.get_invoice(session, invoice_id, lock=True)  # serializes credits of one invoice
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    existing = await cnrepo.by_key(session, key)
    if existing is not None:
        if (existing.total, existing.method) != (amount, method):
            raise Conflict("this reference already credited a different amount", code="idempotency_conflict")
        return existing, False
    check_creditable(inv.status, inv.total, await cnrepo.credited(session, invoice_id), amount)
    net, tax = split_credit(amount, inv.total, inv.tax)
    seq = await repo.allocate_numbers(session, COUNTER_KEY, at.year, 1)
    row = {
        "id": new_id("cn"),
        "number": credit_note_number(at.year, seq),
        "idempotency_key": key,
        "invoice_id": invoice_id,
        "account_id": inv.account_id,
        "currency": inv.currency,
        "subtotal": net,
        "tax": tax,
        "total": amount,
        "reason": reason[:300],
        "method": method,
        "issued_at": at,
    }
    await cnrepo.insert(session, row)
    await add_item(
        session,
        account_id=inv.account_id,
        kind="adjustment",
        description=f"Credit note {row['number']} for invoice {inv.number}",
        amount=-amount,
        currency=inv.currency,
        effective_at=at,
        idempotency_key=key,
    )
    note = await cnrepo.get(session, str(row["id"]))
    assert note is not None
    return note, True
