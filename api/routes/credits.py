"""Credits endpoints: grant, deduct, refund, balance, history, stats, run costs, settings, low-balance
events.

(`POST /credits/purchase` belongs to the payments area.) Every write here is one local DB
transaction through services.credits_caller — which puts callers' references in their own namespace
and holds agents to their mandates — so no workflow is started; expiry runs in Temporal
(workflows/credit_expiry.py).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
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
    AgentCostOut,
    BalanceOut,
    ByAgentOut,
    DeductIn,
    DeductOut,
    EntryOut,
    ExecutionOut,
    ExecutionPage,
    GrantIn,
    GrantOut,
    LowBalanceEventOut,
    RefundIn,
    RefundOut,
    RunCostOut,
    SettingsIn,
    SettingsOut,
    StatsOut,
)
from domain import credits as rules
from domain.errors import InvalidAmount, NotFound
from domain.money import format_amount, parse_amount
from services import credits, credits_caller, credits_reads
from services.credits_caller import Caller, DeductRequest
from services.credits_reads import AgentCost

router = APIRouter(tags=["credits"], route_class=ExactJSONRoute)

CUR = rules.CURRENCY
_DEDUCTORS = (Role.SERVICE, Role.AGENT, Role.ADMIN)
RefundPrincipal = Annotated[Principal, Depends(require_roles(Role.SERVICE, Role.ADMIN, Role.AGENT))]
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


def _as_caller(principal: Principal) -> Caller:
    return Caller(principal.role.value, principal.id)


def _agent_cost(a: AgentCost) -> AgentCostOut:
    return AgentCostOut(
        agent_id=a.agent_id,
        charges=a.charges,
        spent=_fmt(a.spent),
        refunded=_fmt(a.refunded),
        net=_fmt(a.net),
    )


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
    res = await credits_caller.grant(
        session,
        _as_caller(principal),
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
    """Charge a user's credits for an agent execution. An agent must name the user's mandate to it
    (403 mandate_required; 404 mandate_not_found for anyone else's; 409 mandate_cap_exceeded,
    mandate_expired, mandate_revoked); services and admins may deduct without one. The same
    `reference` from the same caller never deducts twice: a repeat of the same charge answers with
    the first result, a different charge under it is 409 idempotency_key_conflict. Not enough
    available credits: 409 insufficient_credits."""
    amount = parse_amount(body.amount, CUR)
    state = request.app.state
    req = DeductRequest(
        user_id=body.user_id,
        amount=amount,
        reference=body.reference,
        mandate_id=body.mandate_id,
        agent_id=body.agent_id,
        run_id=body.run_id,
        contract_id=body.contract_id,
        description=body.description,
    )
    r, who = await credits_caller.deduct(
        state.session_factory,
        _as_caller(principal),
        req,
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
            "agent_id": who.agent_id,
            "mandate_id": who.mandate_id,
            "run_id": who.run_id,
        }
    )


@router.post("/credits/refund", response_model=RefundOut, responses=ERROR_RESPONSES)
async def refund(body: RefundIn, principal: RefundPrincipal, session: SessionDep) -> RefundOut:
    """Give back all or part of a deduction made through this API, into the lots it drew from; never
    more than deducted. An agent refunds its own deducts; services and admins may name `deducted_by`.
    Deducts the platform made itself (escrow funding, payments, invoices) are not reachable: 404."""
    amount = None if body.amount is None else parse_amount(body.amount, CUR)
    refund_reference = body.refund_reference or f"refund_{uuid.uuid4().hex}"
    by = None if body.deducted_by is None else Caller(body.deducted_by.role, body.deducted_by.id)
    r = await credits_caller.refund(
        session,
        _as_caller(principal),
        user_id=body.user_id,
        reference=body.reference,
        amount=amount,
        refund_reference=refund_reference,
        deducted_by=by,
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
            agent_id=e.agent_id,
            mandate_id=e.mandate_id,
            run_id=e.run_id,
        ),
        has_more=has_more,
    )


@router.get("/credits/stats", response_model=StatsOut | ByAgentOut, responses=ERROR_RESPONSES)
async def stats(
    principal: CurrentPrincipal,
    session: SessionDep,
    user_id: str | None = None,
    start: Annotated[DateTimeIn | None, Query(alias="from")] = None,
    end: Annotated[DateTimeIn | None, Query(alias="to")] = None,
    group_by: Annotated[Literal["agent"] | None, Query(description="agent: spend per agent paid")] = None,
) -> StatsOut | ByAgentOut:
    """Totals purchased, rewarded, spent (net of nothing: refunds are their own line), refunded and
    expired in [from, to), and the available balance now. `group_by=agent`: the deducts in the
    period per agent they paid for (charges, spent, refunded of them since, net)."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and value.tzinfo is None:
            raise InvalidAmount(f"{name} needs a timezone", param=name)
    who = _whose(principal, user_id)
    if group_by == "agent":
        rows = await credits_reads.stats_by_agent(session, who, start, end)
        return ByAgentOut(user_id=who, period_from=start, period_to=end, data=[_agent_cost(a) for a in rows])
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


@router.get("/credits/runs/{run_id}", response_model=RunCostOut, responses=ERROR_RESPONSES)
async def run_cost(
    run_id: Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[\x21-\x7e]+$")],
    principal: CurrentPrincipal,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    starting_after: Annotated[str | None, Query(pattern=r"^\d{1,18}$")] = None,
) -> RunCostOut:
    """What an orchestration run cost: the total and the breakdown per agent (exact, from the deduct
    rows), and its executions oldest first, cursor-paginated. A user sees the deducts they paid;
    services and admins see the whole run. A run with nothing visible to the caller: 404."""
    cost = await credits_reads.run_cost(
        session,
        run_id,
        user_id=None if principal.role in _READ_OTHERS else principal.id,
        limit=limit,
        starting_after=None if starting_after is None else int(starting_after),
    )
    if cost is None:
        raise NotFound("no such run", param="run_id", code="run_not_found")
    data = [
        ExecutionOut(
            id=str(e.id),
            user_id=e.user_id,
            agent_id=e.agent_id,
            mandate_id=e.mandate_id,
            reference=e.reference,
            amount=_fmt(-int(e.amount)),
            refunded=_fmt(int(e.refunded)),
            transaction_id=e.transaction_id,
            created_at=e.created_at,
        )
        for e in cost.executions
    ]
    return RunCostOut(
        run_id=run_id,
        charges=cost.charges,
        spent=_fmt(cost.spent),
        refunded=_fmt(cost.refunded),
        net=_fmt(cost.net),
        agents=[_agent_cost(a) for a in cost.agents],
        executions=ExecutionPage(
            data=data, has_more=cost.has_more, next_cursor=data[-1].id if cost.has_more and data else None
        ),
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
