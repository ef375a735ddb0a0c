"""The double-entry ledger: accounts, transactions, postings and maintained balances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow

BigId = BigInteger()


class Account(Base):
    __tablename__ = "accounts"

    code: Mapped[str] = mapped_column(String(200), primary_key=True)
    currency: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(30))  # wallet | earnings | escrow | clearing | system ...
    owner_id: Mapped[str | None] = mapped_column(String(100), index=True)
    non_negative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Balance(Base):
    """One row per account, updated in the same DB transaction as its postings: a PK read."""

    __tablename__ = "balances"
    __table_args__ = (CheckConstraint("NOT non_negative OR balance >= 0", name="non_negative"),)

    account_code: Mapped[str] = mapped_column(ForeignKey("accounts.code"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(10))
    balance: Mapped[int] = mapped_column(MinorUnits, default=0)
    non_negative: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerTransaction(Base):
    __tablename__ = "ledger_transactions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(String(500))
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSON)
    reverses_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_transactions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="nonzero"),
        Index("ix_postings_account_id", "account_code", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account_code: Mapped[str] = mapped_column(ForeignKey("accounts.code"))
    currency: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(MinorUnits)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
