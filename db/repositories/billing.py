"""All billing SQL. Invoice building is set-based: one statement per step for a whole batch of
accounts (claim usage, claim pending items, insert lines, update totals, number the invoices)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, text, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.billing import (
    BillingAccount,
    BillingItem,
    CollectionAttempt,
    Invoice,
    InvoiceLineItem,
    InvoiceNumberSeries,
    InvoicePayment,
    MetricPrice,
    Plan,
    Subscription,
    TaxRate,
    UsageRecord,
)
from db.pagination import keyset_page
from db.sql import insert_for

# --- accounts, prices, tax ----------------------------------------------------------------------


async def ensure_accounts(session: AsyncSession, account_ids: Sequence[str], currency: str = "USD") -> None:
    if not account_ids:
        return
    now = utcnow()
    rows = [
        {
            "account_id": a,
            "currency": currency,
            "jurisdiction": "default",
            "use_credits_first": False,
            "provider": "stripe",
            "created_at": now,
            "updated_at": now,
        }
        for a in sorted(set(account_ids))
    ]
    await session.execute(insert_for(session, BillingAccount).values(rows).on_conflict_do_nothing())


async def accounts_by_id(session: AsyncSession, account_ids: Sequence[str]) -> dict[str, BillingAccount]:
    rows = await session.execute(select(BillingAccount).where(BillingAccount.account_id.in_(account_ids)))
    return {a.account_id: a for a in rows.scalars()}


async def get_account(session: AsyncSession, account_id: str) -> BillingAccount | None:
    return await session.get(BillingAccount, account_id)


async def update_account(session: AsyncSession, account_id: str, values: dict[str, Any]) -> None:
    await session.execute(
        update(BillingAccount)
        .where(BillingAccount.account_id == account_id)
        .values(**values, updated_at=utcnow())
    )


async def prices(session: AsyncSession) -> list[MetricPrice]:
    return list((await session.execute(select(MetricPrice))).scalars())


async def known_metrics(session: AsyncSession) -> set[str]:
    return set((await session.execute(select(MetricPrice.metric))).scalars())


async def upsert_price(
    session: AsyncSession,
    *,
    metric: str,
    currency: str,
    model: str,
    tiers: list[dict[str, Any]],
    display_name: str | None,
) -> None:
    values = {
        "metric": metric,
        "currency": currency,
        "model": model,
        "tiers": tiers,
        "display_name": display_name,
        "updated_at": utcnow(),
    }
    stmt = insert_for(session, MetricPrice).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["metric", "currency"],
        set_={k: stmt.excluded[k] for k in ("model", "tiers", "display_name", "updated_at")},
    )
    await session.execute(stmt)


async def tax_rates(session: AsyncSession, jurisdictions: Sequence[str]) -> dict[str, TaxRate]:
    rows = await session.execute(select(TaxRate).where(TaxRate.jurisdiction.in_(jurisdictions)))
    return {r.jurisdiction: r for r in rows.scalars()}


async def upsert_tax_rate(
    session: AsyncSession, *, jurisdiction: str, percent: Decimal, inclusive: bool, name: str
) -> None:
    values = {
        "jurisdiction": jurisdiction,
        "percent": percent,
        "inclusive": inclusive,
        "name": name,
        "updated_at": utcnow(),
    }
    stmt = insert_for(session, TaxRate).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["jurisdiction"],
        set_={k: stmt.excluded[k] for k in ("percent", "inclusive", "name", "updated_at")},
    )
    await session.execute(stmt)


# --- usage and pending items --------------------------------------------------------------------


async def insert_usage(session: AsyncSession, rows: list[dict[str, Any]]) -> set[str]:
    """Insert usage records; returns the event ids that were new (a resend changes nothing)."""
    if not rows:
        return set()
    stmt = (
        insert_for(session, UsageRecord)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(UsageRecord.event_id)
    )
    return set((await session.execute(stmt)).scalars())


async def insert_item(session: AsyncSession, row: dict[str, Any]) -> bool:
    stmt = (
        insert_for(session, BillingItem)
        .values(row)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(BillingItem.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def billable_accounts(
    session: AsyncSession, *, period: str, period_end: datetime, after: str, limit: int
) -> list[str]:
    """Accounts with something unbilled before `period_end`, or a draft for the period; by id."""
    usage: Select[Any] = select(UsageRecord.account_id).where(
        UsageRecord.invoice_id.is_(None), UsageRecord.ts < period_end, UsageRecord.account_id > after
    )
    items: Select[Any] = select(BillingItem.account_id).where(
        BillingItem.invoice_id.is_(None),
        BillingItem.effective_at < period_end,
        BillingItem.account_id > after,
    )
    drafts: Select[Any] = select(Invoice.account_id).where(
        Invoice.period == period, Invoice.status == "draft", Invoice.account_id > after
    )
    u = union(usage, items, drafts).subquery()
    stmt = select(u.c.account_id).order_by(u.c.account_id).limit(limit)
    return list((await session.execute(stmt)).scalars())


# --- building invoices (set-based) ---------------------------------------------------------------


async def create_drafts(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[str, str]:
    """INSERT drafts; ON CONFLICT (account_id, period) DO NOTHING. {account_id: invoice_id} created."""
    if not rows:
        return {}
    stmt = (
        insert_for(session, Invoice)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["account_id", "period"])
        .returning(Invoice.account_id, Invoice.id)
    )
    return {a: i for a, i in (await session.execute(stmt)).all()}


async def invoices_for(session: AsyncSession, period: str, account_ids: Sequence[str]) -> list[Invoice]:
    stmt = select(Invoice).where(Invoice.period == period, Invoice.account_id.in_(account_ids))
    return list((await session.execute(stmt)).scalars())


_CLAIM_USAGE = text("""
WITH claimed AS (
  UPDATE usage_records u SET invoice_id = i.id
  FROM invoices i
  WHERE i.id = ANY(:ids) AND u.account_id = i.account_id AND u.invoice_id IS NULL AND u.ts < i.period_end
  RETURNING u.invoice_id, u.metric, u.quantity, (u.ts < i.period_start) AS late,
            to_char(u.ts AT TIME ZONE 'UTC', 'YYYY-MM') AS usage_period
)
SELECT invoice_id, metric, late, CASE WHEN late THEN usage_period ELSE '' END AS from_period,
       sum(quantity) AS quantity
