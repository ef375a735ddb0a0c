"""Invoice building: the period-end invoices (set-based, a batch of accounts per transaction), the
progressive invoices issued when usage crosses a threshold, and the upcoming-invoice preview — all
composed by `compose` from the same running usage aggregates, pending items and tax rule.

Every function runs inside the caller's unit of work and is safe to call twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from contracts.billing import InvoiceSummary
from db.base import utcnow
from db.models.billing import BillingAccount, Invoice
from db.repositories import billing as repo
from db.repositories import coupons as crepo
from db.repositories import metering as mrepo
from domain import billing as rules
from domain.coupons import CouponLine, Redemption, coupon_lines
from domain.errors import NotFound
from domain.usage_lines import UsageLine, usage_subtotal
from services.billing_coupons import active_redemptions
from services.billing_pricing import aggregate_of, pricing_contexts
from services.ids import new_id


@dataclass(frozen=True)
class PendingItem:
    kind: str
    description: str
    quantity: int
    amount: int
    subscription_id: str | None = None


@dataclass(frozen=True)
class ProgressiveCredit:
    number: str
    amount: int  # the usage amount that invoice billed (Σ of its line amounts)


def compose(
    usage: list[UsageLine],
    items: list[PendingItem],
    rule: rules.TaxRule,
    *,
    discount_percent: Decimal | None = None,
    progressive: Sequence[ProgressiveCredit] = (),
    coupons: Sequence[Redemption] = (),
    currency: str = "",
) -> tuple[rules.InvoiceDraft, list[CouponLine]]:
    """Usage lines, pending items, a line per progressive invoice already billed for the usage
    (negative), the account's percent discount (of the period's charges), then the coupons — each on
    what this invoice still bills (never below zero) — and tax per line."""
    draft = rules.InvoiceDraft()
    for u in usage:
        ln = u.line
        draft.add(u.kind, ln.description, ln.quantity, ln.unit_amount, ln.amount, rule, u.metric)
    for it in items:
        unit = Decimal(it.amount) / it.quantity if it.quantity else Decimal(it.amount)
        draft.add(it.kind, it.description, it.quantity, unit, it.amount, rule)
    charges = sum(ln.amount for ln in draft.lines)
    for p in progressive:
        draft.add(
            "progressive_credit",
            f"Usage already billed on invoice {p.number}",
            1,
            Decimal(-p.amount),
            -p.amount,
            rule,
        )
    if discount_percent and draft.lines:
        off = rules.discount_amount(charges, percent=discount_percent)
        if off:
            draft.add("discount", f"Discount {discount_percent.normalize():f}%", 1, Decimal(off), off, rule)
    applied: list[CouponLine] = []
    if coupons and draft.lines:
        sub_base: dict[str, int] = {}
        for it in items:
            if it.subscription_id:
                sub_base[it.subscription_id] = sub_base.get(it.subscription_id, 0) + it.amount
        base = sum(ln.amount for ln in draft.lines)
        applied = coupon_lines(coupons, account_base=base, subscription_base=sub_base, currency=currency)
        for c in applied:
            draft.add("coupon", c.description, 1, Decimal(c.amount), c.amount, rule)
    return draft, applied


async def tax_rules(
    session: AsyncSession, settings: Settings, jurisdictions: set[str]
) -> dict[str, rules.TaxRule]:
    stored = await repo.tax_rates(session, sorted(jurisdictions))
    out: dict[str, rules.TaxRule] = {}
    for j in jurisdictions:
        if j in stored:
            r = stored[j]
            out[j] = rules.TaxRule(Decimal(r.percent), r.inclusive, r.name)
        else:
            pct = settings.tax_rates.get(j, settings.tax_rates.get("default", Decimal(0)))
            out[j] = rules.TaxRule(Decimal(pct))
    return out


async def add_item(
    session: AsyncSession,
    *,
    account_id: str,
    kind: str,
    description: str,
    amount: int,
    currency: str,
    effective_at: datetime,
    idempotency_key: str,
    subscription_id: str | None = None,
    quantity: int = 1,
) -> bool:
    """A pending invoice item for the account's next invoice (idempotent on the key)."""
    await repo.ensure_accounts(session, [account_id], currency)
    return await repo.insert_item(
        session,
        {
            "id": new_id("ii"),
            "idempotency_key": idempotency_key,
            "account_id": account_id,
            "kind": kind,
            "description": description,
            "quantity": quantity,
            "amount": amount,
            "currency": currency,
            "effective_at": effective_at,
            "subscription_id": subscription_id,
            "invoice_id": None,
            "created_at": utcnow(),
        },
    )


