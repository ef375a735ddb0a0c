"""API keys (admin only): create (the secret is in this one response), list, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import AdminPrincipal, SessionDep
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from db.models.api_keys import ApiKey
from db.repositories import api_keys as repo
from services import api_keys as keys

router = APIRouter(tags=["api keys"], route_class=ExactJSONRoute)


class ApiKeyIn(BaseModel):
    principal_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:@-]+$")
    role: str = Field(pattern=r"^(user|agent|service|admin)$")
    permissions: list[Annotated[str, Field(max_length=100)]] | None = Field(
        None,
        max_length=50,
        description="restrict the key to these operations (`credits:deduct`, `escrow:read`, `escrow:*`); "
        "omit for everything the role may do",
        examples=[["credits:deduct", "credits:balance"]],
    )
    description: str | None = Field(None, max_length=200)


class ApiKeyOut(BaseModel):
    id: str
    prefix: str
    principal_id: str
    role: str
    permissions: list[str] | None
    description: str | None
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="shown once: store it now, it cannot be read again")


def _view(row: ApiKey) -> ApiKeyOut:
    return ApiKeyOut.model_validate(row, from_attributes=True)


@router.post("/api-keys", status_code=201, response_model=ApiKeyCreated, responses=ERROR_RESPONSES)
async def create_key(body: ApiKeyIn, principal: AdminPrincipal, session: SessionDep) -> ApiKeyCreated:
    """Create a secret API key bound to a principal and a role; the secret is returned only here."""
    created = await keys.create(
        session,
        principal_id=body.principal_id,
        role=body.role,
        permissions=body.permissions,
        description=body.description,
        created_by=principal.id,
    )
    return ApiKeyCreated(**_view(created.row).model_dump(), secret=created.secret)


@router.get("/api-keys", response_model=Page[ApiKeyOut], responses=ERROR_RESPONSES)
async def list_keys(principal: AdminPrincipal, session: SessionDep, page: PageQuery) -> Page[ApiKeyOut]:
    """Every key, oldest id first, without secrets."""
    rows = await repo.page(session, limit=page.limit + 1, starting_after=page.starting_after)
    return page_of(rows, page, _view)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyOut, responses=ERROR_RESPONSES)
async def revoke_key(
    key_id: str, request: Request, principal: AdminPrincipal, session: SessionDep
) -> ApiKeyOut:
    """Revoke a key: refused at once by this process, within `api_key_cache_seconds` by others."""
    row = await keys.revoke(session, key_id)
    request.app.state.api_key_cache.forget_key(row.id)
    return _view(row)
