"""Credits endpoints: grant, deduct, refund, balance, history, stats, settings, low-balance events.

(`POST /credits/purchase` belongs to the payments area.) Every write here is one local DB
transaction through services.credits, so no workflow is started; expiry runs in Temporal
(workflows/credit_expiry.py).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.auth import Principal, Role
from api.deps import (
    AdminPrincipal,
    CurrentPrincipal,
    SessionDep,
    get_principal,
    require_roles,
)
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES, DateTimeIn
from api.schemas.credits import (
    BalanceOut,
    DeductIn,
    DeductOut,
    EntryOut,
    GrantIn,
    GrantOut,
    LowBalanceEventOut,
    RefundIn,
    RefundOut,
    SettingsIn,
    SettingsOut,
    StatsOut,
)
from domain import credits as rules
from domain.errors import InvalidAmount, NotFound
from domain.money import format_amount, parse_amount
from services import credits

router = APIRouter(tags=["credits"], route_class=ExactJSONRoute)

CUR = rules.CURRENCY
_DEDUCTORS = (Role.SERVICE, Role.AGENT, Role.ADMIN)
RefundPrincipal = Annotated[Principal, Depends(require_roles(Role.SERVICE, Role.ADMIN))]
_READ_OTHERS = (Role.ADMIN, Role.SERVICE)


def _json(content: dict[str, Any]) -> Response:
    """Hot paths answer with pre-serialised JSON (the declared response_model documents the shape)."""
    return Response(orjson.dumps(content), media_type="application/json")


def _fmt(minor: int) -> str:
    return format_amount(minor, CUR)


def _whose(principal: Principal, user_id: str | None) -> str:
    """The caller's own wallet, or (admins and services only) the one named by user_id."""
    if user_id is None or user_id == principal.id:
        return principal.id
    if principal.role in _READ_OTHERS:
        return user_id
    raise NotFound("no such wallet", param="user_id")


def _threshold_default(settings: Any) -> int:
    value: Decimal = settings.low_balance_threshold
    return parse_amount(value, CUR, param="low_balance_threshold", allow_zero=True) if value else 0


@router.post("/credits/grant", status_code=201, response_model=GrantOut, responses=ERROR_RESPONSES)
async def grant(body: GrantIn, principal: AdminPrincipal, session: SessionDep) -> GrantOut:
    """Reward a user with promotional credits (an expiring lot if `expires_at` is given)."""
    amount = parse_amount(body.amount, CUR)
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise InvalidAmount("expires_at needs a timezone", param="expires_at")
    reference = body.reference or f"grant_{uuid.uuid4().hex}"
    res = await credits.grant_reward(
        session,
        user_id=body.user_id,
        amount=amount,
        reference=reference,
        expires_at=body.expires_at,
        reason=body.reason,
    )
    return GrantOut(
        id=res.entry_id,
        lot_id=res.lot_id,
        user_id=body.user_id,
        amount=_fmt(res.amount),
        expires_at=body.expires_at,
        reference=reference,
        transaction_id=res.transaction_id,
        created=res.created,
    )


async def _deduct_principal(request: Request) -> Principal:
    """Async on purpose: FastAPI runs sync dependencies in a thread pool, a hop the hot path skips."""
    principal = await get_principal(request)
    if principal.role not in _DEDUCTORS:
        raise ApiError(403, "forbidden", f"role {principal.role.value!r} may not do this")
    return principal


@router.post("/credits/deduct", response_model=DeductOut, responses=ERROR_RESPONSES)
async def deduct(
    body: DeductIn, request: Request, principal: Annotated[Principal, Depends(_deduct_principal)]
) -> Response:
    """Charge a user's credits for an agent execution. The same `reference` never deducts twice:
    a repeat answers with the first result. Not enough available credits: 409 insufficient_credits."""
    amount = parse_amount(body.amount, CUR)
    state = request.app.state
    r = await credits.deduct(
        state.session_factory,
        user_id=body.user_id,
        amount=amount,
        reference=body.reference,
        description=body.description or f"deducted by {principal.role.value} {principal.id}",
        default_threshold=_threshold_default(state.settings),
    )
    return _json(
        {
            "id": r.entry_id,
            "user_id": r.user_id,
            "reference": r.reference,
            "amount": _fmt(r.amount),
            "balance": _fmt(r.balance),
            "currency": CUR,
            "transaction_id": r.transaction_id,
            "created_at": r.created_at.isoformat(),
        }
    )


@router.post("/credits/refund", response_model=RefundOut, responses=ERROR_RESPONSES)
async def refund(body: RefundIn, principal: RefundPrincipal, session: SessionDep) -> RefundOut:
    """Give back all or part of a deduction, into the lots it drew from; never more than deducted."""
    amount = None if body.amount is None else parse_amount(body.amount, CUR)
    refund_reference = body.refund_reference or f"refund_{uuid.uuid4().hex}"
    r = await credits.refund_debit(
        session,
        user_id=body.user_id,
        reference=body.reference,
        amount=amount,
        refund_reference=refund_reference,
    )
    return RefundOut(
        id=r.entry_id,
        user_id=body.user_id,
        reference=body.reference,
        refund_reference=refund_reference,
        amount=_fmt(r.amount),
        refunded_total=_fmt(r.refunded_total),
        transaction_id=r.transaction_id,
        created=r.created,
    )


