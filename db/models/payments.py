"""Payments tables: payments, refunds, stored methods, provider customers, crypto addresses/deposits.

Idempotency lives here as unique constraints: provider object ids, refund keys, crypto addresses,
deposit (chain, txid, address), provider event links. "Refunds never exceed the captured amount" is a
CHECK on payments plus a guarded UPDATE in the repository.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= captured_amount", name="refund_le_captured"
        ),
        CheckConstraint("captured_amount >= 0", name="captured_non_negative"),
        Index("ix_payments_payer_created", "payer_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30), default="pending")
    purpose_kind: Mapped[str] = mapped_column(String(20), default="none")
    purpose_reference: Mapped[str | None] = mapped_column(String(100))
    purpose_user_id: Mapped[str | None] = mapped_column(String(100))
    purpose_credits: Mapped[int] = mapped_column(MinorUnits, default=0)
    payment_method_id: Mapped[str | None] = mapped_column(String(64))
    off_session: Mapped[bool] = mapped_column(Boolean, default=False)
    quote_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The provider-side object (PaymentIntent pi_..., PayPal order id, crypto address): never shared.
    provider_object_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    client_secret: Mapped[str | None] = mapped_column(String(300))
    approval_url: Mapped[str | None] = mapped_column(String(500))
    provider_capture_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    crypto_chain: Mapped[str | None] = mapped_column(String(10))
    crypto_address: Mapped[str | None] = mapped_column(String(100))
    crypto_amount: Mapped[int | None] = mapped_column(MinorUnits)  # locked, in the chain's minor unit
    crypto_rate: Mapped[str | None] = mapped_column(String(40))  # fiat per coin, as a decimal string
    # Confirmations a deposit needs to count, locked at quote time like the rate (the invariant
    # checker reads it: a confirmed deposit on an ended payment must be counted or credited).
    crypto_confirmations: Mapped[int | None] = mapped_column(Integer)
    crypto_received: Mapped[int] = mapped_column(MinorUnits, default=0)
    captured_amount: Mapped[int] = mapped_column(MinorUnits, default=0)
    refunded_amount: Mapped[int] = mapped_column(MinorUnits, default=0)
    refund_count: Mapped[int] = mapped_column(Integer, default=0)
    ledger_transaction_id: Mapped[str | None] = mapped_column(String(40))
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_message: Mapped[str | None] = mapped_column(String(300))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Refund(Base):
    __tablename__ = "payment_refunds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("payment_id", "seq"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # n in the provider key pay:{id}:refund:{n}
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | succeeded | failed
    provider_refund_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    ledger_transaction_id: Mapped[str | None] = mapped_column(String(40))
    failure_message: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentMethod(Base):
    """A stored method: provider token and display data only (never a card number or CVC)."""

    __tablename__ = "payment_methods"
    __table_args__ = (
        UniqueConstraint("provider", "provider_method_id"),
        Index("ix_payment_methods_owner", "owner_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(20))
    provider_method_id: Mapped[str] = mapped_column(String(200))
    provider_customer_id: Mapped[str | None] = mapped_column(String(200))
    brand: Mapped[str | None] = mapped_column(String(30))
    last4: Mapped[str | None] = mapped_column(String(4))
    exp_month: Mapped[int | None] = mapped_column(Integer)
    exp_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProviderCustomer(Base):
    """One provider-side customer per user (Stripe customers for stored methods)."""

    __tablename__ = "provider_customers"
    __table_args__ = (UniqueConstraint("provider", "customer_id"),)

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CryptoAddressCounter(Base):
    """Next derivation index per chain: allocation is one guarded UPDATE ... RETURNING (never reused)."""

    __tablename__ = "crypto_address_counters"

    chain: Mapped[str] = mapped_column(String(10), primary_key=True)
    next_index: Mapped[int] = mapped_column(Integer, default=0)


class CryptoAddress(Base):
    __tablename__ = "crypto_addresses"
    __table_args__ = (UniqueConstraint("chain", "derivation_index"),)

    address: Mapped[str] = mapped_column(String(100), primary_key=True)
    chain: Mapped[str] = mapped_column(String(10))
    derivation_index: Mapped[int] = mapped_column(Integer)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CryptoDeposit(Base):
    """A deposit seen by the chain watcher; confirmations only go up; settled once."""

    __tablename__ = "crypto_deposits"
    __table_args__ = (UniqueConstraint("chain", "txid", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(10))
    txid: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(100), index=True)
    payment_id: Mapped[str | None] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(MinorUnits)  # chain minor units (sat, wei)
    confirmations: Mapped[int] = mapped_column(Integer, default=0)
    # seen | applied (counted toward the payment) | credited (late/excess → credits) | ignored
    status: Mapped[str] = mapped_column(String(20), default="seen")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentEventLink(Base):
    """Which inbox events touched which payment (the trail behind a status)."""

    __tablename__ = "payment_event_links"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(100))
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
