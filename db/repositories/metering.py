"""SQL of meters, usage prices and running usage aggregates.

Aggregates are upserted in the transaction that stores the events, under the billing account's
row lock (taken by `lock_accounts`, in account order, the same order the invoice build locks in), so
a period-end build and a usage post never interleave: usage reaches an aggregate before the build
claims it, or lands in the next bill period as late usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.billing import BillingAccount, Invoice, Subscription
from db.models.metering import Meter, UsageAggregate, UsagePrice, UsageUniqueValue
from db.sql import insert_for

# --- meters and prices ---------------------------------------------------------------------------


async def meters(session: AsyncSession, metrics: Sequence[str] | None = None) -> dict[str, Meter]:
    stmt = select(Meter)
    if metrics is not None:
        stmt = stmt.where(Meter.metric.in_(sorted(set(metrics))))
    return {m.metric: m for m in (await session.execute(stmt)).scalars()}


async def upsert_meter(session: AsyncSession, values: dict[str, Any]) -> None:
    values = {**values, "updated_at": utcnow()}
    stmt = insert_for(session, Meter).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["metric"], set_={k: stmt.excluded[k] for k in values if k != "metric"}
    )
    await session.execute(stmt)


async def known_metrics(session: AsyncSession, metrics: Sequence[str]) -> set[str]:
    """Of these metrics, those with a meter or any price."""
    wanted = sorted(set(metrics))
    a = select(Meter.metric).where(Meter.metric.in_(wanted))
    b = select(UsagePrice.metric).where(UsagePrice.metric.in_(wanted))
    return set((await session.execute(a.union(b))).scalars())


async def upsert_price(session: AsyncSession, values: dict[str, Any]) -> str:
    """Insert or replace the price for (metric, currency, scope, scope_id, filter_key); its id."""
    values = {**values, "updated_at": utcnow()}
    stmt = insert_for(session, UsagePrice).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["metric", "currency", "scope", "scope_id", "filter_key"],
        set_={
            k: stmt.excluded[k]
            for k in ("filters", "model", "tiers", "package_size", "display_name", "updated_at")
        },
    ).returning(UsagePrice.id)
    return str((await session.execute(stmt)).scalar_one())


async def delete_price(session: AsyncSession, price_id: str) -> bool:
    from sqlalchemy import delete

    res = await session.execute(delete(UsagePrice).where(UsagePrice.id == price_id))
    return bool(getattr(res, "rowcount", 0))


async def prices_for(session: AsyncSession, *, currency: str, account_id: str) -> list[UsagePrice]:
    """The candidate prices for an account in `currency`: the global ones, those of the plans it is
    subscribed to (trialing or active), its own — one round trip."""
    plans = select(Subscription.plan_id).where(
        Subscription.account_id == account_id, Subscription.status.in_(("trialing", "active"))
    )
    stmt = select(UsagePrice).where(
        UsagePrice.currency == currency,
        or_(
            UsagePrice.scope == "global",
            and_(UsagePrice.scope == "plan", UsagePrice.scope_id.in_(plans.scalar_subquery())),
            and_(UsagePrice.scope == "account", UsagePrice.scope_id == account_id),
        ),
    )
    return list((await session.execute(stmt)).scalars())


async def prices_for_accounts(
    session: AsyncSession, account_ids: Sequence[str]
) -> tuple[list[UsagePrice], dict[str, list[str]]]:
    """For a batch of accounts (the invoice build): every global price, the prices of their plans
    and their own, and {account_id: [plan ids]} — two round trips for the whole batch."""
    ids = sorted(set(account_ids))
    subs = (
        await session.execute(
            select(Subscription.account_id, Subscription.plan_id).where(
                Subscription.account_id.in_(ids), Subscription.status.in_(("trialing", "active"))
            )
        )
    ).all()
    plans: dict[str, list[str]] = {}
    for account_id, plan_id in subs:
        plans.setdefault(account_id, []).append(plan_id)
    plan_ids = sorted({p for ps in plans.values() for p in ps}) or [""]
    stmt = select(UsagePrice).where(
        or_(
            UsagePrice.scope == "global",
            and_(UsagePrice.scope == "plan", UsagePrice.scope_id.in_(plan_ids)),
            and_(UsagePrice.scope == "account", UsagePrice.scope_id.in_(ids)),
        )
    )
    return list((await session.execute(stmt)).scalars()), plans


async def list_prices(session: AsyncSession, metric: str | None = None) -> list[UsagePrice]:
    stmt = select(UsagePrice).order_by(
        UsagePrice.metric, UsagePrice.currency, UsagePrice.scope, UsagePrice.id
    )
    if metric is not None:
        stmt = stmt.where(UsagePrice.metric == metric)
    return list((await session.execute(stmt)).scalars())


# --- locking -------------------------------------------------------------------------------------


async def lock_accounts(session: AsyncSession, account_ids: Sequence[str]) -> dict[str, BillingAccount]:
    """Row-lock the billing accounts in id order (every locker uses this order: no deadlocks)."""
    stmt = (
        select(BillingAccount)
        .where(BillingAccount.account_id.in_(sorted(set(account_ids))))
        .order_by(BillingAccount.account_id)
        .with_for_update()
    )
    rows = (await session.execute(stmt.execution_options(populate_existing=True))).scalars()
    return {a.account_id: a for a in rows}


# --- aggregates ----------------------------------------------------------------------------------

AGG_KEY = ("account_id", "bill_period", "metric", "group_key", "from_period")


async def insert_unique_values(session: AsyncSession, rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Insert distinct values; the aggregate keys of the values that were new (one per new value)."""
    if not rows:
        return []
    stmt = (
        insert_for(session, UsageUniqueValue)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(*(getattr(UsageUniqueValue, k) for k in AGG_KEY))
    )
    return [tuple(r) for r in (await session.execute(stmt)).all()]


