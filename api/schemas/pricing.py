"""Pricing requests and responses.

Decimals in requests (base_price, demand, reputation, rule parameters) arrive as strings or exact
Decimals (ExactJSONRoute), never floats. In responses, amounts are strings ("12.00"); multipliers
are JSON numbers written from the exact Decimal's text (orjson.Fragment), so `1.2` is the Decimal
1.2 itself, not a float's rendering of it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import orjson
from pydantic import BaseModel, Field, StrictBool, StrictInt

from api.schemas.common import AmountIn, DateTimeIn, StrictModel
from db.models.pricing import AgentPricingSignals, PricingRule
from db.models.pricing import PriceQuote as QuoteRow
from domain.money import format_amount
from domain.pricing import PriceQuote
from domain.pricing_params import plain

RuleTypeIn = Literal["surge", "reputation", "time", "bulk", "fixed"]
ScopeIn = Literal["global", "category", "agent"]


class RuleCreate(StrictModel):
    name: str | None = Field(None, min_length=1, max_length=100, description="default: from type/params")
    type: RuleTypeIn
    priority: StrictInt = Field(
        100, ge=-1_000_000, le=1_000_000, description="ascending: lower applies first"
    )
    params: dict[str, Any] = Field(default_factory=dict)
    scope: ScopeIn = "global"
    scope_value: str | None = Field(None, min_length=1, max_length=100, description="category or agent id")
    enabled: StrictBool = True
    active_from: DateTimeIn | None = None
    active_until: DateTimeIn | None = None
    description: str | None = Field(None, max_length=500, description="default: generated per quote")


class RulePatch(StrictModel):
    name: str | None = Field(None, min_length=1, max_length=100)
    type: RuleTypeIn | None = None
    priority: StrictInt | None = Field(None, ge=-1_000_000, le=1_000_000)
    params: dict[str, Any] | None = None
    scope: ScopeIn | None = None
    scope_value: str | None = Field(None, min_length=1, max_length=100)
    enabled: StrictBool | None = None
    active_from: DateTimeIn | None = None
    active_until: DateTimeIn | None = None
    description: str | None = Field(None, max_length=500)


class DemandIn(StrictModel):
    demand_ratio: AmountIn = Field(description="open work / capacity, 0..1000")
    ttl_seconds: StrictInt | None = Field(None, ge=1, le=7 * 24 * 3600, description="then our own data again")


class ReputationIn(StrictModel):
    reputation: AmountIn = Field(description="0..1")


class AgentProfileIn(StrictModel):
    capacity: StrictInt | None = Field(None, ge=1, le=1_000_000)
    timezone: str | None = Field(None, min_length=1, max_length=64)
    category: str | None = Field(None, min_length=1, max_length=100)


class QuoteCreate(StrictModel):
    """No base price: a quote starts from the agent's listed price (PUT /pricing/agents/{id}/prices)."""

    agent_id: str = Field(min_length=1, max_length=100)
    currency: str = Field("USD", max_length=10, description="which of the agent's listed prices")
    quantity: StrictInt = Field(1, ge=1, le=1_000_000)
    ttl_seconds: StrictInt | None = Field(None, ge=1, description="default 15 minutes")


class AgentPriceIn(StrictModel):
    unit_price: AmountIn = Field(description="per unit, in the path's currency, e.g. 19.99")


class AgentPriceOut(BaseModel):
    agent_id: str
    currency: str
    unit_price: str
    updated_at: datetime


class AgentPriceList(BaseModel):
    data: list[AgentPriceOut]


class AdjustmentOut(BaseModel):
    rule: str
    type: str
    multiplier: float
    description: str


class PriceOut(BaseModel):
    base_price: str
    adjusted_price: str
    multiplier: float
    adjustments: list[AdjustmentOut]


class QuoteOut(PriceOut):
    quote_id: str
    agent_id: str
    currency: str
    quantity: int
    amount: str = Field(description="adjusted_price × quantity: what escrow/payment create charge")
    expires_at: datetime
    created_at: datetime
    consumed: bool


class RuleOut(BaseModel):
    id: str
    name: str
    type: str
    priority: int
    params: dict[str, Any]
    scope: str
    scope_value: str | None
    enabled: bool
    active_from: datetime | None
    active_until: datetime | None
    description: str | None
    created_at: datetime
    updated_at: datetime


class AgentSignalsOut(BaseModel):
    agent_id: str
    demand_ratio: str | None
    demand_expires_at: datetime | None
    reputation: str | None
    capacity: int | None
    timezone: str | None
    category: str | None


# ------------------------------------------------------------------ renderers (dicts for ORJSONResponse)


def number(value: Decimal | str) -> orjson.Fragment:
    """The exact decimal as a JSON number: Decimal("1.20") → 1.2, never via float."""
    return orjson.Fragment(plain(Decimal(value)).encode())


def price_out(q: PriceQuote) -> dict[str, Any]:
    return {
        "base_price": format_amount(q.base_price.minor, q.currency),
        "adjusted_price": format_amount(q.adjusted_price, q.currency),
        "multiplier": number(q.multiplier),
        "adjustments": [
            {"rule": a.rule, "type": a.type, "multiplier": number(a.multiplier), "description": a.description}
            for a in q.adjustments
        ],
    }


def quote_out(row: QuoteRow) -> dict[str, Any]:
    cur = row.currency
    return {
        "quote_id": row.id,
        "agent_id": row.agent_id,
        "currency": cur,
        "base_price": format_amount(row.base_price, cur),
        "adjusted_price": format_amount(row.adjusted_price, cur),
        "multiplier": number(row.multiplier),
        "adjustments": [{**a, "multiplier": number(a["multiplier"])} for a in row.adjustments],
        "quantity": row.quantity,
        "amount": format_amount(row.amount, cur),
        "expires_at": row.expires_at,
        "created_at": row.created_at,
        "consumed": row.consumed_at is not None,
    }


def rule_out(row: PricingRule) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "type": row.type,
        "priority": row.priority,
        "params": row.params,
        "scope": row.scope,
        "scope_value": row.scope_value,
        "enabled": row.enabled,
        "active_from": row.active_from,
        "active_until": row.active_until,
        "description": row.description,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def signals_out(agent_id: str, row: AgentPricingSignals | None) -> dict[str, Any]:
    def text(v: Any) -> str | None:
        return None if v is None else plain(Decimal(v))

    return {
        "agent_id": agent_id,
        "demand_ratio": text(row.demand_ratio) if row else None,
        "demand_expires_at": row.demand_expires_at if row else None,
        "reputation": text(row.reputation) if row else None,
        "capacity": row.capacity if row else None,
        "timezone": row.timezone if row else None,
        "category": row.category if row else None,
    }
