"""Pricing endpoints under /api/v1/payments/pricing.

Reads of a price: any authenticated principal. Quotes: any principal (the quote is theirs); a quote
starts from the agent's listed price (issue #11.8), never from a base price in the request.
Listed prices: the agent itself, or a service/admin. Rules CRUD: admin. Demand/reputation/profile
pushes: service or admin.
Static paths (rules, quotes, demand, reputation, agents) are declared before `/{agent_id}`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import ORJSONResponse

from api.auth import Role
from api.deps import AdminPrincipal, CurrentPrincipal, ServicePrincipal, SessionDep, SessionFactoryDep
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.schemas.common import ERROR_RESPONSES, DateTimeIn
from api.schemas.pricing import (
    AgentPriceIn,
    AgentPriceList,
    AgentPriceOut,
    AgentProfileIn,
    AgentSignalsOut,
    DemandIn,
    PriceOut,
    QuoteCreate,
    QuoteOut,
    ReputationIn,
    RuleCreate,
    RuleOut,
    RulePatch,
    price_out,
    quote_out,
    rule_out,
    signals_out,
)
from db.repositories import pricing as repo
from db.session import unit_of_work
from domain.errors import InvalidAmount
from domain.money import Money, check_currency, format_amount, parse_amount
from domain.pricing_params import InvalidRule, check_timezone
from services import pricing as svc
from services.pricing import PricingService

router = APIRouter(prefix="/pricing", tags=["pricing"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


def get_pricing(request: Request) -> PricingService:
    """The process's pricing service (its caches live as long as the app)."""
    state = request.app.state
    service = getattr(state, "pricing", None)
    if service is None:
        service = state.pricing = PricingService(state.settings)
    return service


PricingDep = Annotated[PricingService, Depends(get_pricing)]


def _ratio(raw: Any, param: str, hi: Decimal) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise InvalidAmount(f"{param} must be a decimal string or number", param=param)
    try:
        value = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    except InvalidOperation:
        raise InvalidAmount(f"{param} is not a valid decimal", param=param) from None
    if not value.is_finite() or not Decimal(0) <= value <= hi:
        raise InvalidAmount(f"{param} must be between 0 and {hi}", param=param)
    if value != value.quantize(Decimal("0.000001")):
        raise InvalidAmount(f"{param} has more than 6 decimal places", param=param)
    return value


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise ApiError(
            422, "invalid_request", "at must carry a timezone offset, e.g. 2025-01-01T09:00:00Z", param="at"
        )
    return at


def _tz(name: str, param: str) -> str:
    try:
        return check_timezone(name, param)
    except InvalidRule as exc:
        raise ApiError(422, "invalid_timezone", exc.message, param=param) from None


# ------------------------------------------------------------------ rules (admin)


@router.get("/rules", response_model=dict[str, list[RuleOut]])
async def list_rules(_: AdminPrincipal, session: SessionDep) -> ORJSONResponse:
    return ORJSONResponse({"data": [rule_out(r) for r in await repo.list_rules(session)]})


@router.post("/rules", status_code=201, response_model=RuleOut)
async def create_rule(
    body: RuleCreate, _: AdminPrincipal, factory: SessionFactoryDep, pricing: PricingDep
) -> ORJSONResponse:
    async with unit_of_work(factory) as session:
        row = await svc.create_rule(session, body.model_dump())
    pricing.invalidate_rules()  # after the commit, so no request re-caches the old set
    return ORJSONResponse(rule_out(row), status_code=201)


@router.get("/rules/{rule_id}", response_model=RuleOut)
async def get_rule(rule_id: str, _: AdminPrincipal, session: SessionDep) -> ORJSONResponse:
    return ORJSONResponse(rule_out(await svc.get_rule(session, rule_id)))


@router.patch("/rules/{rule_id}", response_model=RuleOut)
async def update_rule(
    rule_id: str, body: RulePatch, _: AdminPrincipal, factory: SessionFactoryDep, pricing: PricingDep
) -> ORJSONResponse:
    async with unit_of_work(factory) as session:
        row = await svc.update_rule(session, rule_id, body.model_dump(exclude_unset=True))
    pricing.invalidate_rules()
    return ORJSONResponse(rule_out(row))


@router.delete("/rules/{rule_id}")
async def delete_rule(
    rule_id: str, _: AdminPrincipal, factory: SessionFactoryDep, pricing: PricingDep
) -> ORJSONResponse:
    async with unit_of_work(factory) as session:
        await svc.delete_rule(session, rule_id)
    pricing.invalidate_rules()
    return ORJSONResponse({"id": rule_id, "deleted": True})


# ------------------------------------------------------------------ quotes (any principal)


@router.post("/quotes", status_code=201, response_model=QuoteOut)
async def create_quote(
    body: QuoteCreate,
    principal: CurrentPrincipal,
    session: SessionDep,
    factory: SessionFactoryDep,
    pricing: PricingDep,
) -> ORJSONResponse:
    currency = check_currency(body.currency)
    max_ttl = pricing.settings.quote_max_ttl_seconds
    if body.ttl_seconds is not None and body.ttl_seconds > max_ttl:
        raise ApiError(422, "invalid_request", f"ttl_seconds must be at most {max_ttl}", param="ttl_seconds")
    row = await pricing.create_quote(
        session,
        factory,
        owner_id=principal.id,
        agent_id=body.agent_id,
        currency=currency,
        quantity=body.quantity,
        ttl_seconds=body.ttl_seconds,
    )
    return ORJSONResponse(quote_out(row), status_code=201)


@router.get("/quotes/{quote_id}", response_model=QuoteOut)
async def get_quote(quote_id: str, principal: CurrentPrincipal, session: SessionDep) -> ORJSONResponse:
    row = await svc.get_quote(session, quote_id, principal_id=principal.id, admin=principal.is_admin)
    return ORJSONResponse(quote_out(row))


