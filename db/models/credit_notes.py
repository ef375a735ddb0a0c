"""Credit notes: a numbered (CN-YYYY-NNNNNN, gapless) correction of part or all of a paid invoice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class CreditNote(Base):
    __tablename__ = "credit_notes"
    __table_args__ = (
        CheckConstraint("total > 0 AND subtotal + tax = total", name="amounts"),
        CheckConstraint("method IN ('credit_balance')", name="method"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(100), index=True)
    currency: Mapped[str] = mapped_column(String(10))
    subtotal: Mapped[int] = mapped_column(MinorUnits)
    tax: Mapped[int] = mapped_column(MinorUnits)
    total: Mapped[int] = mapped_column(MinorUnits)
    reason: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
