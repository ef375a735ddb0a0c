"""Events (an outbox written in the same transaction as the change) and outbound webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Identity, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class Event(Base):
    """A state change a client cares about, as the API shows the object, in the change's transaction."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_account_seq", "account_id", "seq"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # evt_…
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)  # order and cursor
    type: Mapped[str] = mapped_column(String(60), index=True)
    account_id: Mapped[str] = mapped_column(String(100))  # whose event: who may read it
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(100), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # we_…
    owner_id: Mapped[str] = mapped_column(String(100), index=True)
    all_accounts: Mapped[bool] = mapped_column(Boolean, default=False)  # admin/service: every account
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str] | None] = mapped_column(JSON)  # None: every type; `escrow.*` prefixes
    secret: Mapped[str] = mapped_column(String(100))  # whsec_…: needed to sign, never shown again
    status: Mapped[str] = mapped_column(String(20), default="enabled")  # enabled | disabled
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event owed to one endpoint (a resend is a new delivery): the dispatch outbox."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", "resend"),
        Index("ix_webhook_deliveries_undispatched", "dispatched", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(String(40), index=True)
    event_id: Mapped[str] = mapped_column(String(40))
    resend: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | succeeded | failed
    dispatched: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_endpoint", "endpoint_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(BigInteger, index=True)
    endpoint_id: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(40))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    duration_ms: Mapped[int] = mapped_column(Integer)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
