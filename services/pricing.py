"""Pricing: rules and agent signals from the database behind short-TTL caches, quotes, consume_quote.

A price read touches the database only on a cache miss: the active rule set (parsed and sorted
once) and each agent's context (pushed demand/reputation/profile, or demand from our own open
escrows) are cached per process for `pricing_cache_ttl_seconds`. Changes made through this process
invalidate its caches at once; other processes see them within the TTL.

Demand: a ratio pushed by the mesh wins until it expires (`demand_expires_at`); otherwise it is the
agent's open (non-terminal) escrows created within `pricing_demand_window_seconds`, divided by its
capacity (pushed, or `pricing_default_capacity`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from contracts.pricing import LockedPrice
from db.base import utcnow
from db.models.pricing import PriceQuote as QuoteRow
from db.models.pricing import PricingRule
from db.repositories import pricing as repo
from db.session import SessionFactory
from domain.errors import Conflict, NotFound
from domain.money import Money
from domain.pricing import (
    Bounds,
    PriceQuote,
    PricingContext,
    Rule,
    Scope,
    default_name,
    ordered,
    price,
    validate_rule,
)
from domain.pricing_params import InvalidRule, params_to_json, parse_params, plain

__all__ = ["AgentView", "LockedPrice", "PricingService", "consume_quote"]

log = logging.getLogger("meshpay.pricing")
_RATIO_STEP = Decimal("0.000001")
K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """A small per-process cache: entries live `ttl` seconds (monotonic clock), at most `size`.

    `get_or_load` is single-flight: concurrent misses on one key share one load, so a burst of
    requests when an entry expires costs one database read, not one each. `drop`/`clear` bump a
    generation, so a load that started before an invalidation is returned to its waiters but not
    stored.
    """

    def __init__(self, ttl: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self._data: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}
        self._generation = 0
        self.loads = 0

    def get(self, key: K) -> V | None:
        hit = self._data.get(key)
        if hit is None or hit[0] <= self.clock():
            return None
        return hit[1]

    def put(self, key: K, value: V) -> None:
        if key not in self._data and len(self._data) >= self.size:
            self._data.pop(next(iter(self._data)))  # oldest insertion first
        self._data[key] = (self.clock() + self.ttl, value)

    async def get_or_load(self, key: K, loader: Callable[[], Awaitable[V]]) -> V:
        hit = self.get(key)
        if hit is not None:
            return hit
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._load(key, loader))
            self._loading[key] = pending
        return await asyncio.shield(pending)

    async def _load(self, key: K, loader: Callable[[], Awaitable[V]]) -> V:
        generation = self._generation
        try:
            self.loads += 1
            value = await loader()
            if generation == self._generation:
                self.put(key, value)
            return value
        finally:
            self._loading.pop(key, None)

    def drop(self, key: K) -> None:
        self._generation += 1
        self._data.pop(key, None)

    def clear(self) -> None:
        self._generation += 1
        self._data.clear()


@dataclass(frozen=True, slots=True)
class AgentView:
    agent_id: str
    demand: Decimal | None
    demand_source: str  # pushed | escrows | none
    reputation: Decimal | None
    capacity: int | None
    timezone: str | None
    category: str | None


def rule_from_row(row: PricingRule) -> Rule:
    return Rule(
        id=row.id,
        name=row.name,
        params=parse_params(row.type, row.params),
        priority=row.priority,
        scope=Scope(row.scope),
        scope_value=row.scope_value,
        enabled=row.enabled,
        active_from=row.active_from,
        active_until=row.active_until,
        description=row.description,
    )


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


# ------------------------------------------------------------------ rules CRUD

_RULE_FIELDS = (
    "name",
    "type",
    "priority",
    "params",
    "scope",
    "scope_value",
    "enabled",
    "active_from",
    "active_until",
    "description",
)


def build_rule(rule_id: str, fields: dict[str, Any]) -> Rule:
    """A validated domain Rule from request fields; name defaults from the parameters."""
    params = parse_params(fields["type"], fields.get("params"))
    try:
        scope = Scope(fields.get("scope") or Scope.GLOBAL)
    except ValueError:
        raise InvalidRule("scope must be global, category or agent", param="scope") from None
    priority = fields.get("priority")
    rule = Rule(
        id=rule_id,
        name=fields.get("name") or default_name(params),
        params=params,
        priority=100 if priority is None else priority,
        scope=scope,
        scope_value=fields.get("scope_value"),
        enabled=True if fields.get("enabled") is None else bool(fields["enabled"]),
        active_from=fields.get("active_from"),
        active_until=fields.get("active_until"),
        description=fields.get("description"),
    )
    validate_rule(rule)
    return rule


def _rule_values(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "type": rule.type.value,
        "priority": rule.priority,
        "params": params_to_json(rule.params),
        "scope": rule.scope.value,
        "scope_value": rule.scope_value,
        "enabled": rule.enabled,
        "active_from": rule.active_from,
        "active_until": rule.active_until,
        "description": rule.description,
    }


async def create_rule(session: AsyncSession, fields: dict[str, Any]) -> PricingRule:
    rule = build_rule(_new_id("prl"), fields)
    now = utcnow()
    if not await repo.insert_rule(
        session, {"id": rule.id, **_rule_values(rule), "created_at": now, "updated_at": now}
    ):
        raise Conflict(f"a pricing rule named {rule.name!r} exists", code="rule_name_taken", param="name")
    row = await repo.get_rule(session, rule.id)
    assert row is not None
    return row


async def update_rule(session: AsyncSession, rule_id: str, patch: dict[str, Any]) -> PricingRule:
    row = await repo.get_rule(session, rule_id)
    if row is None:
        raise NotFound(f"no pricing rule {rule_id!r}", param="rule_id")
    current = {f: getattr(row, f) for f in _RULE_FIELDS}
    rule = build_rule(rule_id, {**current, **patch})
    if rule.name != row.name and await repo.name_taken(session, rule.name, except_id=rule_id):
        raise Conflict(f"a pricing rule named {rule.name!r} exists", code="rule_name_taken", param="name")
    await repo.update_rule(session, rule_id, {**_rule_values(rule), "updated_at": utcnow()})
    await session.refresh(row)
    return row


async def delete_rule(session: AsyncSession, rule_id: str) -> None:
    if not await repo.delete_rule(session, rule_id):
        raise NotFound(f"no pricing rule {rule_id!r}", param="rule_id")


async def get_rule(session: AsyncSession, rule_id: str) -> PricingRule:
    row = await repo.get_rule(session, rule_id)
    if row is None:
        raise NotFound(f"no pricing rule {rule_id!r}", param="rule_id")
    return row


# ------------------------------------------------------------------ agents' listed prices (#11.8)


async def set_listed_price(session: AsyncSession, agent_id: str, price: Money) -> None:
    """The agent's unit price in one currency: what every quote for it starts from."""
    await repo.upsert_agent_price(session, agent_id, price.currency, price.minor, utcnow())