async def _caller(request: Request) -> Principal:
    return await get_principal(request)  # async: no thread-pool hop


@router.get("/credits/balance", response_model=BalanceOut, responses=ERROR_RESPONSES)
async def balance(
    request: Request, principal: Annotated[Principal, Depends(_caller)], user_id: str | None = None
) -> Response:
    """Available credits (expired ones never count), upcoming expiries and the next one."""
    view = await credits.read_balance(request.app.state.session_factory, _whose(principal, user_id))
    return _json(
        {
            "user_id": view.user_id,
            "balance": _fmt(view.balance),
            "currency": CUR,
            "expiring": [{"amount": _fmt(a), "expires_at": e.isoformat()} for e, a in view.expiring],
            "next_expiry": None if view.next_expiry is None else view.next_expiry.isoformat(),
        }
    )


@router.get("/credits/transactions", response_model=Page[EntryOut], responses=ERROR_RESPONSES)
async def transactions(
    principal: CurrentPrincipal, session: SessionDep, page: PageQuery, user_id: str | None = None
) -> Page[EntryOut]:
    """The wallet's history, newest first, with the running balance after each entry."""
    cursor = page.starting_after
    if cursor is not None and not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
        raise NotFound("unknown cursor", param="starting_after", code="invalid_cursor")
    rows, has_more = await credits.history(
        session,
        _whose(principal, user_id),
        limit=page.limit,
        starting_after=None if cursor is None else int(cursor),
    )
    return page_of(
        rows,
        page,
        lambda e: EntryOut(
            id=str(e.id),
            type=e.type,
            amount=_fmt(int(e.amount)),
            balance=_fmt(int(e.balance_after)),
            reference=e.reference,
            description=e.description,
            transaction_id=e.transaction_id,
            created_at=e.created_at,
        ),
        has_more=has_more,
    )


@router.get("/credits/stats", response_model=StatsOut, responses=ERROR_RESPONSES)
async def stats(
    principal: CurrentPrincipal,
    session: SessionDep,
    user_id: str | None = None,
    start: Annotated[DateTimeIn | None, Query(alias="from")] = None,
    end: Annotated[DateTimeIn | None, Query(alias="to")] = None,
) -> StatsOut:
    """Totals purchased, rewarded, spent (net of nothing: refunds are their own line), refunded and
    expired in [from, to), and the available balance now."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and value.tzinfo is None:
            raise InvalidAmount(f"{name} needs a timezone", param=name)
    who = _whose(principal, user_id)
    t = await credits.stats(session, who, start, end)
    return StatsOut(
        user_id=who,
        period_from=start,
        period_to=end,
        purchased=_fmt(t[rules.PURCHASE]),
        rewarded=_fmt(t[rules.REWARD]),
        spent=_fmt(t[rules.DEDUCT]),
        refunded=_fmt(t[rules.REFUND]),
        expired=_fmt(t[rules.EXPIRE]),
        adjusted=_fmt(t[rules.ADJUSTMENT]),
        balance=_fmt(t["balance"]),
    )


@router.put("/credits/settings", response_model=SettingsOut, responses=ERROR_RESPONSES)
async def put_settings(body: SettingsIn, principal: CurrentPrincipal, session: SessionDep) -> SettingsOut:
    """The caller's low-balance threshold (admins may set anyone's)."""
    who = principal.id if body.user_id is None or principal.role is not Role.ADMIN else body.user_id
    if body.user_id is not None and body.user_id != principal.id and principal.role is not Role.ADMIN:
        raise NotFound("no such wallet", param="user_id")
    threshold = (
        None
        if body.low_balance_threshold is None
        else parse_amount(body.low_balance_threshold, CUR, param="low_balance_threshold", allow_zero=True)
    )
    await credits.set_low_balance_threshold(session, user_id=who, threshold=threshold)
    return SettingsOut(user_id=who, low_balance_threshold=None if threshold is None else _fmt(threshold))


@router.get("/credits/low-balance-events", response_model=Page[LowBalanceEventOut], responses=ERROR_RESPONSES)
async def low_balance_events(
    principal: CurrentPrincipal, session: SessionDep, page: PageQuery, user_id: str | None = None
) -> Page[LowBalanceEventOut]:
    """Recorded downward crossings of the low-balance threshold, oldest first."""
    who = _whose(principal, user_id)
    rows = await credits.low_balance_events(
        session, who, limit=page.limit, starting_after=page.starting_after
    )
    return page_of(
        rows,
        page,
        lambda e: LowBalanceEventOut(
            id=e.id,
            user_id=e.user_id,
            threshold=_fmt(int(e.threshold)),
            balance=_fmt(int(e.balance)),
            created_at=e.created_at,
        ),
    )
