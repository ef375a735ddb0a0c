"""Chargebacks: one row per provider dispute (Stripe charge.dispute.*)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("status IN ('open', 'won', 'lost')", name="status"),
        Index("ix_disputes_status_opened", "status", "opened_at"),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the provider's dispute id
    provider: Mapped[str] = mapped_column(String(20))
    charge_id: Mapped[str | None] = mapped_column(String(100))
    payment_intent_id: Mapped[str | None] = mapped_column(String(100))
    payment_id: Mapped[str | None] = mapped_column(String(40), index=True)  # ours, when found
    escrow_contract_id: Mapped[str | None] = mapped_column(String(100))
    payee_id: Mapped[str | None] = mapped_column(String(100), index=True)  # the agent clawed back from
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    provider_status: Mapped[str] = mapped_column(String(40))
    evidence_due_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evidence_overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    held: Mapped[int] = mapped_column(MinorUnits, default=0)
    loss_amount: Mapped[int] = mapped_column(MinorUnits, default=0)
    clawback_amount: Mapped[int] = mapped_column(MinorUnits, default=0)
    clawback_shortfall: Mapped[int] = mapped_column(MinorUnits, default=0)
    # Lost: what was taken back from the escrow's hold (escrow funded by the disputed payment), and
    # for a credits purchase the credits taken back from the wallet / those already spent (CREDIT).
    escrow_taken: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    credits_clawed_back: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    credits_shortfall: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
