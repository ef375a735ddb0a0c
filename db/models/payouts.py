"""Payout tables: payouts, connected payout destinations, and rolling-reserve releases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class PayoutDestination(Base):
    """Where an agent is paid: a Stripe connected account (acct_...) or a PayPal receiver (email)."""

    __tablename__ = "payout_destinations"
    __table_args__ = (
        UniqueConstraint("payee_id", "provider", "account_ref"),
        CheckConstraint("provider IN ('stripe', 'paypal')", name="provider"),
        # One default destination per payee, enforced by the database.
        Index(
            "uq_payout_destinations_default",
            "payee_id",
            unique=True,
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    payee_id: Mapped[str] = mapped_column(String(100), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    account_ref: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No payout goes here before this (a stolen token must not be an immediate payout); NULL for
    # destinations added before the cooling-off period existed.
    usable_from: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Payout(Base):
    __tablename__ = "payouts"
    __table_args__ = (
        # A scheduled run pays each payee and currency once per batch (NULL batch: on request).
        UniqueConstraint("payee_id", "currency", "batch_key"),
        UniqueConstraint("provider", "provider_ref"),
        CheckConstraint("amount > 0 AND net_amount > 0 AND reserve_amount >= 0", name="amounts"),
        CheckConstraint("amount = net_amount + reserve_amount", name="amount_split"),
        CheckConstraint("status IN ('pending', 'in_transit', 'paid', 'failed')", name="status"),
        Index("ix_payouts_payee_created", "payee_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    payee_id: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(MinorUnits)  # taken from earnings
    net_amount: Mapped[int] = mapped_column(MinorUnits)  # sent to the provider
    reserve_amount: Mapped[int] = mapped_column(MinorUnits, default=0)  # held in reserve:{payee}:{cur}
    provider: Mapped[str] = mapped_column(String(20))
    destination_id: Mapped[str] = mapped_column(String(40))
    account_ref: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    batch_key: Mapped[str | None] = mapped_column(String(40))
    provider_ref: Mapped[str | None] = mapped_column(String(200))
    failure_code: Mapped[str | None] = mapped_column(String(100))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    hold_transaction_id: Mapped[str] = mapped_column(String(40))
    requested_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    in_transit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReserveRelease(Base):
    """The rolling reserve taken from one payout: held → released (timer) | cancelled (payout failed)."""

    __tablename__ = "reserve_releases"
    __table_args__ = (
        CheckConstraint("status IN ('held', 'released', 'cancelled')", name="status"),
        CheckConstraint("amount > 0 AND released_amount >= 0 AND released_amount <= amount", name="amounts"),
    )

    payout_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    payee_id: Mapped[str] = mapped_column(String(100), index=True)
    currency: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(MinorUnits)
    released_amount: Mapped[int] = mapped_column(MinorUnits, default=0)
    status: Mapped[str] = mapped_column(String(20), default="held")
    release_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set when the payout is paid
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
