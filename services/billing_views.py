"""What a customer reads: their invoices (with lines, attempts, payments, the PDF), their live spend
this period and the upcoming invoice — the last two answered from the running aggregates (a few
rows per account), composed by the same code that builds the invoice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from db.models.billing import BillingAccount, Invoice
from db.repositories import billing as repo
from db.repositories import metering as mrepo
from domain import billing as rules
from domain.errors import NotFound
from domain.usage_lines import UsageLine, usage_subtotal
from services.billing_coupons import active_redemptions
from services.billing_invoices import PendingItem, ProgressiveCredit, compose, tax_rules
from services.billing_pricing import aggregate_of, pricing_context
from services.invoice_links import hosted_url


@dataclass(frozen=True)
class CurrentUsage:
    account_id: str
    period: rules.Period
    currency: str
    lines: list[UsageLine]
    amount: int  # usage so far this period, before tax and discounts
    progressively_billed: int  # of which already invoiced by threshold invoices
    threshold: int | None


@dataclass(frozen=True)
class InvoicePreview:
    account_id: str
    period: rules.Period
    currency: str
    lines: list[rules.InvoiceLine]
    totals: rules.InvoiceTotals
    tax: rules.TaxRule


async def _account(session: AsyncSession, settings: Settings, account_id: str) -> BillingAccount:
    """The account's billing settings; one that never had usage or settings reads as the defaults
    (nothing is written by a read)."""
    acct = await repo.get_account(session, account_id)
    if acct is None:
        acct = BillingAccount(
            account_id=account_id, currency=settings.billing_currency, jurisdiction="default"
        )
    return acct


async def current_usage(
    session: AsyncSession, settings: Settings, account_id: str, at: datetime
) -> CurrentUsage:
    acct = await _account(session, settings, account_id)
    period = rules.Period.containing(at)
    aggs = [
        a
        for a in await mrepo.open_aggregates(session, account_id, period.label)
        if a.bill_period == period.label
    ]
    ctx = await pricing_context(session, account_id, acct.currency, sorted({a.metric for a in aggs}))
    lines = ctx.lines([aggregate_of(a) for a in aggs])
    billed = sum(
        amount
        for (_, p, _, amount) in await repo.unsettled_progressive(session, [account_id], period.label)
        if p == period.label
    )
    return CurrentUsage(
        account_id, period, acct.currency, lines, usage_subtotal(lines), billed, acct.progressive_threshold
    )


async def preview_invoice(
    session: AsyncSession, settings: Settings, account_id: str, at: datetime
) -> InvoicePreview:
    """The period-end invoice as it would be built now for the current period: every unbilled usage
    aggregate up to it (earlier unbilled periods as late usage), pending items, progressive invoices
    already issued, the account's discount and tax."""
    acct = await _account(session, settings, account_id)
    period = rules.Period.containing(at)
    rows = await mrepo.open_aggregates(session, account_id, period.label)
    aggs = [aggregate_of(a, late_from=a.bill_period if a.bill_period < period.label else "") for a in rows]
    ctx = await pricing_context(session, account_id, acct.currency, sorted({a.metric for a in rows}))
    items = [
        PendingItem(i.kind, i.description, i.quantity, i.amount, i.subscription_id)
        for i in await repo.pending_items(session, account_id, acct.currency, period.end)
    ]
    progressive = [
        ProgressiveCredit(number, amount)
        for (_, p, number, amount) in await repo.unsettled_progressive(session, [account_id], period.label)
        if acct.billed_through is None or p > acct.billed_through
    ]
    rule = (await tax_rules(session, settings, {acct.jurisdiction}))[acct.jurisdiction]
    pct = Decimal(acct.discount_percent) if acct.discount_percent else None
    coupons = [r for _, r in (await active_redemptions(session, [account_id])).get(account_id, [])]
    draft, _ = compose(
        ctx.lines(aggs),
        items,
        rule,
        discount_percent=pct,
        progressive=progressive,
        coupons=coupons,
        currency=acct.currency,
    )
    return InvoicePreview(account_id, period, acct.currency, draft.lines, draft.totals(), rule)


# --- invoices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceDetail:
    invoice: Invoice
    lines: list[Any]
    attempts: list[Any]
    payments: list[Any]
    account: BillingAccount | None


async def visible_invoice(
    session: AsyncSession, invoice_id: str, principal_id: str, *, admin: bool
) -> InvoiceDetail:
    """The invoice with its lines, attempts and payments; someone else's invoice is 'not found'."""
    inv = await repo.get_invoice(session, invoice_id)
    if inv is None or (not admin and inv.account_id != principal_id):
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    return InvoiceDetail(
        inv,
        await repo.lines_of(session, inv.id),
        await repo.attempts_of(session, inv.id),
        await repo.payments_of(session, inv.id),
        await repo.get_account(session, inv.account_id),
    )


async def list_invoices(
    session: AsyncSession, *, account_id: str | None, limit: int, starting_after: str | None
) -> tuple[list[Invoice], bool]:
    rows = await repo.list_invoices(
        session, account_id=account_id, limit=limit + 1, starting_after=starting_after
    )
    return rows[:limit], len(rows) > limit


async def invoice_pdf(
    session: AsyncSession, settings: Settings, invoice_id: str, principal_id: str, *, admin: bool
) -> tuple[Invoice, bytes]:
    d = await visible_invoice(session, invoice_id, principal_id, admin=admin)
    return d.invoice, render_pdf(settings, d)


def render_pdf(settings: Settings, d: InvoiceDetail) -> bytes:
    from services.invoice_pdf import render_invoice  # fpdf2 and the font load on first use only

    return render_invoice(
        d.invoice,
        d.lines,
        d.account,
        seller_name=settings.billing_seller_name,
        seller_address=settings.billing_seller_address,
        seller_tax_id=settings.billing_seller_tax_id,
        payment_url=hosted_url(settings, d.invoice.id),
    )


async def billing_account(session: AsyncSession, account_id: str) -> BillingAccount | None:
    return await repo.get_account(session, account_id)
