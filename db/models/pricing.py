"""Pricing tables: rules, the per-agent signals the mesh pushes (demand, reputation, capacity,
timezone, category), and stored quotes that escrow/payment creation consume exactly once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class PricingRule(Base):
    __tablename__ = "pricing_rules"
    __table_args__ = (
        CheckConstraint("type IN ('surge', 'reputation', 'time', 'bulk', 'fixed')", name="type"),
        CheckConstraint("scope IN ('global', 'category', 'agent')", name="scope"),
        CheckConstraint("(scope = 'global') = (scope_value IS NULL)", name="scope_value"),
        CheckConstraint(
            "active_from IS NULL OR active_until IS NULL OR active_until > active_from", name="active_window"
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)  # decimals as exact strings
    scope: Mapped[str] = mapped_column(String(20))
    scope_value: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean)
    active_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgentPricingSignals(Base):
    """What the engine knows about an agent beyond our own data. One row per agent."""

    __tablename__ = "agent_pricing_signals"
    __table_args__ = (
        CheckConstraint("demand_ratio IS NULL OR demand_ratio >= 0", name="demand_ratio"),
        CheckConstraint("reputation IS NULL OR (reputation >= 0 AND reputation <= 1)", name="reputation"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
    )

    agent_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    demand_ratio: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))  # pushed by the mesh
    demand_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # then our own data again
    reputation: Mapped[Decimal | None] = mapped_column(Numeric(7, 6))
    capacity: Mapped[int | None] = mapped_column(Integer)  # concurrent contracts it can take
    timezone: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PriceQuote(Base):
    """A price locked for its owner until `expires_at`; consumed at most once (consumed_at)."""

    __tablename__ = "price_quotes"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("base_price >= 0 AND adjusted_price >= 0 AND amount >= 0", name="amounts"),
        Index("ix_price_quotes_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(100))
    agent_id: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(10))
    base_price: Mapped[int] = mapped_column(MinorUnits)  # per unit
    adjusted_price: Mapped[int] = mapped_column(MinorUnits)  # per unit
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(MinorUnits)  # adjusted_price × quantity: what is charged
    multiplier: Mapped[str] = mapped_column(Text)  # the exact Decimal, as text
    adjustments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consumed_reference: Mapped[str | None] = mapped_column(String(200))


class AgentPrice(Base):
    """An agent's listed unit price in one currency: the base every quote starts from (#11.8).

    Set by the agent itself (or a service/admin); a quote never takes a price from its requester.
    """

    __tablename__ = "agent_prices"
    __table_args__ = (CheckConstraint("unit_price >= 0", name="unit_price"),)

    agent_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    currency: Mapped[str] = mapped_column(String(10), primary_key=True)
    unit_price: Mapped[int] = mapped_column(MinorUnits)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
