"""Coupons: created by admins, redeemed for an account (or one of its subscriptions) by the account
or an admin, applied to period-end invoices (and shown in the preview) as negative lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.coupons import Coupon as CouponRow
from db.repositories import billing as repo
from db.repositories import coupons as crepo
from domain.coupons import Coupon, Redemption, check_redeemable
from domain.errors import Conflict, InvalidState, NotFound
from services.ids import new_id


def coupon_of(r: CouponRow) -> Coupon:
    return Coupon(
        r.code,
        r.kind,
        r.duration,
        None if r.percent_off is None else Decimal(r.percent_off),
        r.amount_off,
        r.currency,
        r.duration_periods,
        r.max_redemptions,
        r.redeem_by,
    )


async def create_coupon(session: AsyncSession, coupon: Coupon) -> Coupon:
    created = await crepo.insert_coupon(
        session,
        {
            "code": coupon.code,
            "kind": coupon.kind,
            "percent_off": coupon.percent_off,
            "amount_off": coupon.amount_off,
            "currency": coupon.currency,
            "duration": coupon.duration,
            "duration_periods": coupon.duration_periods,
            "max_redemptions": coupon.max_redemptions,
            "times_redeemed": 0,
            "redeem_by": coupon.redeem_by,
            "created_at": utcnow(),
        },
    )
    if not created:
        raise Conflict(f"coupon {coupon.code} already exists", param="code", code="coupon_exists")
    return coupon


async def redeem_coupon(
    session: AsyncSession, *, account_id: str, code: str, subscription_id: str | None, at: datetime
) -> Redemption:
    """Redeem once per account (or per subscription). Refused: unknown code (404), someone else's
    subscription (404), expired or used up (409), a fixed coupon in another currency (422)."""
    row = await crepo.get_coupon(session, code)
    if row is None:
        raise NotFound(f"coupon {code} not found", param="code")
    coupon = coupon_of(row)
    if subscription_id:
        sub = await repo.get_subscription(session, subscription_id)
        if sub is None or sub.account_id != account_id:
            raise NotFound(f"subscription {subscription_id} not found", param="subscription_id")
    await repo.ensure_accounts(session, [account_id])
    acct = await repo.get_account(session, account_id)
    assert acct is not None
    check_redeemable(coupon, at=at, times_redeemed=row.times_redeemed, currency=acct.currency)
    inserted = await crepo.insert_redemption(
        session,
        {
            "id": new_id("red"),
            "coupon_code": code,
            "account_id": account_id,
            "subscription_id": subscription_id or "",
            "periods_applied": 0,
            "redeemed_at": at,
        },
    )
    if not inserted:
        raise InvalidState(f"coupon {code} is already redeemed here", param="code", code="coupon_redeemed")
    if not await crepo.take_redemption(session, code, at):  # lost the race for the last one
        raise InvalidState(f"coupon {code} is used up", param="code", code="coupon_exhausted")
    return Redemption(coupon, subscription_id or None)


async def active_redemptions(
    session: AsyncSession, account_ids: list[str]
) -> dict[str, list[tuple[str, Redemption]]]:
    """{account_id: [(redemption id, redemption)]} still discounting invoices, in redemption order."""
    out: dict[str, list[tuple[str, Redemption]]] = {}
    for r, c in await crepo.redemptions_of(session, account_ids):
        red = Redemption(coupon_of(c), r.subscription_id or None, r.periods_applied)
        if red.active():
            out.setdefault(r.account_id, []).append((r.id, red))
    return out
