"""Billing: accounts' billing settings, metered prices, tax rates, usage, pending items, invoices with
lines, payments and collection attempts, the gapless number series, plans and subscriptions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow
from db.models.ledger import BigId


class BillingAccount(Base):
    """Who is billed and how: currency, tax jurisdiction, credits-first, default payment method."""

    __tablename__ = "billing_accounts"
    __table_args__ = (
        CheckConstraint("progressive_threshold IS NULL OR progressive_threshold > 0", name="threshold"),
    )

    account_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    currency: Mapped[str] = mapped_column(String(10), default="USD")
    jurisdiction: Mapped[str] = mapped_column(String(40), default="default")
    use_credits_first: Mapped[bool] = mapped_column(Boolean, default=False)
    provider: Mapped[str] = mapped_column(String(20), default="stripe")
    default_payment_method_id: Mapped[str | None] = mapped_column(String(200))
    invoice_series: Mapped[str | None] = mapped_column(String(20))  # None: settings.invoice_series
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))  # off every invoice, as a line
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    tax_id: Mapped[str | None] = mapped_column(String(60))
    # Progressive billing: an invoice for the usage so far each time the period's usage reaches
    # another multiple of this amount (minor units); None: only the period-end invoice.
    progressive_threshold: Mapped[int | None] = mapped_column(MinorUnits)
    # The last period whose period-end invoice was built: later usage of it is late usage.
    billed_through: Mapped[str | None] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaxRate(Base):
    __tablename__ = "tax_rates"
    __table_args__ = (CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),)

    jurisdiction: Mapped[str] = mapped_column(String(40), primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(60), default="Tax")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsageRecord(Base):
    """One metered event, kept as received; `event_id` deduplicates. Billing reads the running
    aggregates (db.models.metering.UsageAggregate) updated in the same transaction."""

    __tablename__ = "usage_records"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
        Index("ix_usage_records_account_ts", "account_id", "ts"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[str] = mapped_column(String(100))
    metric: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(Numeric(38, 12))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    agent_id: Mapped[str | None] = mapped_column(String(100))
    properties: Mapped[dict[str, str] | None] = mapped_column(JSON)
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BillingItem(Base):
    """A pending invoice item (subscription fee, proration, adjustment, discount, carried credit),
    picked up by the first invoice of its account whose period ends after `effective_at`."""

    __tablename__ = "billing_items"
    __table_args__ = (
        Index(
            "ix_billing_items_unbilled",
            "account_id",
            "effective_at",
            postgresql_where=text("invoice_id IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # subscription | proration | adjustment | discount
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(BigInteger, default=1)
    amount: Mapped[int] = mapped_column(MinorUnits)  # signed minor units
    currency: Mapped[str] = mapped_column(String(10))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subscription_id: Mapped[str | None] = mapped_column(String(40))
    invoice_id: Mapped[str | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invoice(Base):
    """draft → open (finalized, immutable, numbered) → paid | void | uncollectible.

    kind 'period': the one period-end invoice of an account and period; kind 'progressive': the
    invoice issued when the period's usage reached threshold number `sequence` (once per threshold)."""

    __tablename__ = "invoices"
    __table_args__ = (
        Index(
            "uq_invoices_period_end",
            "account_id",
            "period",
            unique=True,
            postgresql_where=text("kind = 'period'"),
            sqlite_where=text("kind = 'period'"),
        ),
        Index(
            "uq_invoices_progressive",
            "account_id",
            "period",
            "sequence",
            unique=True,
            postgresql_where=text("kind = 'progressive'"),
            sqlite_where=text("kind = 'progressive'"),
        ),
        CheckConstraint("kind IN ('period','progressive')", name="kind"),
        CheckConstraint("amount_paid >= 0 AND amount_paid <= total", name="paid_within_total"),
        CheckConstraint("total >= 0", name="total_non_negative"),
        CheckConstraint("status IN ('draft','open','paid','void','uncollectible')", name="status"),
        CheckConstraint("status = 'draft' OR status = 'void' OR number IS NOT NULL", name="numbered"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(100), index=True)
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(20), default="period", server_default="period")
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    currency: Mapped[str] = mapped_column(String(10))
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    subtotal: Mapped[int] = mapped_column(MinorUnits, default=0)
    tax: Mapped[int] = mapped_column(MinorUnits, default=0)
    total: Mapped[int] = mapped_column(MinorUnits, default=0)
    amount_paid: Mapped[int] = mapped_column(MinorUnits, default=0)
    carried_credit: Mapped[int] = mapped_column(MinorUnits, default=0)
    tax_name: Mapped[str | None] = mapped_column(String(60))
    tax_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    tax_inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uncollectible_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceLineItem(Base):
    __tablename__ = "invoice_line_items"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    metric: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(Numeric(38, 12))
    unit_amount: Mapped[Decimal] = mapped_column(Numeric(38, 12))  # minor units per unit
    amount: Mapped[int] = mapped_column(MinorUnits)
    net: Mapped[int] = mapped_column(MinorUnits)
    tax: Mapped[int] = mapped_column(MinorUnits)


class InvoiceNumberSeries(Base):
    """The gapless counter: one row per series and year, incremented under its row lock in the same
    transaction that finalizes the invoice (a rollback gives the number back)."""

    __tablename__ = "invoice_number_series"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger, default=0)


class InvoicePayment(Base):
    """Money received for an invoice (card payment or credits); one row per payment id."""

    __tablename__ = "invoice_payments"
    __table_args__ = (
        UniqueConstraint("invoice_id", "payment_id"),
        CheckConstraint("amount > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    payment_id: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))  # card | credits
    amount: Mapped[int] = mapped_column(MinorUnits)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CollectionAttempt(Base):
    """Every attempt to collect an invoice, visible on the invoice."""

    __tablename__ = "collection_attempts"
    __table_args__ = (UniqueConstraint("invoice_id", "attempt_no"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    attempt_no: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # card | credits
    payment_id: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(MinorUnits)
    outcome: Mapped[str] = mapped_column(String(20))  # succeeded | failed | pending
    failure_code: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str | None] = mapped_column(String(300))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("interval_months > 0", name="interval_positive"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(500))
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    interval_months: Mapped[int] = mapped_column(Integer, default=1)
    trial_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(Base):
    """trialing → active → canceled; renewed each period by SubscriptionWorkflow."""

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(100), index=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    status: Mapped[str] = mapped_column(String(20))
    payment_method_id: Mapped[str | None] = mapped_column(String(200))
    trial_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    period_index: Mapped[int] = mapped_column(Integer, default=0)  # 0 = trial; 1.. = paid periods
    billing_anchor: Mapped[datetime | None] = mapped_column(UTCDateTime)  # start of paid period 1
    current_period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
