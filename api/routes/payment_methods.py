"""Stored payment methods: provider tokens and display data only (brand, last4, expiry).

A body carrying anything shaped like a card number or CVC is refused with 422 before parsing and
never logged. Attaching the token at the provider runs in a workflow (the API calls no provider).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from temporalio.common import WorkflowIDReusePolicy

from api.deps import CurrentPrincipal, SessionFactoryDep, SettingsDep, TemporalDep
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from api.schemas.payments import MethodIn, MethodOut
from contracts.payments import ATTACH_METHOD_WORKFLOW, AttachedMethod, AttachMethodInput
from db.models.payments import PaymentMethod
from db.repositories import payments as repo
from db.session import unit_of_work
from domain.errors import InvalidAmount
from services import temporal_gateway as gateway

router = APIRouter(tags=["payment methods"], route_class=ExactJSONRoute)


def method_view(m: PaymentMethod) -> MethodOut:
    return MethodOut(
        id=m.id,
        provider=m.provider,
        brand=m.brand,
        last4=m.last4,
        exp_month=m.exp_month,
        exp_year=m.exp_year,
        created_at=m.created_at,
    )


@router.post("/methods", status_code=201, response_model=MethodOut, responses=ERROR_RESPONSES)
async def add_method(
    body: MethodIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
) -> MethodOut:
    method_id = f"meth_{uuid.uuid4().hex}"
    attached = await gateway.execute(
        client,
        ATTACH_METHOD_WORKFLOW,
        AttachMethodInput(method_id, principal.id, body.provider, body.token),
        id=f"payment-method-{body.provider}-{body.token}",
        task_queue=settings.task_queue,
        result_type=AttachedMethod,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        refused=lambda _: InvalidAmount(
            "the provider did not accept this payment method", code="payment_method_invalid", param="token"
        ),
    )
    async with factory() as s:
        found = await repo.get_method(s, attached.method_id)
    if found is None or found.owner_id != principal.id:
        raise ApiError(409, "payment_method_taken", "this payment method cannot be stored", param="token")
    return method_view(found)


@router.get("/methods", response_model=Page[MethodOut], responses=ERROR_RESPONSES)
async def list_methods(
    principal: CurrentPrincipal, factory: SessionFactoryDep, page: PageQuery
) -> Page[MethodOut]:
    """Your stored payment methods, newest first."""
    async with factory() as s:
        rows = await repo.list_methods(s, principal.id, limit=page.limit, starting_after=page.starting_after)
    return page_of(rows, page, method_view)


@router.delete("/methods/{method_id}", status_code=204, responses=ERROR_RESPONSES)
async def delete_method(method_id: str, principal: CurrentPrincipal, factory: SessionFactoryDep) -> Response:
    async with unit_of_work(factory) as s:
        if not await repo.delete_method(s, method_id, principal.id):
            raise ApiError(404, "payment_method_not_found", "no such payment method", param="method_id")
    return Response(status_code=204)
