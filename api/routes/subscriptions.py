"""Plans (admin-managed) and subscriptions: one SubscriptionWorkflow per subscription renews each
period and continues-as-new; cancel and change are Updates with proration."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from api.deps import (
    AdminPrincipal,
    CurrentPrincipal,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    TemporalDep,
)
from api.exact_json import ExactJSONRoute
from api.idempotency import IdempotencyKey, op_id
from api.pagination import Page, PageQuery, page_of
from api.schemas.billing import (
    CancelIn,
    ChangeIn,
    PlanIn,
    PlanOut,
    PlanPatch,
    SubscriptionIn,
    SubscriptionOut,
)
from api.schemas.common import ERROR_RESPONSES
from contracts.billing import (
    SUB_CANCEL_UPDATE,
    SUB_CHANGE_UPDATE,
    SUB_STATE_QUERY,
    SUBSCRIPTION_WORKFLOW,
    CancelRequest,
    ChangePlanRequest,
    SubscriptionInput,
    SubscriptionState,
)
from contracts.temporal import subscription_workflow_id
from db.session import unit_of_work
from domain.errors import Conflict, InvalidState, NotFound
from domain.money import check_currency, parse_amount
from services import subscriptions
from services import temporal_gateway as gateway

router = APIRouter(tags=["subscriptions"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


@router.post("/plans", status_code=201, response_model=PlanOut)
async def create_plan(body: PlanIn, session: SessionDep, _: AdminPrincipal) -> PlanOut:
    currency = check_currency(body.currency)
    plan = await subscriptions.create_plan(
        session,
        name=body.name,
        amount=parse_amount(body.amount, currency, allow_zero=True),
        currency=currency,
        interval_months=body.interval_months,
        trial_days=body.trial_days,
        description=body.description,
    )
    return PlanOut.of(plan)


@router.get("/plans", response_model=Page[PlanOut])
async def list_plans(
    session: SessionDep, principal: CurrentPrincipal, page: PageQuery, include_inactive: bool = False
) -> Page[PlanOut]:
    plans = await subscriptions.list_plans(
        session,
        include_inactive=include_inactive and principal.is_admin,
        limit=page.limit,
        starting_after=page.starting_after,
    )
    return page_of(plans, page, PlanOut.of)


@router.get("/plans/{plan_id}", response_model=PlanOut)
async def get_plan(plan_id: str, session: SessionDep, _: CurrentPrincipal) -> PlanOut:
    return PlanOut.of(await subscriptions.get_plan(session, plan_id))


@router.patch("/plans/{plan_id}", response_model=PlanOut)
async def update_plan(plan_id: str, body: PlanPatch, session: SessionDep, _: AdminPrincipal) -> PlanOut:
    plan = await subscriptions.get_plan(session, plan_id)
    values: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"amount"})
    if body.amount is not None:
        values["amount"] = parse_amount(body.amount, plan.currency, allow_zero=True)
    return PlanOut.of(await subscriptions.update_plan(session, plan_id, values))


@router.delete("/plans/{plan_id}", response_model=PlanOut)
async def archive_plan(plan_id: str, session: SessionDep, _: AdminPrincipal) -> PlanOut:
    """Plans are archived, not deleted: existing subscriptions keep renewing on them."""
    return PlanOut.of(await subscriptions.update_plan(session, plan_id, {"active": False}))


# --- subscriptions -------------------------------------------------------------------------------


@router.post("/subscriptions", status_code=201, response_model=SubscriptionOut)
async def create_subscription(
    body: SubscriptionIn,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> SubscriptionOut:
    # Derived from (principal, Idempotency-Key): a retry after a lost answer finds this subscription
    # (and its workflow) instead of subscribing, and charging, twice.
    derived = op_id(principal.id, idempotency_key, "subscriptions.create")
    sid = f"sub_{derived[:24]}" if derived else None
    async with unit_of_work(factory) as session:  # committed before the workflow starts
        sub = await _existing(session, sid, principal.id) if sid else None
        if sub is None:
            sub = await subscriptions.create_subscription(
                session,
                account_id=principal.id,
                plan_id=body.plan_id,
                payment_method_id=body.payment_method_id,
                subscription_id=sid,
            )
    await gateway.start(
        client,
        SUBSCRIPTION_WORKFLOW,
        SubscriptionInput(sub.id, search_attributes=settings.billing_search_attributes),
        id=subscription_workflow_id(sub.id),
        task_queue=settings.task_queue,
    )
    for _ in range(100):  # the first period (or trial) starts within a workflow task or two
        state = await gateway.query(
            client, subscription_workflow_id(sub.id), SUB_STATE_QUERY, result_type=SubscriptionState
        )
        if state is not None:
            break
        await asyncio.sleep(0.05)
    async with factory() as session:
        return SubscriptionOut.of(await subscriptions.get_subscription(session, sub.id))


async def _existing(session: Any, subscription_id: str, principal_id: str) -> Any:
    try:
        sub = await subscriptions.get_subscription(session, subscription_id)
    except NotFound:
        return None
    if sub.account_id != principal_id:  # cannot happen (the id derives from the principal): refuse
        raise Conflict("this Idempotency-Key refers to another subscription", code="idempotency_key_reused")
    return sub


async def _own_subscription(session: Any, subscription_id: str, principal_id: str, admin: bool) -> Any:
    try:
        sub = await subscriptions.get_subscription(session, subscription_id)
    except NotFound:
        sub = None
    if sub is None or (not admin and sub.account_id != principal_id):
        raise NotFound(f"subscription {subscription_id} not found", param="subscription_id")
    return sub


@router.get("/subscriptions", response_model=Page[SubscriptionOut])
async def list_subscriptions(
    session: SessionDep, principal: CurrentPrincipal, page: PageQuery
) -> Page[SubscriptionOut]:
    rows = await subscriptions.list_subscriptions(
        session, principal.id, limit=page.limit, starting_after=page.starting_after
    )
    return page_of(rows, page, SubscriptionOut.of)


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
async def get_subscription(
    subscription_id: str, session: SessionDep, principal: CurrentPrincipal
) -> SubscriptionOut:
    return SubscriptionOut.of(
        await _own_subscription(session, subscription_id, principal.id, principal.is_admin)
    )


async def _update(
    factory: Any, client: Any, subscription_id: str, principal: Any, name: str, arg: object, key: str | None
) -> SubscriptionOut:
    async with factory() as session:
        sub = await _own_subscription(session, subscription_id, principal.id, principal.is_admin)
    if sub.status == "canceled":
        raise InvalidState("the subscription is canceled", code="subscription_canceled")
    await gateway.update(
        client,
        subscription_workflow_id(subscription_id),
        name,
        arg,
        result_type=SubscriptionState,
        update_id=op_id(principal.id, key, f"subscriptions.{name}:{subscription_id}"),
        closed=InvalidState("the subscription is no longer running", code="subscription_not_running"),
        refused=lambda m: Conflict(m, code="subscription_update_refused"),
    )
    async with factory() as session:
        return SubscriptionOut.of(await subscriptions.get_subscription(session, subscription_id))


@router.post("/subscriptions/{subscription_id}/cancel", response_model=SubscriptionOut)
async def cancel_subscription(
    subscription_id: str,
    body: CancelIn,
    factory: SessionFactoryDep,
    client: TemporalDep,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> SubscriptionOut:
    return await _update(
        factory,
        client,
        subscription_id,
        principal,
        SUB_CANCEL_UPDATE,
        CancelRequest(at_period_end=body.at_period_end),
        idempotency_key,
    )


@router.post("/subscriptions/{subscription_id}/change", response_model=SubscriptionOut)
async def change_subscription(
    subscription_id: str,
    body: ChangeIn,
    factory: SessionFactoryDep,
    client: TemporalDep,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> SubscriptionOut:
    async with factory() as session:
        plan = await subscriptions.get_plan(session, body.plan_id)
        if not plan.active:
            raise InvalidState(f"plan {body.plan_id} is not available", param="plan_id", code="plan_inactive")
    return await _update(
        factory,
        client,
        subscription_id,
        principal,
        SUB_CHANGE_UPDATE,
        ChangePlanRequest(body.plan_id),
        idempotency_key,
    )


# --- configuration -------------------------------------------------------------------------------
