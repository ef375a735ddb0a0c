"""Escrow tables: one row per escrow (a mirror of its workflow), its signatures and its events.

The workflow is the source of truth while it runs; the row is what lists read, what pricing reads
for demand (open escrows per payee), and what GET falls back to once the workflow has closed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class Escrow(Base):
    __tablename__ = "escrows"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "held >= 0 AND released >= 0 AND fee >= 0 AND refunded >= 0", name="amounts_non_negative"
        ),
        Index("ix_escrows_payee_status", "payee_id", "status"),
        Index("ix_escrows_payer_status", "payer_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(100), unique=True)
    payer_id: Mapped[str] = mapped_column(String(100))
    payee_id: Mapped[str] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(30), index=True)
    held: Mapped[int] = mapped_column(MinorUnits, default=0)
    released: Mapped[int] = mapped_column(MinorUnits, default=0)
    fee: Mapped[int] = mapped_column(MinorUnits, default=0)
    refunded: Mapped[int] = mapped_column(MinorUnits, default=0)
    fee_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    signers: Mapped[list[str]] = mapped_column(JSON)
    required_signatures: Mapped[int] = mapped_column(Integer)
    signatures_count: Mapped[int] = mapped_column(Integer, default=0)
    threshold_ppm: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    validation_score_ppm: Mapped[int | None] = mapped_column(Integer)
    funding_provider: Mapped[str | None] = mapped_column(String(20))
    funding_payment_id: Mapped[str | None] = mapped_column(String(100))
    quote_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the last EscrowView, for closed workflows
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EscrowSignature(Base):
    __tablename__ = "escrow_signatures"
    __table_args__ = (UniqueConstraint("escrow_id", "signer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escrow_id: Mapped[str] = mapped_column(ForeignKey("escrows.id"))
    signer_id: Mapped[str] = mapped_column(String(100))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EscrowEventRow(Base):
    __tablename__ = "escrow_events"
    __table_args__ = (UniqueConstraint("escrow_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escrow_id: Mapped[str] = mapped_column(ForeignKey("escrows.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
