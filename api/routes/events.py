"""Events (`GET /events`) and webhook endpoints (`/webhook-endpoints`): what integrators subscribe to.

Each principal sees its own events and endpoints; admins see all. Endpoints for every account's
events (`all_accounts`) may be made by admin and service principals only.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import Principal, Role
from api.deps import CurrentPrincipal, SessionDep, SettingsDep
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES, DateTimeIn
from api.schemas.events import (
    EVENT_FILTER,
    AttemptOut,
    EndpointCreated,
    EndpointIn,
    EndpointOut,
    EndpointPatch,
    EventOut,
    ResendIn,
    ResendOut,
)
from db.models.events import WebhookEndpoint
from db.repositories import events as repo
from domain.errors import InvalidAmount, NotFound
from services import events as events_service
from services import webhook_endpoints as endpoints

router = APIRouter(tags=["events"], route_class=ExactJSONRoute)
hooks = APIRouter(tags=["webhook endpoints"], route_class=ExactJSONRoute)


def _own(principal: Principal) -> str | None:
    """Whose rows the caller may list: its own, or everyone's for an admin."""
    return None if principal.is_admin else principal.id


def _strings(value: list[object] | None, param: str) -> list[str] | None:
    if value is None:
        return None
    if not all(isinstance(v, str) for v in value):
        raise InvalidAmount("event types are strings", param=param, code="invalid_event_type")
    return [str(v) for v in value]


@router.get("/events", response_model=Page[EventOut], responses=ERROR_RESPONSES)
async def list_events(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageQuery,
    type: Annotated[list[str] | None, Query(max_length=20)] = None,
    created_gte: Annotated[DateTimeIn | None, Query()] = None,
    created_lt: Annotated[DateTimeIn | None, Query()] = None,
) -> Page[EventOut]:
    """The caller's events, newest first; filter by type (`escrow.released`, `escrow.*`) and time."""
    for t in type or []:
        if not re.match(EVENT_FILTER, t):
            raise InvalidAmount(f"bad event type filter {t!r}", param="type", code="invalid_event_type")
    rows, more = await events_service.page(
        session,
        account_id=_own(principal),
        types=type,
        created_gte=created_gte,
        created_lt=created_lt,
        starting_after=page.starting_after,
        limit=page.limit,
    )
    return page_of(rows, page, lambda r: EventOut.model_validate(r, from_attributes=True), has_more=more)


@router.get("/events/{event_id}", response_model=EventOut, responses=ERROR_RESPONSES)
async def get_event(event_id: str, principal: CurrentPrincipal, session: SessionDep) -> EventOut:
    row = await repo.event(session, event_id)
    if row is None or not (principal.is_admin or row.account_id == principal.id):
        raise ApiError(404, "event_not_found", "no such event", param="event_id")
    return EventOut.model_validate(row, from_attributes=True)


def _view(row: WebhookEndpoint) -> EndpointOut:
    return EndpointOut.model_validate(row, from_attributes=True)


@hooks.post("/webhook-endpoints", status_code=201, response_model=EndpointCreated, responses=ERROR_RESPONSES)
async def create_endpoint(
    body: EndpointIn, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> EndpointCreated:
    """Subscribe a URL to events; the signing secret is in this response only."""
    if body.all_accounts and principal.role not in (Role.ADMIN, Role.SERVICE):
        raise ApiError(403, "forbidden", "only admin and service principals see every account's events")
    row = await endpoints.create(
        session,
        owner_id=principal.id,
        url=body.url,
        event_types=_strings(body.event_types, "event_types"),
        all_accounts=body.all_accounts,
        description=body.description,
        allow_private=settings.webhook_allow_private_urls,
    )
    return EndpointCreated(**_view(row).model_dump(), secret=row.secret)


@hooks.get("/webhook-endpoints", response_model=Page[EndpointOut], responses=ERROR_RESPONSES)
async def list_endpoints(
    principal: CurrentPrincipal, session: SessionDep, page: PageQuery
) -> Page[EndpointOut]:
    rows = await repo.endpoints_page(
        session, _own(principal), after=page.starting_after, limit=page.limit + 1
    )
    return page_of(rows, page, _view)


@hooks.get("/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, responses=ERROR_RESPONSES)
async def get_endpoint(endpoint_id: str, principal: CurrentPrincipal, session: SessionDep) -> EndpointOut:
    return _view(await endpoints.visible(session, endpoint_id, principal.id, admin=principal.is_admin))


@hooks.patch("/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, responses=ERROR_RESPONSES)
async def update_endpoint(
    endpoint_id: str,
    body: EndpointPatch,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> EndpointOut:
    """Change the URL or the event types, or enable/disable the endpoint."""
    row = await endpoints.visible(session, endpoint_id, principal.id, admin=principal.is_admin)
    types = _strings(body.event_types, "event_types")
    row = await endpoints.update(
        session,
        row,
        url=body.url,
        event_types=types,
        clear_event_types="event_types" in body.model_fields_set and not types,
        enabled=body.enabled,
        description=body.description,
        allow_private=settings.webhook_allow_private_urls,
    )
    return _view(row)


@hooks.delete("/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, responses=ERROR_RESPONSES)
async def delete_endpoint(endpoint_id: str, principal: CurrentPrincipal, session: SessionDep) -> EndpointOut:
    """Stop deliveries for good (the row stays, disabled, so its attempts can still be read)."""
    row = await endpoints.visible(session, endpoint_id, principal.id, admin=principal.is_admin)
    row = await endpoints.update(
        session,
        row,
        url=None,
        event_types=None,
        clear_event_types=False,
        enabled=False,
        description=None,
        allow_private=True,
    )
    row.disabled_reason = "deleted by its owner"
    return _view(row)


@hooks.get(
    "/webhook-endpoints/{endpoint_id}/attempts", response_model=Page[AttemptOut], responses=ERROR_RESPONSES
)
async def list_attempts(
    endpoint_id: str, principal: CurrentPrincipal, session: SessionDep, page: PageQuery
) -> Page[AttemptOut]:
    """Every delivery attempt to this endpoint, newest first, with the receiver's status code."""
    await endpoints.visible(session, endpoint_id, principal.id, admin=principal.is_admin)
    cursor = page.starting_after
    if cursor is not None and not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
        raise NotFound("unknown cursor", param="starting_after", code="invalid_cursor")
    after = int(cursor) if cursor is not None else None
    rows = await repo.attempts_page(session, endpoint_id, after=after, limit=page.limit + 1)
    return page_of(rows, page, lambda r: AttemptOut.model_validate(r, from_attributes=True))


@hooks.post(
    "/webhook-endpoints/{endpoint_id}/resend",
    status_code=202,
    response_model=ResendOut,
    responses=ERROR_RESPONSES,
)
async def resend_event(
    endpoint_id: str, body: ResendIn, principal: CurrentPrincipal, session: SessionDep
) -> ResendOut:
    """Deliver an event to this endpoint again (a new delivery with its own retries)."""
    row = await endpoints.visible(session, endpoint_id, principal.id, admin=principal.is_admin)
    if row.status != "enabled":
        raise ApiError(409, "webhook_endpoint_disabled", "enable the endpoint before resending to it")
    delivery = await endpoints.resend(session, row, body.event_id, admin=principal.is_admin)
    return ResendOut(delivery_id=delivery.id, endpoint_id=row.id, event_id=delivery.event_id)
