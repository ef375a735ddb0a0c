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
    Plan,
    Subscription,
    TaxRate,
    UsageRecord,
)
from db.models.metering import UsageAggregate
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
    # executemany on the table (compiled once, sent as multi-row batches), not one 1,000-row VALUES
    # statement that SQLAlchemy would compile afresh for every batch
    table = UsageRecord.__table__
    stmt = (
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(table.c.event_id)
    )
    return set((await session.execute(stmt, rows)).scalars())


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
    usage: Select[Any] = select(UsageAggregate.account_id).where(
        UsageAggregate.invoice_id.is_(None),
        UsageAggregate.bill_period <= period,
        UsageAggregate.account_id > after,
    )
    items: Select[Any] = select(BillingItem.account_id).where(
        BillingItem.invoice_id.is_(None),
        BillingItem.effective_at < period_end,
        BillingItem.account_id > after,
    )
    drafts: Select[Any] = select(Invoice.account_id).where(
        Invoice.period == period,
        Invoice.kind == "period",
        Invoice.status == "draft",
        Invoice.account_id > after,
    )
    u = union(usage, items, drafts).subquery()
    stmt = select(u.c.account_id).order_by(u.c.account_id).limit(limit)
    return list((await session.execute(stmt)).scalars())


# --- building invoices (set-based) ---------------------------------------------------------------


async def create_drafts(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[str, str]:
    """INSERT period-end drafts; ON CONFLICT (account_id, period) DO NOTHING. {account_id: invoice_id}
    of those created."""
    if not rows:
        return {}
    stmt = (
        insert_for(session, Invoice)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["account_id", "period"], index_where=text("kind = 'period'"))
        .returning(Invoice.account_id, Invoice.id)
    )
    return {a: i for a, i in (await session.execute(stmt)).all()}


async def create_progressive_draft(session: AsyncSession, row: dict[str, Any]) -> bool:
    """INSERT the draft of threshold `sequence`; False if that threshold was already invoiced."""
    stmt = (
        insert_for(session, Invoice)
        .values(row)
        .on_conflict_do_nothing(
            index_elements=["account_id", "period", "sequence"], index_where=text("kind = 'progressive'")
        )
        .returning(Invoice.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def invoices_for(session: AsyncSession, period: str, account_ids: Sequence[str]) -> list[Invoice]:
    stmt = select(Invoice).where(
        Invoice.period == period, Invoice.kind == "period", Invoice.account_id.in_(account_ids)
    )
    return list((await session.execute(stmt)).scalars())


async def unsettled_progressive(
    session: AsyncSession, account_ids: Sequence[str], period: str
) -> list[tuple[str, str, str, int]]:
    """Progressive invoices (not void) of these accounts for `period` and before, with the usage
    amount each billed: (account_id, period, number, Σ line amount), by account, period, sequence."""
    if not account_ids:
        return []
    stmt = (
        select(Invoice.account_id, Invoice.period, Invoice.number, func.sum(InvoiceLineItem.amount))
        .join(InvoiceLineItem, InvoiceLineItem.invoice_id == Invoice.id)
        .where(
            Invoice.account_id.in_(account_ids),
            Invoice.kind == "progressive",
            Invoice.status != "void",
            Invoice.period <= period,
        )
        .group_by(Invoice.account_id, Invoice.period, Invoice.number, Invoice.sequence)
        .order_by(Invoice.account_id, Invoice.period, Invoice.sequence)
    )
    return [(a, p, n or "", int(t)) for a, p, n, t in (await session.execute(stmt)).all()]


async def pending_items(
    session: AsyncSession, account_id: str, currency: str, before: datetime
) -> list[BillingItem]:
    stmt = (
        select(BillingItem)
        .where(
            BillingItem.account_id == account_id,
            BillingItem.invoice_id.is_(None),
            BillingItem.effective_at < before,
            BillingItem.currency == currency,
        )
        .order_by(BillingItem.effective_at, BillingItem.idempotency_key)
    )
    return list((await session.execute(stmt)).scalars())


_CLAIM_ITEMS = text("""
UPDATE billing_items b SET invoice_id = i.id
FROM invoices i
WHERE i.id = ANY(:ids) AND b.account_id = i.account_id AND b.invoice_id IS NULL
  AND b.effective_at < i.period_end AND b.currency = i.currency
RETURNING b.invoice_id, b.kind, b.description, b.quantity, b.amount, b.effective_at, b.idempotency_key,
          b.subscription_id
""")


async def claim_items(
    session: AsyncSession, invoice_ids: list[str]
) -> list[tuple[str, str, str, int, int, str | None]]:
    if not invoice_ids:
        return []
    rows = (await session.execute(_CLAIM_ITEMS, {"ids": invoice_ids})).all()
    rows = sorted(rows, key=lambda r: (r[0], r[5], r[6]))
    return [(r[0], r[1], r[2], int(r[3]), int(r[4]), r[7]) for r in rows]


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
