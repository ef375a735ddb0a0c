"""Coupons and their redemptions by accounts (or one subscription of an account)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, MinorUnits, UTCDateTime, utcnow


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("kind IN ('percent','fixed')", name="kind"),
        CheckConstraint("duration IN ('once','repeating','forever')", name="duration"),
        # the redemption limit holds under concurrency: the counter is raised by a conditional UPDATE
        CheckConstraint("max_redemptions IS NULL OR times_redeemed <= max_redemptions", name="within_limit"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    percent_off: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    amount_off: Mapped[int | None] = mapped_column(MinorUnits)
    currency: Mapped[str | None] = mapped_column(String(10))
    duration: Mapped[str] = mapped_column(String(10))
    duration_periods: Mapped[int | None] = mapped_column(Integer)
    max_redemptions: Mapped[int | None] = mapped_column(Integer)
    times_redeemed: Mapped[int] = mapped_column(Integer, default=0)
    redeem_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CouponRedemption(Base):
    """An account's redemption (subscription_id '' = the whole account); `periods_applied` counts the
    period-end invoices it has discounted."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (UniqueConstraint("coupon_code", "account_id", "subscription_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    coupon_code: Mapped[str] = mapped_column(ForeignKey("coupons.code"))
    account_id: Mapped[str] = mapped_column(String(100), index=True)
    subscription_id: Mapped[str] = mapped_column(String(40), default="")
    periods_applied: Mapped[int] = mapped_column(Integer, default=0)
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
