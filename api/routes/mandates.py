"""Spending mandates: a user lets one agent charge their credits, within caps, until revoked.

POST: the user who grants it; DELETE: that user or an admin. GET: the user, the agent it is granted
to, services and admins.
An agent uses one by naming `mandate_id` on POST /credits/deduct (services/credits_caller.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.auth import Principal, Role
from api.deps import CurrentPrincipal, SessionDep, require_roles
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from api.schemas.mandates import MandateIn, MandateOut
from domain.errors import InvalidAmount
from domain.money import check_currency, format_amount, parse_amount
from services import mandates
from services.mandates import MandateView

router = APIRouter(tags=["mandates"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)
UserPrincipal = Annotated[Principal, Depends(require_roles(Role.USER))]
_SEES_ALL = (Role.SERVICE, Role.ADMIN)
MandateId = Annotated[str, Path(min_length=1, max_length=40)]


def _out(v: MandateView) -> MandateOut:
    r, cur = v.row, v.row.currency
    return MandateOut(
        id=r.id,
        user_id=r.user_id,
        agent_id=r.agent_id,
        currency=cur,
        max_per_charge=format_amount(int(r.max_per_charge), cur),
        max_per_day=format_amount(int(r.max_per_day), cur),
        max_per_month=format_amount(int(r.max_per_month), cur),
        contract_id=r.contract_id,
        description=r.description,
        expires_at=r.expires_at,
        revoked_at=r.revoked_at,
        status=v.status,
        spent_today=format_amount(v.spent_today, cur),
        spent_this_month=format_amount(v.spent_this_month, cur),
        created_at=r.created_at,
    )


@router.post("/mandates", status_code=201, response_model=MandateOut)
async def create_mandate(body: MandateIn, principal: UserPrincipal, session: SessionDep) -> MandateOut:
    """Grant `agent_id` the right to charge the caller's credits within the caps."""
    cur = check_currency(body.currency)
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise InvalidAmount("expires_at needs a timezone", param="expires_at")
    row = await mandates.create(
        session,
        user_id=principal.id,
        agent_id=body.agent_id,
        currency=cur,
        max_per_charge=parse_amount(body.max_per_charge, cur, param="max_per_charge"),
        max_per_day=parse_amount(body.max_per_day, cur, param="max_per_day"),
        max_per_month=parse_amount(body.max_per_month, cur, param="max_per_month"),
        contract_id=body.contract_id,
        expires_at=body.expires_at,
        description=body.description,
    )
    return _out(await mandates.view(session, row))


@router.get("/mandates", response_model=Page[MandateOut])
async def list_mandates(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageQuery,
    user_id: Annotated[str | None, Query(max_length=100, description="services/admins: one user's")] = None,
) -> Page[MandateOut]:
    """Newest first: a user's own mandates, an agent's mandates granted to it, anyone's for services
    and admins."""
    who_user, who_agent = None, None
    if principal.role is Role.AGENT:
        who_agent = principal.id
    elif principal.role in _SEES_ALL:
        who_user = user_id
    else:
        who_user = principal.id
    rows, has_more = await mandates.page(
        session, user_id=who_user, agent_id=who_agent, limit=page.limit, starting_after=page.starting_after
    )
    views = [_out(v) for v in await mandates.views(session, rows)]
    return page_of(views, page, lambda out: out, has_more=has_more)


@router.get("/mandates/{mandate_id}", response_model=MandateOut)
async def get_mandate(mandate_id: MandateId, principal: CurrentPrincipal, session: SessionDep) -> MandateOut:
    """The mandate and what was charged under it this UTC day and month."""
    row = await mandates.visible(
        session, mandate_id, principal_id=principal.id, sees_all=principal.role in _SEES_ALL
    )
    return _out(await mandates.view(session, row))


@router.delete("/mandates/{mandate_id}", response_model=MandateOut)
async def revoke_mandate(
    mandate_id: MandateId, principal: CurrentPrincipal, session: SessionDep
) -> MandateOut:
    """Revoke at once (the user who granted it, or an admin): every charge after this answer is
    refused (mandate_revoked)."""
    row = await mandates.revoke(session, mandate_id, user_id=principal.id, admin=principal.is_admin)
    return _out(await mandates.view(session, row))
