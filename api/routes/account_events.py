"""GET /account/events: what changed on the caller's account (e.g. a payout destination added,
and from when it can be paid), newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentPrincipal, SessionDep
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from db.models.account_events import AccountEvent
from db.repositories import account_events as repo

router = APIRouter(tags=["account"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


class AccountEventOut(BaseModel):
    id: str
    kind: str
    data: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, e: AccountEvent) -> AccountEventOut:
        return cls(id=e.id, kind=e.kind, data=e.data, created_at=e.created_at)


@router.get("/account/events", response_model=Page[AccountEventOut])
async def list_account_events(
    principal: CurrentPrincipal, session: SessionDep, page: PageQuery
) -> Page[AccountEventOut]:
    rows = await repo.events_of(session, principal.id, limit=page.limit, starting_after=page.starting_after)
    return page_of(rows, page, AccountEventOut.of)
