"""SQL of coupons and redemptions. The redemption limit is a conditional UPDATE (and a CHECK), so
concurrent redemptions of the last one cannot both succeed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.coupons import Coupon, CouponRedemption
from db.sql import insert_for


async def insert_coupon(session: AsyncSession, row: dict[str, Any]) -> bool:
    stmt = insert_for(session, Coupon).values(row).on_conflict_do_nothing().returning(Coupon.code)
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def get_coupon(session: AsyncSession, code: str) -> Coupon | None:
    return await session.get(Coupon, code)


async def take_redemption(session: AsyncSession, code: str, at: datetime) -> bool:
    """Count one redemption if the coupon is within its limit and not expired."""
    stmt = (
        update(Coupon)
        .where(
            Coupon.code == code,
            or_(Coupon.max_redemptions.is_(None), Coupon.times_redeemed < Coupon.max_redemptions),
            or_(Coupon.redeem_by.is_(None), Coupon.redeem_by > at),
        )
        .values(times_redeemed=Coupon.times_redeemed + 1)
        .returning(Coupon.code)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def insert_redemption(session: AsyncSession, row: dict[str, Any]) -> bool:
    stmt = (
        insert_for(session, CouponRedemption)
        .values(row)
        .on_conflict_do_nothing(index_elements=["coupon_code", "account_id", "subscription_id"])
        .returning(CouponRedemption.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def redemptions_of(
    session: AsyncSession, account_ids: Sequence[str]
) -> list[tuple[CouponRedemption, Coupon]]:
    stmt = (
        select(CouponRedemption, Coupon)
        .join(Coupon, Coupon.code == CouponRedemption.coupon_code)
        .where(CouponRedemption.account_id.in_(sorted(set(account_ids))))
        .order_by(CouponRedemption.account_id, CouponRedemption.redeemed_at, CouponRedemption.id)
    )
    return [(r, c) for r, c in (await session.execute(stmt)).all()]


async def mark_applied(session: AsyncSession, redemption_ids: Sequence[str]) -> None:
    if redemption_ids:
        await session.execute(
            update(CouponRedemption)
            .where(CouponRedemption.id.in_(sorted(set(redemption_ids))))
            .values(periods_applied=CouponRedemption.periods_applied + 1)
        )
