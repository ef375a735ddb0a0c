"""Plans and subscriptions. A subscription's fees reach invoices as pending billing items: each
renewal adds the period's fee (charged in advance), a plan change adds the proration (credit for
unused time on the old plan, charge for the rest of the period on the new), an immediate cancel
credits the unused time. Times come from the SubscriptionWorkflow (workflow time), so every call is
deterministic and idempotent on its business key."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.billing import SubscriptionState
from db.base import utcnow
from db.models.billing import Plan, Subscription
from db.repositories import billing as repo
from domain import billing as rules
from domain.errors import InvalidAmount, InvalidState, NotFound
from domain.money import check_currency
from services.billing import add_item, new_id

# --- plans ---------------------------------------------------------------------------------------


async def create_plan(
    session: AsyncSession,
    *,
    name: str,
    amount: int,
    currency: str,
    interval_months: int = 1,
    trial_days: int = 0,
    description: str | None = None,
    plan_id: str | None = None,
) -> Plan:
    currency = check_currency(currency)
    _check_plan(amount=amount, interval_months=interval_months, trial_days=trial_days)
    now = utcnow()
    pid = plan_id or new_id("plan")
    await repo.insert_plan(
        session,
        {
            "id": pid,
            "name": name,
            "description": description,
            "amount": amount,
            "currency": currency,
            "interval_months": interval_months,
            "trial_days": trial_days,
            "active": True,
            "created_at": now,
            "updated_at": now,
        },
    )
    return await get_plan(session, pid)


def _check_plan(
    *, amount: int | None = None, interval_months: int | None = None, trial_days: int | None = None
) -> None:
    if amount is not None and amount < 0:
        raise InvalidAmount("amount must not be negative", param="amount")
    if interval_months is not None and not 1 <= interval_months <= 12:
        raise InvalidAmount("interval_months must be between 1 and 12", param="interval_months")
    if trial_days is not None and not 0 <= trial_days <= 365:
        raise InvalidAmount("trial_days must be between 0 and 365", param="trial_days")


async def get_plan(session: AsyncSession, plan_id: str) -> Plan:
    plan = await repo.get_plan(session, plan_id)
    if plan is None:
        raise NotFound(f"plan {plan_id} not found", param="plan_id")
    return plan


async def update_plan(session: AsyncSession, plan_id: str, values: dict[str, Any]) -> Plan:
    """Name, description, price, trial and active flag; a new price applies from the next renewal."""
    plan = await get_plan(session, plan_id)
    _check_plan(amount=values.get("amount"), trial_days=values.get("trial_days"))
    if values:
        await repo.update_plan(session, plan_id, values)
        await session.refresh(plan)
    return plan


async def list_plans(
    session: AsyncSession, *, include_inactive: bool = False, limit: int, starting_after: str | None
) -> list[Plan]:
    return await repo.list_plans(
        session, include_inactive=include_inactive, limit=limit, starting_after=starting_after
    )


# --- subscriptions -------------------------------------------------------------------------------


def state_of(sub: Subscription) -> SubscriptionState:
    return SubscriptionState(
        sub.id,
        sub.account_id,
        sub.plan_id,
        sub.status,
        sub.period_index,
        sub.current_period_start,
        sub.current_period_end,
        sub.trial_end,
        sub.cancel_at_period_end,
    )


async def create_subscription(
    session: AsyncSession,
    *,
    account_id: str,
    plan_id: str,
    payment_method_id: str | None = None,
    subscription_id: str | None = None,
) -> Subscription:
    plan = await get_plan(session, plan_id)
    if not plan.active:
        raise InvalidState(f"plan {plan_id} is not available", param="plan_id", code="plan_inactive")
    await repo.ensure_accounts(session, [account_id], plan.currency)
    acct = await repo.get_account(session, account_id)
    if acct is not None and acct.currency != plan.currency:
        raise InvalidState(
            "the plan's currency differs from the account's billing currency",
            param="plan_id",
            code="currency_mismatch",
        )
    if payment_method_id and acct is not None and not acct.default_payment_method_id:
        await repo.update_account(session, account_id, {"default_payment_method_id": payment_method_id})
    now = utcnow()
    sid = subscription_id or new_id("sub")
    await repo.insert_subscription(
        session,
        {
            "id": sid,
            "account_id": account_id,
            "plan_id": plan_id,
            "status": "incomplete",
            "payment_method_id": payment_method_id,
            "period_index": 0,
            "cancel_at_period_end": False,
            "created_at": now,
            "updated_at": now,
        },
    )
    return await get_subscription(session, sid)


async def get_subscription(
    session: AsyncSession, subscription_id: str, *, lock: bool = False
) -> Subscription:
    sub = await repo.get_subscription(session, subscription_id, lock=lock)
    if sub is None:
        raise NotFound(f"subscription {subscription_id} not found", param="subscription_id")
    return sub


async def list_subscriptions(
    session: AsyncSession, account_id: str, *, limit: int, starting_after: str | None
) -> list[Subscription]:
    return await repo.list_subscriptions(session, account_id, limit=limit, starting_after=starting_after)


async def renew(session: AsyncSession, subscription_id: str, at: datetime) -> SubscriptionState:
    """Start the period beginning at `at` (the first call starts the trial, if the plan has one) and
    add its fee as a pending item. Calling it again for the same `at` changes nothing."""
    sub = await get_subscription(session, subscription_id, lock=True)
    if sub.status == "canceled" or sub.current_period_start == at:
        return state_of(sub)
    if sub.current_period_end is not None and at < sub.current_period_end:
        return state_of(sub)  # a stale call: this period is still running
    plan = await get_plan(session, sub.plan_id)
    values: dict[str, Any]
    if sub.status == "incomplete" and plan.trial_days > 0:
        end = at + timedelta(days=plan.trial_days)
        values = {
            "status": "trialing",
            "trial_end": end,
            "current_period_start": at,
            "current_period_end": end,
        }
    else:
        anchor = sub.billing_anchor or at
        index = sub.period_index + 1
        start = at
        end = rules.add_months(anchor, index * plan.interval_months)
        values = {
            "status": "active",
            "billing_anchor": anchor,
            "period_index": index,
            "current_period_start": start,
            "current_period_end": end,
        }
        if plan.amount:
            await add_item(
                session,
                account_id=sub.account_id,
                kind="subscription",
                description=f"{plan.name} ({start:%Y-%m-%d} – {end:%Y-%m-%d})",
                amount=plan.amount,
                currency=plan.currency,
                effective_at=start,
                idempotency_key=f"sub:{sub.id}:p{index}",
                subscription_id=sub.id,
            )
    await repo.update_subscription(session, sub.id, values)
    await session.refresh(sub)
    return state_of(sub)


async def change_plan(
    session: AsyncSession, subscription_id: str, plan_id: str, at: datetime
) -> SubscriptionState:
    """Switch plans now; proration goes on the next invoice (none during a trial)."""
    sub = await get_subscription(session, subscription_id, lock=True)
    if sub.status == "canceled":
        raise InvalidState("the subscription is canceled", code="subscription_canceled")
    if sub.plan_id == plan_id:
        return state_of(sub)
    old, new = await get_plan(session, sub.plan_id), await get_plan(session, plan_id)
    if not new.active:
        raise InvalidState(f"plan {plan_id} is not available", param="plan_id", code="plan_inactive")
    if new.currency != old.currency or new.interval_months != old.interval_months:
        raise InvalidState(
            "plans must share currency and interval to switch", param="plan_id", code="plan_incompatible"
        )
    if sub.status == "active" and sub.current_period_start and sub.current_period_end:
        items = rules.plan_change_proration(
            old.name, old.amount, new.name, new.amount, sub.current_period_start, sub.current_period_end, at
        )
        for n, item in enumerate(items):
            await add_item(
                session,
                account_id=sub.account_id,
                kind="proration",
                description=item.description,
                amount=item.amount,
                currency=new.currency,
                effective_at=at,
                idempotency_key=f"sub:{sub.id}:change:{at.isoformat()}:{plan_id}:{n}",
                subscription_id=sub.id,
            )
    await repo.update_subscription(session, sub.id, {"plan_id": plan_id})
    await session.refresh(sub)
    return state_of(sub)


async def cancel(
    session: AsyncSession, subscription_id: str, at_period_end: bool, at: datetime
) -> SubscriptionState:
    sub = await get_subscription(session, subscription_id, lock=True)
    if sub.status == "canceled":
        return state_of(sub)
    if at_period_end and sub.current_period_end is not None:
        await repo.update_subscription(session, sub.id, {"cancel_at_period_end": True, "canceled_at": at})
    else:
        plan = await get_plan(session, sub.plan_id)
        if sub.status == "active" and sub.current_period_start and sub.current_period_end:
            unused = rules.prorate(plan.amount, sub.current_period_start, sub.current_period_end, at)
            if unused:
                await add_item(
                    session,
                    account_id=sub.account_id,
                    kind="proration",
                    description=f"Unused time on {plan.name} (canceled)",
                    amount=-unused,
                    currency=plan.currency,
                    effective_at=at,
                    idempotency_key=f"sub:{sub.id}:cancel",
                    subscription_id=sub.id,
                )
        await repo.update_subscription(
            session, sub.id, {"status": "canceled", "canceled_at": at, "ended_at": at}
        )
    await session.refresh(sub)
    return state_of(sub)


async def end(session: AsyncSession, subscription_id: str, at: datetime) -> SubscriptionState:
    """The period of a cancel-at-period-end subscription is over."""
    sub = await get_subscription(session, subscription_id, lock=True)
    if sub.status != "canceled":
        await repo.update_subscription(session, sub.id, {"status": "canceled", "ended_at": at})
        await session.refresh(sub)
    return state_of(sub)
