"""Billing configuration and corrections (admin): account settings, tax rates, voiding an invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.billing import InvoiceSummary
from db.base import utcnow
from db.models.billing import BillingAccount
from db.repositories import billing as repo
from domain import billing as rules
from domain.errors import InvalidState, NotFound
from services.billing_invoices import summary

ACCOUNT_FIELDS = (
    "discount_percent",
    "currency",
    "jurisdiction",
    "use_credits_first",
    "provider",
    "default_payment_method_id",
    "invoice_series",
    "name",
    "email",
    "address",
    "tax_id",
    "progressive_threshold",
)


async def configure_account(session: AsyncSession, account_id: str, **values: Any) -> BillingAccount:
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise InvalidState(f"unknown billing account fields {sorted(unknown)}")
    await repo.ensure_accounts(session, [account_id], values.get("currency", "USD"))
    if values:
        await repo.update_account(session, account_id, values)
    acct = await repo.get_account(session, account_id)
    assert acct is not None
    await session.refresh(acct)
    return acct


async def set_tax_rate(
    session: AsyncSession, *, jurisdiction: str, percent: Decimal, inclusive: bool = False, name: str = "Tax"
) -> None:
    rules.TaxRule(percent, inclusive, name)
    await repo.upsert_tax_rate(
        session, jurisdiction=jurisdiction, percent=percent, inclusive=inclusive, name=name
    )


async def void_invoice(session: AsyncSession, invoice_id: str) -> InvoiceSummary:
    inv = await repo.get_invoice(session, invoice_id, lock=True)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    if inv.status != "void":
        rules.check_invoice_transition(inv.status, "void")
        if inv.amount_paid:
            raise InvalidState(
                "an invoice with payments cannot be voided; refund first", code="invoice_state"
            )
        await repo.update_invoice(
            session, invoice_id, {"status": "void", "voided_at": utcnow(), "next_attempt_at": None}
        )
        inv.status = "void"
    return summary(inv)