async def listed_price(session: AsyncSession, agent_id: str, currency: str) -> Money:
    """The server's base price of an agent; a quote never takes one from its requester."""
    minor = await repo.get_agent_price(session, agent_id, currency)
    if minor is None:
        raise Conflict(
            f"agent {agent_id!r} lists no price in {currency}",
            code="agent_price_not_listed",
            param="agent_id",
        )
    return Money(minor, currency)


# ------------------------------------------------------------------ signals pushed by the mesh


async def push_demand(
    session: AsyncSession, agent_id: str, *, demand: Decimal, ttl_seconds: int, now: datetime | None = None
) -> None:
    now = now or utcnow()
    await repo.upsert_signals(
        session,
        agent_id,
        {"demand_ratio": demand, "demand_expires_at": now + timedelta(seconds=ttl_seconds)},
        now,
    )


async def push_reputation(session: AsyncSession, agent_id: str, reputation: Decimal) -> None:
    await repo.upsert_signals(session, agent_id, {"reputation": reputation}, utcnow())


async def set_profile(session: AsyncSession, agent_id: str, values: dict[str, Any]) -> None:
    """capacity / timezone / category; only the keys given change."""
    allowed = {k: v for k, v in values.items() if k in ("capacity", "timezone", "category")}
    await repo.upsert_signals(session, agent_id, allowed, utcnow())


async def load_agent(session: AsyncSession, agent_id: str, settings: Settings, now: datetime) -> AgentView:
    sig = await repo.get_signals(session, agent_id)
    capacity = sig.capacity if sig is not None else None
    demand: Decimal | None = None
    source = "none"
    if (
        sig is not None
        and sig.demand_ratio is not None
        and sig.demand_expires_at is not None
        and sig.demand_expires_at > now
    ):
        demand, source = Decimal(sig.demand_ratio), "pushed"
    else:
        since = now - timedelta(seconds=settings.pricing_demand_window_seconds)
        open_count = await repo.count_open_escrows(session, agent_id, since)
        if open_count is not None:
            denominator = Decimal(capacity or settings.pricing_default_capacity)
            demand = (Decimal(open_count) / denominator).quantize(_RATIO_STEP, ROUND_HALF_UP)
            source = "escrows"
    return AgentView(
        agent_id=agent_id,
        demand=demand,
        demand_source=source,
        reputation=repo.decimal_or_none(sig.reputation if sig is not None else None),
        capacity=capacity,
        timezone=sig.timezone if sig is not None else None,
        category=sig.category if sig is not None else None,
    )


# ------------------------------------------------------------------ the cached price path


