"""Meters, scoped usage prices and the running usage aggregates kept up to date at usage-post time
(so live spend and the upcoming-invoice preview read a handful of rows, never every event)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow

Quantity = Numeric(38, 12)  # exact usage quantities, up to 12 decimal places (domain.metering)


class Meter(Base):
    """What a metric counts: its aggregation, decimal precision and the properties it groups by."""

    __tablename__ = "meters"
    __table_args__ = (
        CheckConstraint("aggregation IN ('sum','count','max','unique_count','latest')", name="aggregation"),
        CheckConstraint("precision >= 0 AND precision <= 12", name="precision_range"),
    )

    metric: Mapped[str] = mapped_column(String(100), primary_key=True)
    aggregation: Mapped[str] = mapped_column(String(20))
    precision: Mapped[int] = mapped_column(Integer, default=0)
    group_by: Mapped[list[str]] = mapped_column(JSON)
    unique_property: Mapped[str | None] = mapped_column(String(50))
    display_name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsagePrice(Base):
    """The price of a metric in a currency for everyone (scope global), a plan's subscribers
    (scope plan, scope_id = plan id) or one account; `filters` restrict it to usage whose properties
    match (a price per model). One price per metric, currency, scope and filter set."""

    __tablename__ = "usage_prices"
    __table_args__ = (
        Index(
            "uq_usage_prices_scope",
            "metric",
            "currency",
            "scope",
            "scope_id",
            "filter_key",
            unique=True,
        ),
        CheckConstraint("scope IN ('global','plan','account')", name="scope"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    metric: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(10))
    scope_id: Mapped[str] = mapped_column(String(100), default="")
    filter_key: Mapped[str] = mapped_column(String(1000), default="")  # canonical JSON of filters
    filters: Mapped[dict[str, str]] = mapped_column(JSON)
    model: Mapped[str] = mapped_column(String(20))
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    package_size: Mapped[Decimal | None] = mapped_column(Quantity)
    display_name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsageAggregate(Base):
    """An account's running usage of one metric, in one property group, to be billed in `bill_period`
    (`from_period` set: late usage of an earlier, already invoiced period). `invoice_id` is set when
    the period-end invoice claims it."""

    __tablename__ = "usage_aggregates"
    __table_args__ = (
        Index(
            "ix_usage_aggregates_unbilled",
            "account_id",
            "bill_period",
            postgresql_where=text("invoice_id IS NULL"),
        ),
    )

    account_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    bill_period: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(100), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(1000), primary_key=True)
    from_period: Mapped[str] = mapped_column(String(7), primary_key=True, default="")
    properties: Mapped[dict[str, str]] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Quantity, default=0)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    maximum: Mapped[Decimal | None] = mapped_column(Quantity)
    latest_value: Mapped[Decimal | None] = mapped_column(Quantity)
    latest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unique_count: Mapped[int] = mapped_column(BigInteger, default=0)
    invoice_id: Mapped[str | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsageUniqueValue(Base):
    """The distinct values behind a unique_count aggregate (one row per value: insert-if-new)."""

    __tablename__ = "usage_unique_values"

    account_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    bill_period: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(100), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(1000), primary_key=True)
    from_period: Mapped[str] = mapped_column(String(7), primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