def _draft_row(account: BillingAccount, period: rules.Period, now: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "id": new_id("in"),
        "account_id": account.account_id,
        "period": period.label,
        "kind": "period",
        "sequence": 0,
        "period_start": period.start,
        "period_end": period.end,
        "status": "draft",
        "currency": account.currency,
        "subtotal": 0,
        "tax": 0,
        "total": 0,
        "amount_paid": 0,
        "carried_credit": 0,
        "tax_inclusive": False,
        "attempt_count": 0,
        "created_at": now,
        "updated_at": now,
        **extra,
    }


def _rows(
    invoice_id: str, draft: rules.InvoiceDraft, rule: rules.TaxRule, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any], rules.InvoiceTotals]:
    """The invoice's line rows and its totals row (stored for a whole batch at once)."""
    lines = [
        {
            "invoice_id": invoice_id,
            "position": pos,
            "kind": line.kind,
            "description": line.description[:300],
            "metric": line.metric,
            "quantity": Decimal(line.quantity),
            "unit_amount": line.unit_amount,
            "amount": line.amount,
            "net": line.net,
            "tax": line.tax,
        }
        for pos, line in enumerate(draft.lines, start=1)
    ]
    totals = draft.totals()
    row = {
        "b_id": invoice_id,
        "b_subtotal": totals.subtotal,
        "b_tax": totals.tax,
        "b_total": totals.total,
        "b_carried": totals.carried_credit,
        "b_tax_name": rule.name,
        "b_tax_percent": rule.percent,
        "b_tax_inclusive": rule.inclusive,
        "b_now": now,
    }
    return lines, row, totals


async def build_invoices(
    session: AsyncSession,
    settings: Settings,
    period: rules.Period,
    account_ids: list[str],
    *,
    issued_at: datetime | None = None,
) -> list[InvoiceSummary]:
    """Build (and, with `issued_at`, finalize) the period-end invoices of `period` for these accounts.

    One period-end invoice per account and period is a UNIQUE index: an account already invoiced for
    the period is reported, not built again. The accounts' rows are locked first (in id order, as
    usage posts lock them), so no usage lands in an aggregate after it is claimed."""
    ids = sorted(set(account_ids))
    if not ids:
        return []
    await repo.ensure_accounts(session, ids, settings.billing_currency)
    accounts = await mrepo.lock_accounts(session, ids)
    now = utcnow()
    created = await repo.create_drafts(session, [_draft_row(accounts[a], period, now) for a in ids])
    invoice_ids = list(created.values())
    account_of = {inv: acc for acc, inv in created.items()}
    aggregates = await mrepo.claim_aggregates(session, invoice_ids)
    items = await repo.claim_items(session, invoice_ids)
    credits = await repo.unsettled_progressive(session, list(created), period.label)
    billed_before = {a: accounts[a].billed_through for a in created}
    await mrepo.mark_billed_through(session, list(created), period.label)
    taxes = await tax_rules(session, settings, {accounts[a].jurisdiction for a in created})

    by_invoice: dict[str, list[Any]] = {i: [] for i in invoice_ids}
    for agg in aggregates:
        late = agg.bill_period if agg.bill_period < period.label else ""
        by_invoice[agg.invoice_id or ""].append(aggregate_of(agg, late_from=late))
    items_by: dict[str, list[PendingItem]] = {i: [] for i in invoice_ids}
    for invoice_id, kind, description, quantity, amount, subscription_id in items:
        items_by[invoice_id].append(PendingItem(kind, description, quantity, amount, subscription_id))
    redemptions = await active_redemptions(session, list(created))
    applied_redemptions: list[str] = []

    contexts = await pricing_contexts(
        session,
        {a: accounts[a].currency for a in created},
        sorted({agg.metric for agg in aggregates}),
    )
    empty: list[str] = []
    line_rows: list[dict[str, Any]] = []
    total_rows: list[dict[str, Any]] = []
    for invoice_id in invoice_ids:
        acct = accounts[account_of[invoice_id]]
        ctx = contexts[acct.account_id]
        prior = billed_before[acct.account_id]
        progressive = [
            ProgressiveCredit(number, amount)
            for (a, inv_period, number, amount) in credits
            if a == acct.account_id and (prior is None or inv_period > prior)
        ]
        rule = taxes[acct.jurisdiction]
        pct = Decimal(acct.discount_percent) if acct.discount_percent else None
        mine = redemptions.get(acct.account_id, [])
        draft, applied = compose(
            ctx.lines(by_invoice[invoice_id]),
            items_by[invoice_id],
            rule,
            discount_percent=pct,
            progressive=progressive,
            coupons=[r for _, r in mine],
            currency=acct.currency,
        )
        used = {(c.code, c.subscription_id) for c in applied}
        applied_redemptions += [rid for rid, r in mine if (r.coupon.code, r.subscription_id) in used]
        if not draft.lines:
            empty.append(invoice_id)
            continue
        lines, total_row, totals = _rows(invoice_id, draft, rule, now)
        line_rows += lines
        total_rows.append(total_row)
        if totals.carried_credit:
            await add_item(
                session,
                account_id=acct.account_id,
                kind="adjustment",
                description=f"Credit carried forward from {period.label}",
                amount=-totals.carried_credit,
                currency=acct.currency,
                effective_at=period.end,
                idempotency_key=f"carry:{invoice_id}",
            )
    await repo.delete_empty_drafts(session, empty)
    await repo.insert_lines(session, line_rows)  # one executemany for the batch, as before the split
    await repo.set_totals(session, total_rows)
    await crepo.mark_applied(session, applied_redemptions)

    if issued_at is not None:
        to_finalize = [i for i in invoice_ids if i not in set(empty)]
        await finalize_invoices(session, settings, to_finalize, issued_at)
    existing = await repo.invoices_for(session, period.label, ids)
    by_account = {inv.account_id: inv for inv in existing}
    out = []
    for a in ids:
        inv = by_account.get(a)
        if inv is None:
            out.append(InvoiceSummary("", a, period.label, "empty"))
        else:
            out.append(summary(inv, created=a in created, credits_first=accounts[a].use_credits_first))
    return out