class PricingService:
    """One per process (the API keeps it on app.state): caches in front of the engine."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.bounds = Bounds(settings.pricing_min_multiplier, settings.pricing_max_multiplier)
        ttl = settings.pricing_cache_ttl_seconds
        self._rules: TTLCache[str, tuple[Rule, ...]] = TTLCache(ttl, 1, clock)
        self._agents: TTLCache[str, AgentView] = TTLCache(ttl, 50_000, clock)

    def invalidate_rules(self) -> None:
        self._rules.clear()

    def invalidate_agent(self, agent_id: str) -> None:
        self._agents.drop(agent_id)

    async def rules(self, factory: SessionFactory) -> tuple[Rule, ...]:
        async def load() -> tuple[Rule, ...]:
            async with factory() as session:
                rows = await repo.list_rules(session, enabled_only=True)
            parsed = []
            for row in rows:
                try:
                    parsed.append(rule_from_row(row))
                except InvalidRule as exc:  # a row edited by hand: skip it, loudly
                    log.error("pricing rule %s is invalid and ignored: %s", row.id, exc.message)
            return tuple(ordered(parsed))

        return await self._rules.get_or_load("all", load)

    async def agent(self, factory: SessionFactory, agent_id: str) -> AgentView:
        async def load() -> AgentView:
            async with factory() as session:
                return await load_agent(session, agent_id, self.settings, utcnow())

        return await self._agents.get_or_load(agent_id, load)

    async def price(
        self,
        factory: SessionFactory,
        *,
        agent_id: str,
        base: Money,
        quantity: int = 1,
        at: datetime | None = None,
        timezone: str | None = None,
    ) -> PriceQuote:
        rules = await self.rules(factory)
        view = await self.agent(factory, agent_id)
        ctx = PricingContext(
            at=at or utcnow(),
            agent_id=agent_id,
            reputation=view.reputation,
            demand=view.demand,
            timezone=view.timezone or timezone,
            quantity=quantity,
            category=view.category,
        )
        return price(base, ctx, rules, self.bounds, presorted=True)

    async def create_quote(
        self,
        session: AsyncSession,
        factory: SessionFactory,
        *,
        owner_id: str,
        agent_id: str,
        currency: str,
        quantity: int = 1,
        ttl_seconds: int | None = None,
        now: datetime | None = None,
    ) -> QuoteRow:
        """Lock the server's price: the agent's listed unit price in `currency`, adjusted by the rules
        and signals now (never a base price from the requester)."""
        now = now or utcnow()
        base = await listed_price(session, agent_id, currency)
        quote = await self.price(factory, agent_id=agent_id, base=base, quantity=quantity, at=now)
        ttl = self.settings.quote_ttl_seconds if ttl_seconds is None else ttl_seconds
        values = {
            "id": _new_id("quo"),
            "owner_id": owner_id,
            "agent_id": agent_id,
            "currency": base.currency,
            "base_price": base.minor,
            "adjusted_price": quote.adjusted_price,
            "quantity": quantity,
            "amount": quote.total,
            "multiplier": plain(quote.multiplier),
            "adjustments": [
                {
                    "rule": a.rule,
                    "type": a.type,
                    "multiplier": plain(a.multiplier),
                    "description": a.description,
                }
                for a in quote.adjustments
            ],
            "expires_at": now + timedelta(seconds=ttl),
            "created_at": now,
        }
        await repo.insert_quote(session, values)
        return QuoteRow(**values, consumed_at=None, consumed_reference=None)  # as stored; no re-read


async def get_quote(
    session: AsyncSession, quote_id: str, *, principal_id: str, admin: bool = False
) -> QuoteRow:
    row = await repo.get_quote(session, quote_id)
    if row is None or (row.owner_id != principal_id and not admin):
        raise NotFound(f"no quote {quote_id!r}", param="quote_id")
    return row


async def consume_quote(
    session: AsyncSession,
    *,
    quote_id: str,
    principal_id: str,
    reference: str | None = None,
    now: datetime | None = None,
) -> LockedPrice:
    """Lock in a quote's price, once. Unknown or someone else's → 409 quote_invalid; used before →
    409 quote_invalid (unless `reference` is the one that consumed it: the same LockedPrice again);
    expired → 409 quote_expired. Runs in the caller's transaction: a rollback un-consumes it."""
    now = now or utcnow()
    claimed = await repo.claim_quote(
        session, quote_id=quote_id, owner_id=principal_id, now=now, reference=reference
    )
    if claimed is not None:
        amount, currency, agent_id, quantity = claimed
        return LockedPrice(amount, currency, agent_id, quote_id, quantity)
    row = await repo.get_quote(session, quote_id)
    if row is None or row.owner_id != principal_id:
        raise Conflict("quote is unknown or belongs to someone else", code="quote_invalid", param="quote_id")
    if row.consumed_at is not None:
        if reference is not None and row.consumed_reference == reference:
            return LockedPrice(row.amount, row.currency, row.agent_id, row.id, row.quantity)
        raise Conflict("quote has already been used", code="quote_invalid", param="quote_id")
    raise Conflict(f"quote expired at {row.expires_at.isoformat()}", code="quote_expired", param="quote_id")