# ------------------------------------------------------------------ signals (service or admin)


async def _signals(factory: Any, agent_id: str) -> dict[str, Any]:
    async with factory() as session:
        return signals_out(agent_id, await repo.get_signals(session, agent_id))


@router.put("/demand/{agent_id}", response_model=AgentSignalsOut)
async def push_demand(
    agent_id: str, body: DemandIn, _: ServicePrincipal, factory: SessionFactoryDep, pricing: PricingDep
) -> ORJSONResponse:
    demand = _ratio(body.demand_ratio, "demand_ratio", Decimal(1000))
    ttl = body.ttl_seconds or pricing.settings.pricing_demand_push_ttl_seconds
    async with unit_of_work(factory) as session:
        await svc.push_demand(session, agent_id, demand=demand, ttl_seconds=ttl)
    pricing.invalidate_agent(agent_id)
    return ORJSONResponse(await _signals(factory, agent_id))


@router.put("/reputation/{agent_id}", response_model=AgentSignalsOut)
async def push_reputation(
    agent_id: str, body: ReputationIn, _: ServicePrincipal, factory: SessionFactoryDep, pricing: PricingDep
) -> ORJSONResponse:
    reputation = _ratio(body.reputation, "reputation", Decimal(1))
    async with unit_of_work(factory) as session:
        await svc.push_reputation(session, agent_id, reputation)
    pricing.invalidate_agent(agent_id)
    return ORJSONResponse(await _signals(factory, agent_id))


@router.put("/agents/{agent_id}", response_model=AgentSignalsOut)
async def set_profile(
    agent_id: str, body: AgentProfileIn, _: ServicePrincipal, factory: SessionFactoryDep, pricing: PricingDep
) -> ORJSONResponse:
    values = body.model_dump(exclude_unset=True)
    if values.get("timezone") is not None:
        _tz(values["timezone"], "timezone")
    async with unit_of_work(factory) as session:
        await svc.set_profile(session, agent_id, values)
    pricing.invalidate_agent(agent_id)
    return ORJSONResponse(await _signals(factory, agent_id))


@router.get("/agents/{agent_id}", response_model=AgentSignalsOut)
async def get_profile(agent_id: str, _: ServicePrincipal, factory: SessionFactoryDep) -> ORJSONResponse:
    return ORJSONResponse(await _signals(factory, agent_id))


# ------------------------------------------------------------------ listed prices (the agent itself)


def _price_row(agent_id: str, row: Any) -> AgentPriceOut:
    return AgentPriceOut(
        agent_id=agent_id,
        currency=row.currency,
        unit_price=format_amount(int(row.unit_price), row.currency),
        updated_at=row.updated_at,
    )


@router.put("/agents/{agent_id}/prices/{currency}", response_model=AgentPriceOut)
async def set_listed_price(
    agent_id: Annotated[str, Path(min_length=1, max_length=100)],
    currency: Annotated[str, Path(max_length=64)],
    body: AgentPriceIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
) -> AgentPriceOut:
    """An agent lists its own unit price (services and admins may set any agent's)."""
    if principal.id != agent_id and principal.role not in (Role.SERVICE, Role.ADMIN):
        raise ApiError(403, "forbidden", "an agent lists its own prices only")
    cur = check_currency(currency)
    price = Money(parse_amount(body.unit_price, cur, param="unit_price", allow_zero=True), cur)
    async with unit_of_work(factory) as session:
        await svc.set_listed_price(session, agent_id, price)
    async with factory() as session:
        rows = await repo.agent_prices(session, agent_id)
    return next(_price_row(agent_id, r) for r in rows if r.currency == cur)


@router.get("/agents/{agent_id}/prices", response_model=AgentPriceList)
async def list_listed_prices(
    agent_id: Annotated[str, Path(min_length=1, max_length=100)], _: CurrentPrincipal, session: SessionDep
) -> AgentPriceList:
    """The agent's listed unit prices, one per currency."""
    return AgentPriceList(data=[_price_row(agent_id, r) for r in await repo.agent_prices(session, agent_id)])


# ------------------------------------------------------------------ the price (any principal)


@router.get("/{agent_id}", response_model=PriceOut)
async def get_price(
    agent_id: str,
    _: CurrentPrincipal,
    factory: SessionFactoryDep,
    pricing: PricingDep,
    base_price: Annotated[
        str | None,
        Query(
            max_length=64, description="what-if: price this base instead of the listed price; locks nothing"
        ),
    ] = None,
    currency: Annotated[str, Query(max_length=10)] = "USD",
    quantity: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    at: Annotated[DateTimeIn | None, Query(description="price at this time (default now)")] = None,
    tz: Annotated[str | None, Query(max_length=64, description="request's timezone for time rules")] = None,
) -> ORJSONResponse:
    """The adjusted unit price and why, from the agent's listed price in `currency` (or, as a what-if
    preview that locks nothing, from `base_price`; only a quote locks a price, and a quote always
    starts from the listed one). Time rules use the rule's own zone, else the agent's stored zone,
    else `tz`, else UTC; `quantity` only selects bulk tiers (the price stays per unit)."""
    cur = check_currency(currency)
    if base_price is None:
        async with factory() as session:
            base = await svc.listed_price(session, agent_id, cur)
    else:
        base = Money(parse_amount(base_price, cur, param="base_price"), cur)
    if tz is not None:
        _tz(tz, "tz")
    quote = await pricing.price(
        factory, agent_id=agent_id, base=base, quantity=quantity, at=_aware(at), timezone=tz
    )
    return ORJSONResponse(price_out(quote))