FROM claimed GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4, 2
""")

_CLAIM_ITEMS = text("""
UPDATE billing_items b SET invoice_id = i.id
FROM invoices i
WHERE i.id = ANY(:ids) AND b.account_id = i.account_id AND b.invoice_id IS NULL
  AND b.effective_at < i.period_end AND b.currency = i.currency
RETURNING b.invoice_id, b.kind, b.description, b.quantity, b.amount, b.effective_at, b.idempotency_key
""")


async def claim_usage(session: AsyncSession, invoice_ids: list[str]) -> list[tuple[str, str, bool, str, int]]:
    """Attach every unbilled usage record before each invoice's period end to it; aggregated
    (invoice_id, metric, late, from_period, quantity). Late = from an earlier, already billed period."""
    if not invoice_ids:
        return []
    rows = (await session.execute(_CLAIM_USAGE, {"ids": invoice_ids})).all()
    return [(r[0], r[1], bool(r[2]), r[3], int(r[4])) for r in rows]


async def claim_items(session: AsyncSession, invoice_ids: list[str]) -> list[tuple[str, str, str, int, int]]:
    if not invoice_ids:
        return []
    rows = (await session.execute(_CLAIM_ITEMS, {"ids": invoice_ids})).all()
    rows = sorted(rows, key=lambda r: (r[0], r[5], r[6]))
    return [(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in rows]


async def insert_lines(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert_for(session, InvoiceLineItem), rows)


_SET_TOTALS = (
    update(Invoice)
    .where(Invoice.id == bindparam("b_id"))
    .values(
        subtotal=bindparam("b_subtotal"),
        tax=bindparam("b_tax"),
        total=bindparam("b_total"),
        carried_credit=bindparam("b_carried"),
        tax_name=bindparam("b_tax_name"),
        tax_percent=bindparam("b_tax_percent"),
        tax_inclusive=bindparam("b_tax_inclusive"),
        updated_at=bindparam("b_now"),
    )
)


async def set_totals(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn = await session.connection()
        await conn.execute(_SET_TOTALS, rows)


async def delete_empty_drafts(session: AsyncSession, invoice_ids: list[str]) -> None:
    """Drafts created in this same transaction that turned out to have nothing to bill."""
    if invoice_ids:
        await session.execute(delete(Invoice).where(Invoice.id.in_(invoice_ids), Invoice.status == "draft"))


async def allocate_numbers(session: AsyncSession, series: str, year: int, count: int) -> int:
    """Reserve `count` consecutive numbers; returns the first. The series row stays locked until the
    transaction ends, so numbers are gapless: a rollback gives them back."""
    stmt = insert_for(session, InvoiceNumberSeries).values(series=series, year=year, last_value=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=["series", "year"],
        set_={"last_value": InvoiceNumberSeries.last_value + count},
    ).returning(InvoiceNumberSeries.last_value)
    last = int((await session.execute(stmt)).scalar_one())
    return last - count + 1


_FINALIZE = (
    update(Invoice)
    .where(Invoice.id == bindparam("b_id"), Invoice.status == "draft")
    .values(
        status=bindparam("b_status"),
        number=bindparam("b_number"),
        issued_at=bindparam("b_issued"),
        due_at=bindparam("b_due"),
        paid_at=bindparam("b_paid_at"),
        updated_at=bindparam("b_issued"),
    )
)


async def finalize_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn = await session.connection()
        await conn.execute(_FINALIZE, rows)


async def lock_drafts(session: AsyncSession, invoice_ids: list[str]) -> list[Invoice]:
    stmt = (
        select(Invoice)
        .where(Invoice.id.in_(invoice_ids), Invoice.status == "draft")
        .order_by(Invoice.id)
        .with_for_update()
    )
    return list((await session.execute(stmt)).scalars())


# --- reading invoices ----------------------------------------------------------------------------


async def get_invoice(session: AsyncSession, invoice_id: str, *, lock: bool = False) -> Invoice | None:
    stmt = select(Invoice).where(Invoice.id == invoice_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_invoices(
    session: AsyncSession, *, account_id: str | None, limit: int, starting_after: str | None
) -> list[Invoice]:
    stmt = select(Invoice).order_by(Invoice.id.desc()).limit(limit)
    if account_id is not None:
        stmt = stmt.where(Invoice.account_id == account_id)
    if starting_after:
        stmt = stmt.where(Invoice.id < starting_after)
    return list((await session.execute(stmt)).scalars())


async def lines_of(session: AsyncSession, invoice_id: str) -> list[InvoiceLineItem]:
    stmt = (
        select(InvoiceLineItem)
        .where(InvoiceLineItem.invoice_id == invoice_id)
        .order_by(InvoiceLineItem.position)
    )
    return list((await session.execute(stmt)).scalars())


async def attempts_of(session: AsyncSession, invoice_id: str) -> list[CollectionAttempt]:
    stmt = (
        select(CollectionAttempt)
        .where(CollectionAttempt.invoice_id == invoice_id)
        .order_by(CollectionAttempt.attempt_no)
    )
    return list((await session.execute(stmt)).scalars())


async def payments_of(session: AsyncSession, invoice_id: str) -> list[InvoicePayment]:
    stmt = select(InvoicePayment).where(InvoicePayment.invoice_id == invoice_id).order_by(InvoicePayment.id)
    return list((await session.execute(stmt)).scalars())


# --- payments and collection ---------------------------------------------------------------------


async def insert_payment(
    session: AsyncSession, *, invoice_id: str, payment_id: str, source: str, amount: int
) -> bool:
    stmt = (
        insert_for(session, InvoicePayment)
        .values(
            invoice_id=invoice_id, payment_id=payment_id, source=source, amount=amount, created_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["invoice_id", "payment_id"])
        .returning(InvoicePayment.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def update_invoice(session: AsyncSession, invoice_id: str, values: dict[str, Any]) -> None:
    await session.execute(
        update(Invoice).where(Invoice.id == invoice_id).values(**values, updated_at=utcnow())
    )


async def upsert_attempt(session: AsyncSession, row: dict[str, Any]) -> None:
    stmt = insert_for(session, CollectionAttempt).values(row)
    stmt = stmt.on_conflict_do_update(
        index_elements=["invoice_id", "attempt_no"],
        set_={
            k: stmt.excluded[k]
            for k in ("outcome", "failure_code", "message", "payment_id", "next_attempt_at", "amount")
        },
    )
    await session.execute(stmt)


async def count_attempts(session: AsyncSession, invoice_id: str) -> int:
    stmt = (
        select(func.count()).select_from(CollectionAttempt).where(CollectionAttempt.invoice_id == invoice_id)
    )
    return int((await session.execute(stmt)).scalar_one())


# --- plans and subscriptions ---------------------------------------------------------------------


async def insert_plan(session: AsyncSession, row: dict[str, Any]) -> None:
    await session.execute(insert_for(session, Plan).values(row))


async def get_plan(session: AsyncSession, plan_id: str) -> Plan | None:
    return await session.get(Plan, plan_id)


async def list_plans(
    session: AsyncSession, *, include_inactive: bool, limit: int, starting_after: str | None
) -> list[Plan]:
    """Oldest first, one page (limit + 1 rows)."""
    stmt = select(Plan)
    if not include_inactive:
        stmt = stmt.where(Plan.active.is_(True))
    return await keyset_page(
        session, stmt, Plan, order=[Plan.created_at], limit=limit, starting_after=starting_after
    )


async def update_plan(session: AsyncSession, plan_id: str, values: dict[str, Any]) -> None:
    await session.execute(update(Plan).where(Plan.id == plan_id).values(**values, updated_at=utcnow()))


async def insert_subscription(session: AsyncSession, row: dict[str, Any]) -> None:
    await session.execute(insert_for(session, Subscription).values(row))


async def get_subscription(
    session: AsyncSession, subscription_id: str, *, lock: bool = False
) -> Subscription | None:
    stmt = select(Subscription).where(Subscription.id == subscription_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_subscriptions(
    session: AsyncSession, account_id: str, *, limit: int, starting_after: str | None
) -> list[Subscription]:
    """Oldest first, one page (limit + 1 rows)."""
    stmt = select(Subscription).where(Subscription.account_id == account_id)
    return await keyset_page(
        session,
        stmt,
        Subscription,
        order=[Subscription.created_at],
        limit=limit,
        starting_after=starting_after,
    )


async def update_subscription(session: AsyncSession, subscription_id: str, values: dict[str, Any]) -> None:
    await session.execute(
        update(Subscription).where(Subscription.id == subscription_id).values(**values, updated_at=utcnow())
    )
