"""Spending mandates: a user's standing permission for one agent to charge their credits, within caps.

`mandate_usage` holds what a mandate has moved per UTC day (`D2026-11-30`) and calendar month
(`M2026-11`); a deduct adds to both with a guarded UPDATE in the deduct's own DB transaction, so the
caps hold under concurrency. The ledger rows (credit_entries.mandate_id) stay the source of truth:
the invariant checker compares them with the caps.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class Mandate(Base):
    __tablename__ = "mandates"
    __table_args__ = (
        CheckConstraint(
            "max_per_charge > 0 AND max_per_charge <= max_per_day AND max_per_day <= max_per_month",
            name="caps",
        ),
        Index("ix_mandates_user_id_id", "user_id", "id"),
        Index("ix_mandates_agent_id_id", "agent_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100))  # whose credits
    agent_id: Mapped[str] = mapped_column(String(100))  # who may charge them
    currency: Mapped[str] = mapped_column(String(10))
    max_per_charge: Mapped[int] = mapped_column(MinorUnits)
    max_per_day: Mapped[int] = mapped_column(MinorUnits)  # UTC day
    max_per_month: Mapped[int] = mapped_column(MinorUnits)  # UTC calendar month
    contract_id: Mapped[str | None] = mapped_column(String(100))  # only charges for this contract
    description: Mapped[str | None] = mapped_column(String(300))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MandateUsage(Base):
    __tablename__ = "mandate_usage"
    __table_args__ = (CheckConstraint("spent >= 0", name="spent_non_negative"),)

    mandate_id: Mapped[str] = mapped_column(ForeignKey("mandates.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(12), primary_key=True)  # D2026-11-30 | M2026-11
    spent: Mapped[int] = mapped_column(MinorUnits, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
