"""Credits tables: per-user wallet summary, lots, history entries (running balance), lot draws and
low-balance events. The ledger (accounts/balances/postings) stays the source of truth for money;
these tables say which lot the credits belong to and what the user sees.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow

BigId = BigInteger()


class CreditWallet(Base):
    """One row per user, changed in the same transaction as every credits movement.

    Its row lock serialises all credits operations of one user. `balance` mirrors the ledger balance
    of wallet:{user}:CREDIT (expired-but-unswept lots included); `next_expiry` is the earliest
    expiry among lots still holding credits, so the balance read knows without a scan whether
    anything must be subtracted.
    """

    __tablename__ = "credit_wallets"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_non_negative"),)

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    balance: Mapped[int] = mapped_column(MinorUnits, default=0)
    next_expiry: Mapped[datetime | None] = mapped_column(UTCDateTime)
    low_balance_threshold: Mapped[int | None] = mapped_column(MinorUnits)  # None: the settings default
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditLot(Base):
    __tablename__ = "credit_lots"
    __table_args__ = (
        CheckConstraint("remaining >= 0 AND expired >= 0 AND remaining + expired <= amount", name="amounts"),
        CheckConstraint("amount > 0", name="amount_positive"),
        # Live lots of a user in consumption order (the draw and the `expiring` list).
        Index(
            "ix_credit_lots_live",
            "user_id",
            "expires_at",
            "id",
            postgresql_where=text("remaining > 0"),
        ),
        # The expiry sweep: lots holding credits that expire.
        Index(
            "ix_credit_lots_expiring",
            "expires_at",
            postgresql_where=text("remaining > 0 AND expires_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))  # purchase | reward | refund | adjustment
    amount: Mapped[int] = mapped_column(MinorUnits)
    remaining: Mapped[int] = mapped_column(MinorUnits)
    expired: Mapped[int] = mapped_column(MinorUnits, default=0)  # moved out by the expiry sweep so far
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("ledger_transactions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditEntry(Base):
    """The user's history: one row per movement, with the running wallet balance after it.

    `key` is the business idempotency key within the user (`debit:{reference}`,
    `credit:{reference}`, `refund:{refund_reference}`, `expire:{lot_id}:{n}`).
    """

    __tablename__ = "credit_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        CheckConstraint("amount <> 0", name="nonzero"),
        # Never more refunded than was deducted, enforced by the database.
        CheckConstraint("refunded >= 0 AND refunded <= abs(amount)", name="refund_bounded"),
        Index("ix_credit_entries_user_id_id", "user_id", "id"),
        Index("ix_credit_entries_user_id_created_at", "user_id", "created_at"),
        # A run's cost, paged by entry id (only deducts made for an orchestration run carry one).
        Index(
            "ix_credit_entries_run_id_id",
            "run_id",
            "id",
            postgresql_where=text("run_id IS NOT NULL"),
            sqlite_where=text("run_id IS NOT NULL"),
        ),
        # The invariant checker and GET /mandates/{id}: what each mandate moved.
        Index(
            "ix_credit_entries_mandate_id",
            "mandate_id",
            "created_at",
            postgresql_where=text("mandate_id IS NOT NULL"),
            sqlite_where=text("mandate_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(220))
    type: Mapped[str] = mapped_column(String(20))  # purchase|reward|refund|adjustment|deduct|expire
    amount: Mapped[int] = mapped_column(MinorUnits)  # signed: + into the wallet, - out of it
    balance_after: Mapped[int] = mapped_column(MinorUnits)  # running ledger balance of the wallet
    available_after: Mapped[int] = mapped_column(MinorUnits)  # what the user could spend right after
    reference: Mapped[str | None] = mapped_column(String(200))
    transaction_id: Mapped[str] = mapped_column(ForeignKey("ledger_transactions.id"))
    counterparty: Mapped[str] = mapped_column(String(200))  # the other ledger account
    refunded: Mapped[int] = mapped_column(MinorUnits, default=0)  # deducts: given back so far
    parent_id: Mapped[int | None] = mapped_column(BigId)  # refunds: the deduct entry
    lot_id: Mapped[int | None] = mapped_column(BigId)  # credits: the lot created; expiries: the lot
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deducts: the agent the charge pays for (from the principal or its mandate), the mandate that
    # allowed it, and the orchestration run it belongs to (GET /credits/runs/{run_id}).
    agent_id: Mapped[str | None] = mapped_column(String(100))
    mandate_id: Mapped[str | None] = mapped_column(String(40))
    run_id: Mapped[str | None] = mapped_column(String(120))


class CreditLotDraw(Base):
    """Which lots a deduction drew from, and how much of each has been refunded since."""

    __tablename__ = "credit_lot_draws"
    __table_args__ = (CheckConstraint("amount > 0 AND refunded >= 0 AND refunded <= amount", name="amounts"),)

    entry_id: Mapped[int] = mapped_column(ForeignKey("credit_entries.id"), primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("credit_lots.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)  # draw order within the deduction
    amount: Mapped[int] = mapped_column(MinorUnits)
    refunded: Mapped[int] = mapped_column(MinorUnits, default=0)


class CreditLowBalanceEvent(Base):
    """Recorded once per downward crossing of the user's low-balance threshold."""

    __tablename__ = "credit_low_balance_events"
    __table_args__ = (UniqueConstraint("entry_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(100), index=True)
    threshold: Mapped[int] = mapped_column(MinorUnits)
    balance: Mapped[int] = mapped_column(MinorUnits)  # available balance after the crossing
    entry_id: Mapped[int] = mapped_column(ForeignKey("credit_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
