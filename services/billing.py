"""Billing application service: usage intake, set-based invoice building and finalizing, payments
against invoices (mark_invoice_paid, credits first), collection attempts and dunning outcomes.

Every function runs inside the caller's unit of work and is safe to call twice.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from contracts.billing import AttemptRecord, InvoiceSummary
from db.base import utcnow
from db.models.billing import BillingAccount, Invoice, MetricPrice
from db.repositories import billing as repo
from domain import billing as rules
from domain.errors import DomainError, InsufficientFunds, InvalidState, NotFound
from domain.money import exponent

MAX_USAGE_BATCH = 1000


def new_id(prefix: str) -> str:
    """Time-ordered ids (ms timestamp + random), so `ORDER BY id` is creation order for pagination."""
    return f"{prefix}_{int(time.time() * 1000):012x}{os.urandom(6).hex()}"


# --- usage ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageIn:
    event_id: str
    account_id: str
    metric: str
    quantity: int
    timestamp: datetime
    agent_id: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass
class UsageResult:
    accepted: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


async def record_usage(session: AsyncSession, records: list[UsageIn | DomainError]) -> UsageResult:
    """Take every valid record (deduplicated by event_id); report the invalid ones per index.

    A record for a period already invoiced stays unbilled and is claimed by the account's next
    invoice as a late-usage line."""
    result = UsageResult()
    metrics = await repo.known_metrics(session)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    now = utcnow()
    for index, rec in enumerate(records):
        if isinstance(rec, DomainError):
            result.errors.append(_item_error(index, rec))
            continue
        if rec.metric not in metrics:
            result.errors.append(
                _item_error(
                    index,
                    NotFound(f"no price for metric {rec.metric!r}", param="metric", code="unknown_metric"),
                )
            )
            continue
        if rec.event_id in seen:
            result.duplicates += 1
            continue
        seen.add(rec.event_id)
        rows.append(
            {
                "event_id": rec.event_id,
                "account_id": rec.account_id,
                "metric": rec.metric,
                "quantity": rec.quantity,
                "ts": rec.timestamp,
                "agent_id": rec.agent_id,
                "metadata": rec.metadata,
                "received_at": now,
            }
        )
    await repo.ensure_accounts(session, [r["account_id"] for r in rows])
    inserted = await repo.insert_usage(session, rows)
    result.accepted = len(inserted)
    result.duplicates += len(rows) - len(inserted)
    return result


def _item_error(index: int, err: DomainError) -> dict[str, Any]:
    return {"index": index, "code": err.code, "message": err.message, "param": err.param}


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


# --- building ------------------------------------------------------------------------------------


def price_spec(price: MetricPrice) -> rules.PriceSpec:
    return rules.PriceSpec(
        price.model,
        tuple(
            rules.Tier(t.get("up_to"), Decimal(str(t["unit_amount"])), int(t.get("flat_amount", 0)))
            for t in price.tiers
        ),
    )


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


async def build_invoices(
    session: AsyncSession,
    settings: Settings,
    period: rules.Period,
    account_ids: list[str],
    *,
    issued_at: datetime | None = None,
) -> list[InvoiceSummary]:
    """Build (and, with `issued_at`, finalize) the invoices of `period` for these accounts, set-based.

    One invoice per account and period is a UNIQUE constraint: an account already invoiced for the
    period is reported, not built again."""
    ids = sorted(set(account_ids))
    if not ids:
        return []
    await repo.ensure_accounts(session, ids, settings.billing_currency)
    accounts = await repo.accounts_by_id(session, ids)
    now = utcnow()
    drafts = [
        {
            "id": new_id("in"),
            "account_id": a,
            "period": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "status": "draft",
            "currency": accounts[a].currency,
            "subtotal": 0,
            "tax": 0,
            "total": 0,
            "amount_paid": 0,
            "carried_credit": 0,
            "tax_inclusive": False,
            "attempt_count": 0,
            "created_at": now,
            "updated_at": now,
        }
        for a in ids
    ]
    created = await repo.create_drafts(session, drafts)
    invoice_ids = list(created.values())
    account_of = {inv: acc for acc, inv in created.items()}
    usage = await repo.claim_usage(session, invoice_ids)
    items = await repo.claim_items(session, invoice_ids)
    specs = {
        (p.metric, p.currency): (price_spec(p), p.display_name or p.metric)
        for p in await repo.prices(session)
    }
    taxes = await tax_rules(session, settings, {accounts[a].jurisdiction for a in created})

    drafts_by_id: dict[str, rules.InvoiceDraft] = {i: rules.InvoiceDraft() for i in invoice_ids}
    for invoice_id, metric, late, from_period, quantity in usage:
        acct = accounts[account_of[invoice_id]]
        spec, label = specs.get((metric, acct.currency), (None, metric))
        rule = taxes[acct.jurisdiction]
        if late:
            label = f"{label} — late usage from {from_period}"
        if spec is None:
            drafts_by_id[invoice_id].add(
                "usage", f"{label} (unpriced)", quantity, Decimal(0), 0, rule, metric
            )
            continue
        for priced in rules.price_usage(metric, quantity, spec, label=label):
            drafts_by_id[invoice_id].add(
                "late_usage" if late else "usage",
                priced.description,
                priced.quantity,
                priced.unit_amount,
                priced.amount,
                rule,
                metric,
            )
    for invoice_id, kind, description, quantity, amount in items:
        acct = accounts[account_of[invoice_id]]
        unit = Decimal(amount) / quantity if quantity else Decimal(amount)
        drafts_by_id[invoice_id].add(kind, description, quantity, unit, amount, taxes[acct.jurisdiction])

    for invoice_id, draft in drafts_by_id.items():
        acct = accounts[account_of[invoice_id]]
        if acct.discount_percent and draft.lines:
            pct = Decimal(acct.discount_percent)
            off = rules.discount_amount(sum(ln.amount for ln in draft.lines), percent=pct)
            if off:
                draft.add(
                    "discount",
                    f"Discount {pct.normalize():f}%",
                    1,
                    Decimal(off),
                    off,
                    taxes[acct.jurisdiction],
                )
    line_rows: list[dict[str, Any]] = []
    total_rows: list[dict[str, Any]] = []
    empty: list[str] = []
    for invoice_id, draft in drafts_by_id.items():
        if not draft.lines:
            empty.append(invoice_id)
            continue
        acct = accounts[account_of[invoice_id]]
        rule = taxes[acct.jurisdiction]
        for pos, line in enumerate(draft.lines, start=1):
            line_rows.append(
                {
                    "invoice_id": invoice_id,
                    "position": pos,
                    "kind": line.kind,
                    "description": line.description[:300],
                    "metric": line.metric,
                    "quantity": line.quantity,
                    "unit_amount": line.unit_amount,
                    "amount": line.amount,
                    "net": line.net,
                    "tax": line.tax,
                }
            )
        totals = draft.totals()
        total_rows.append(
            {
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
        )
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
    await repo.insert_lines(session, line_rows)
    await repo.set_totals(session, total_rows)

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


async def invoice_status(session: AsyncSession, invoice_id: str) -> InvoiceSummary:
    inv = await repo.get_invoice(session, invoice_id)
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found", param="invoice_id")
    return summary(inv)


async def billing_account(session: AsyncSession, account_id: str) -> BillingAccount | None:
    return await repo.get_account(session, account_id)


# --- configuration (admin) -----------------------------------------------------------------------

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


async def set_price(
    session: AsyncSession,
    *,
    metric: str,
    currency: str,
    model: str,
    tiers: list[dict[str, Any]],
    display_name: str | None = None,
) -> None:
    spec = rules.PriceSpec(
        model,
        tuple(
            rules.Tier(t.get("up_to"), Decimal(str(t["unit_amount"])), int(t.get("flat_amount", 0)))
            for t in tiers
        ),
    )
    stored = [
        {"up_to": t.up_to, "unit_amount": str(t.unit_amount), "flat_amount": t.flat_amount}
        for t in spec.tiers
    ]
    await repo.upsert_price(
        session, metric=metric, currency=currency, model=model, tiers=stored, display_name=display_name
    )


async def set_tax_rate(
    session: AsyncSession, *, jurisdiction: str, percent: Decimal, inclusive: bool = False, name: str = "Tax"
) -> None:
    rules.TaxRule(percent, inclusive, name)
    await repo.upsert_tax_rate(
        session, jurisdiction=jurisdiction, percent=percent, inclusive=inclusive, name=name
    )


# --- reading -------------------------------------------------------------------------------------


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
    from services.invoice_pdf import render_invoice

    d = await visible_invoice(session, invoice_id, principal_id, admin=admin)
    pdf = render_invoice(
        d.invoice,
        d.lines,
        d.account,
        seller_name=settings.billing_seller_name,
        seller_address=settings.billing_seller_address,
        attempts=d.attempts,
    )
    return d.invoice, pdf
