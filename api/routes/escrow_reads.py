"""GET /escrow/{id} (the workflow's state by query, the row's last mirror once it has closed) and
GET /escrow (the caller's escrows from the rows)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from temporalio.client import Client

from api.auth import Role
from api.deps import CurrentPrincipal, SessionDep, SessionFactoryDep, SettingsDep, TemporalDep
from api.exact_json import ExactJSONRoute
from api.pagination import PageQuery, page_of
from api.routes.escrow_common import actor_of, find_row, ok, respond
from api.schemas.common import ERROR_RESPONSES
from api.schemas.escrow import EscrowOut, escrow_out
from contracts import escrow as c
from contracts.temporal import escrow_workflow_id
from db.models.escrow import Escrow
from db.repositories import escrow as repo
from domain import errors
from domain import escrow as rules
from services import escrow as service
from services import temporal_gateway as gateway

router = APIRouter(tags=["escrow"], route_class=ExactJSONRoute)


async def current(client: Client, row: Escrow) -> c.EscrowView:
    """The one Temporal call of this module: the workflow's state by query; the row's last mirror
    once the workflow has closed (or cannot be reached)."""
    if row.status in rules.TERMINAL and row.snapshot:
        return service.view_from_row(row)
    view = await gateway.query(
        client, escrow_workflow_id(row.contract_id), c.QUERY_STATE, result_type=c.EscrowView
    )
    return view if view is not None else service.view_from_row(row)


@router.get("/escrow/{escrow_id}", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def get_escrow(
    escrow_id: str,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
) -> Response:
    row = await find_row(factory, escrow_id, actor_of(principal, settings))
    return await respond(factory, await current(client, row))


@router.get("/escrow", responses=ERROR_RESPONSES)
async def list_escrows(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageQuery,
    contract_id: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[str | None, Query(max_length=30)] = None,
) -> Response:
    if status is not None and status not in {s.value for s in rules.Status}:
        raise errors.InvalidAmount(f"unknown status {status!r}", param="status", code="invalid_request")
    party = None if principal.role in (Role.ADMIN, Role.SERVICE) else principal.id
    rows = await repo.list_escrows(
        session,
        party_id=party,
        contract_id=contract_id,
        status=status,
        limit=page.limit + 1,
        starting_after=page.starting_after,
    )
    return ok(page_of(rows, page, lambda r: escrow_out(service.view_from_row(r))).model_dump())
