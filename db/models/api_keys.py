"""Secret API keys for server-to-server callers (Stripe's `sk_…`): stored hashed, shown once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # key_…, safe to show and log
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the whole secret
    prefix: Mapped[str] = mapped_column(String(16))  # the secret's first characters, for people
    principal_id: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    permissions: Mapped[list[str] | None] = mapped_column(JSON)  # None: everything the role may do
    description: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
