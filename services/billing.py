"""Billing application service, the collection side: payments against invoices (mark_invoice_paid,
credits first), collection attempts and dunning outcomes. The rest of billing lives beside it —
usage intake (billing_usage), meters and prices (billing_pricing), invoice building and progressive
invoices (billing_invoices), what customers read (billing_views), configuration and corrections
(billing_admin) — and is re-exported here, so `services.billing` stays the one entry point.

Every function runs inside the caller's unit of work and is safe to call twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from contracts.billing import AttemptRecord, InvoiceSummary
from db.models.billing import Invoice
from db.repositories import billing as repo
from domain import billing as rules
from domain.errors import InsufficientFunds, NotFound
from domain.money import exponent
from services.billing_admin import (
    ACCOUNT_FIELDS,
    configure_account,
    set_tax_rate,
    void_invoice,
)
from services.billing_invoices import (
    add_item,
    billable_accounts,
    build_invoice,
    build_invoices,
    finalize_invoice,
    finalize_invoices,
    summary,
    tax_rules,
)
from services.billing_pricing import delete_price, set_meter, set_price
from services.billing_usage import MAX_USAGE_BATCH, UsageIn, UsageResult, record_usage
from services.billing_views import (
    CurrentUsage,
    InvoiceDetail,
    InvoicePreview,
    billing_account,
    current_usage,
    invoice_pdf,
    list_invoices,
    preview_invoice,
    visible_invoice,
)
from services.ids import new_id

__all__ = [
    "ACCOUNT_FIELDS",
    "MAX_USAGE_BATCH",
    "CurrentUsage",
    "InvoiceDetail",
    "InvoicePreview",
    "UsageIn",
    "UsageResult",
    "add_item",
    "apply_credits",
    "billable_accounts",
    "billing_account",
    "build_invoice",
    "build_invoices",
    "configure_account",
    "current_usage",
    "delete_price",
    "finalize_invoice",
    "finalize_invoices",
    "invoice_pdf",
    "invoice_status",
    "list_invoices",
    "mark_invoice_paid",
    "mark_uncollectible",
    "new_id",
    "preview_invoice",
    "record_attempt",
    "record_usage",
    "set_meter",
    "set_price",
    "set_tax_rate",
    "summary",
    "tax_rules",
    "visible_invoice",
    "void_invoice",
]


# --- paying --------------------------------------------------------------------------------------


async def mark_invoice_paid(session: AsyncSession, *, invoice_id: str, payment_id: str, amount: int) -> None:
    """Record a payment of `amount` (invoice currency minor units) against the invoice; paid when
    covered; never beyond what is due. Idempotent on (invoice_id, payment_id)."""
    await _apply_payment(session, invoice_id=invoice_id, payment_id=payment_id, amount=amount, source="card")


async def _apply_payment(
    session: AsyncSession, *, invoice_id: str, payment_id: str, amount: int, source: str
) -> Invoice:
    from services import invoice_payments  # the one place money is applied to invoices

    return await invoice_payments.apply_or_refuse(
        session, invoice_id=invoice_id, payment_id=payment_id, amount=amount, source=source
    )


async def apply_credits(session: AsyncSession, settings: Settings, invoice_id: str) -> InvoiceSummary:
    """Credits first, for accounts that opted in: pay what the wallet covers (all or part) once."""
    inv = await repo.get_invoice(session, invoice_id, lock=True)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    acct = await repo.get_account(session, inv.account_id)
    due = inv.total - inv.amount_paid
    if inv.status != "open" or due <= 0 or acct is None or not acct.use_credits_first:
        return summary(inv)
    payment_id = f"credits:{invoice_id}"
    if any(p.payment_id == payment_id for p in await repo.payments_of(session, invoice_id)):
        return summary(inv)
    from services import credits  # the credits area's service (debit_wallet)

    cur_exp, credit_exp, rate = exponent(inv.currency), exponent("CREDIT"), settings.credits_per_unit
    covered = due
    for _ in range(3):  # all of it; else what the wallet's balance covers; else nothing
        needed = rules.credits_for(covered, cur_exp, credit_exp, rate)
        try:
            async with session.begin_nested():  # a refused debit must leave nothing behind
                await credits.debit_wallet(
                    session,
                    user_id=inv.account_id,
                    amount=needed,
                    reference=f"invoice:{invoice_id}:{covered}",
                    destination=settings.billing_credits_destination,
                    kind="invoice",
                    description=f"Invoice {inv.number}",
                )
            break
        except InsufficientFunds:
            available = (await credits.balance_view(session, inv.account_id)).balance
            covered = min(covered - 1, rules.amount_covered_by(available, cur_exp, credit_exp, rate))
            if covered <= 0:
                break
    else:
        covered = 0
    if covered <= 0:
        return summary(inv)
    inv = await _apply_payment(
        session, invoice_id=invoice_id, payment_id=payment_id, amount=covered, source="credits"
    )
    return summary(inv)


async def record_attempt(session: AsyncSession, rec: AttemptRecord) -> None:
    await repo.upsert_attempt(
        session,
        {
            "invoice_id": rec.invoice_id,
            "attempt_no": rec.attempt_no,
            "source": rec.source,
            "payment_id": rec.payment_id or None,
            "amount": rec.amount,
            "outcome": rec.outcome,
            "failure_code": rec.failure_code or None,
            "message": (rec.message or None) and rec.message[:300],
            "attempted_at": rec.attempted_at,
            "next_attempt_at": rec.next_attempt_at,
        },
    )
    inv = await repo.get_invoice(session, rec.invoice_id, lock=True)
    if inv is None:
        raise NotFound(f"invoice {rec.invoice_id} not found", param="invoice_id")
    values: dict[str, Any] = {"attempt_count": await repo.count_attempts(session, rec.invoice_id)}
    if inv.status == "open":
        values["next_attempt_at"] = rec.next_attempt_at
    await repo.update_invoice(session, rec.invoice_id, values)


async def mark_uncollectible(session: AsyncSession, invoice_id: str, at: datetime) -> InvoiceSummary:
    inv = await repo.get_invoice(session, invoice_id, lock=True)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    if inv.status == "open":
        rules.check_invoice_transition(inv.status, "uncollectible")
        await repo.update_invoice(
            session, invoice_id, {"status": "uncollectible", "uncollectible_at": at, "next_attempt_at": None}
        )
        inv.status = "uncollectible"
    return summary(inv)


async def invoice_status(session: AsyncSession, invoice_id: str) -> InvoiceSummary:
    inv = await repo.get_invoice(session, invoice_id)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    return summary(inv)