async def upsert_aggregates(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Add each row's deltas to its running aggregate (one row per key per call)."""
    if not rows:
        return
    stmt = insert_for(session, UsageAggregate).values(rows)
    ex = stmt.excluded
    t = UsageAggregate.__table__.c
    later = or_(
        t.latest_at.is_(None),
        ex.latest_at > t.latest_at,
        and_(ex.latest_at == t.latest_at, ex.latest_value > t.latest_value),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=list(AGG_KEY),
        set_={
            "total": t.total + ex.total,
            "count": t["count"] + ex["count"],
            "maximum": case((or_(t.maximum.is_(None), ex.maximum > t.maximum), ex.maximum), else_=t.maximum),
            "latest_value": case((later, ex.latest_value), else_=t.latest_value),
            "latest_at": case((later, ex.latest_at), else_=t.latest_at),
            "unique_count": t.unique_count + ex.unique_count,
            "updated_at": ex.updated_at,
        },
    )
    await session.execute(stmt)


async def open_aggregates(session: AsyncSession, account_id: str, up_to_period: str) -> list[UsageAggregate]:
    """The account's unbilled aggregates of `up_to_period` and before (ix_usage_aggregates_unbilled)."""
    stmt = select(UsageAggregate).where(
        UsageAggregate.account_id == account_id,
        UsageAggregate.invoice_id.is_(None),
        UsageAggregate.bill_period <= up_to_period,
    )
    return list((await session.execute(stmt)).scalars())


async def claim_aggregates(session: AsyncSession, invoice_ids: Sequence[str]) -> list[UsageAggregate]:
    """Attach each invoice's account's unbilled aggregates of its period and before to it."""
    if not invoice_ids:
        return []
    inv = select(Invoice.account_id, Invoice.period, Invoice.id).where(Invoice.id.in_(invoice_ids)).subquery()
    stmt = (
        update(UsageAggregate)
        .where(
            UsageAggregate.account_id == inv.c.account_id,
            UsageAggregate.invoice_id.is_(None),
            UsageAggregate.bill_period <= inv.c.period,
        )
        .values(invoice_id=inv.c.id)
        .returning(UsageAggregate)
    )
    return list((await session.execute(stmt.execution_options(synchronize_session=False))).scalars())


async def billable_usage_accounts(session: AsyncSession, *, period: str, after: str) -> Any:
    """SELECT of accounts with unbilled usage to bill at `period`'s end (for billable_accounts)."""
    return select(UsageAggregate.account_id).where(
        UsageAggregate.invoice_id.is_(None),
        UsageAggregate.bill_period <= period,
        UsageAggregate.account_id > after,
    )


async def mark_billed_through(session: AsyncSession, account_ids: Sequence[str], period: str) -> None:
    await session.execute(
        update(BillingAccount)
        .where(
            BillingAccount.account_id.in_(sorted(set(account_ids))),
            or_(BillingAccount.billed_through.is_(None), BillingAccount.billed_through < period),
        )
        .values(billed_through=period)
    )


async def progressive_invoices(session: AsyncSession, account_id: str, period: str) -> list[Invoice]:
    stmt = (
        select(Invoice)
        .where(
            Invoice.account_id == account_id,
            Invoice.period == period,
            Invoice.kind == "progressive",
            Invoice.status != "void",
        )
        .order_by(Invoice.sequence)
    )
    return list((await session.execute(stmt)).scalars())


async def last_threshold(session: AsyncSession, account_id: str, period: str) -> int:
    stmt = select(func.coalesce(func.max(Invoice.sequence), 0)).where(
        Invoice.account_id == account_id, Invoice.period == period, Invoice.kind == "progressive"
    )
    return int((await session.execute(stmt)).scalar_one())