def summary(inv: Invoice, *, created: bool = False, credits_first: bool = True) -> InvoiceSummary:
    return InvoiceSummary(
        inv.id,
        inv.account_id,
        inv.period,
        inv.status,
        inv.total,
        inv.total - inv.amount_paid,
        inv.currency,
        inv.number,
        created,
        credits_first=credits_first,
    )


async def finalize_invoices(
    session: AsyncSession, settings: Settings, invoice_ids: list[str], issued_at: datetime
) -> None:
    """draft → open, numbered gaplessly per series and year in this same transaction (a zero total is
    paid at once). Drafts already finalized by someone else are left alone."""
    if not invoice_ids:
        return
    drafts = await repo.lock_drafts(session, invoice_ids)
    if not drafts:
        return
    accounts = await repo.accounts_by_id(session, sorted({d.account_id for d in drafts}))
    groups: dict[str, list[Invoice]] = {}
    for inv in drafts:
        series = accounts[inv.account_id].invoice_series or settings.invoice_series
        groups.setdefault(series, []).append(inv)
    due = issued_at + timedelta(days=settings.billing_invoice_due_days)
    rows = []
    for series in sorted(groups):
        batch = groups[series]
        first = await repo.allocate_numbers(session, series, issued_at.year, len(batch))
        for offset, inv in enumerate(batch):
            paid = inv.total == 0
            rows.append(
                {
                    "b_id": inv.id,
                    "b_status": "paid" if paid else "open",
                    "b_number": rules.invoice_number(series, issued_at.year, first + offset),
                    "b_issued": issued_at,
                    "b_due": due,
                    "b_paid_at": issued_at if paid else None,
                }
            )
    await repo.finalize_rows(session, rows)


async def build_invoice(
    session: AsyncSession, settings: Settings, account_id: str, period: str
) -> InvoiceSummary:
    return (await build_invoices(session, settings, rules.Period.parse(period), [account_id]))[0]


async def finalize_invoice(
    session: AsyncSession, settings: Settings, invoice_id: str, issued_at: datetime
) -> InvoiceSummary:
    await finalize_invoices(session, settings, [invoice_id], issued_at)
    inv = await repo.get_invoice(session, invoice_id)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    return summary(inv)


async def billable_accounts(session: AsyncSession, period: str, after: str, limit: int) -> list[str]:
    p = rules.Period.parse(period)
    return await repo.billable_accounts(session, period=p.label, period_end=p.end, after=after, limit=limit)


# --- progressive invoices ------------------------------------------------------------------------


async def issue_progressive_invoice(
    session: AsyncSession,
    settings: Settings,
    acct: BillingAccount,
    period: rules.Period,
    sequence: int,
    usage: list[UsageLine],
    prior: list[ProgressiveCredit],
    issued_at: datetime,
) -> str | None:
    """The invoice for threshold number `sequence` of the period: the usage so far less what earlier
    progressive invoices billed; finalized at once. Once per threshold: the caller holds the
    account's row lock, and (account, period, sequence) is a UNIQUE index."""
    now = utcnow()
    row = _draft_row(acct, period, now, kind="progressive", sequence=sequence)
    created = await repo.create_progressive_draft(session, row)
    if not created:
        return None
    rule = (await tax_rules(session, settings, {acct.jurisdiction}))[acct.jurisdiction]
    draft, _ = compose(usage, [], rule, progressive=prior)
    lines, total_row, _ = _rows(str(row["id"]), draft, rule, now)
    await repo.insert_lines(session, lines)
    await repo.set_totals(session, [total_row])
    await finalize_invoices(session, settings, [row["id"]], issued_at)
    return str(row["id"])


def usage_amount(lines: list[UsageLine]) -> int:
    return usage_subtotal(lines)
