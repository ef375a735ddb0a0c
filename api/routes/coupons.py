"""Coupons: admins create them; an account (or an admin for it) redeems one, for the whole account
or one of its subscriptions. They show on invoices and in the upcoming-invoice preview as lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictInt

from api.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from api.exact_json import ExactJSONRoute
from api.schemas.common import ERROR_RESPONSES, AmountIn, DateTimeIn, StrictModel
from db.base import utcnow
from domain.charges import plain
from domain.coupons import Coupon
from domain.errors import InvalidAmount, NotFound
from domain.money import check_currency, format_amount, parse_amount
from services import billing_coupons as coupons

router = APIRouter(tags=["billing"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


class CouponIn(StrictModel):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    kind: str = Field(..., pattern="^(percent|fixed)$")
    percent_off: AmountIn | None = None
    amount_off: AmountIn | None = None
    currency: str | None = Field(None, max_length=10)
    duration: str = Field(..., pattern="^(once|repeating|forever)$")
    duration_periods: StrictInt | None = Field(None, ge=1, le=120)
    max_redemptions: StrictInt | None = Field(None, ge=1)
    redeem_by: DateTimeIn | None = None


class CouponOut(BaseModel):
    code: str
    kind: str
    percent_off: str | None
    amount_off: str | None
    currency: str | None
    duration: str
    duration_periods: int | None
    max_redemptions: int | None
    redeem_by: datetime | None

    @classmethod
    def of(cls, c: Coupon) -> CouponOut:
        return cls(
            code=c.code,
            kind=c.kind,
            percent_off=None if c.percent_off is None else plain(c.percent_off),
            amount_off=None
            if c.amount_off is None or not c.currency
            else format_amount(c.amount_off, c.currency),
            currency=c.currency,
            duration=c.duration,
            duration_periods=c.duration_periods,
            max_redemptions=c.max_redemptions,
            redeem_by=c.redeem_by,
        )


class RedeemIn(StrictModel):
    code: str = Field(..., min_length=1, max_length=40)
    subscription_id: str | None = Field(None, max_length=40)


class RedemptionOut(BaseModel):
    account_id: str
    subscription_id: str | None
    coupon: CouponOut


@router.post("/billing/coupons", status_code=201, response_model=CouponOut)
async def create_coupon(body: CouponIn, session: SessionDep, _: AdminPrincipal) -> CouponOut:
    currency = check_currency(body.currency) if body.currency is not None else None
    percent = None
    if body.percent_off is not None:
        try:
            percent = Decimal(str(body.percent_off).strip())
        except ArithmeticError:
            raise InvalidAmount("percent_off must be a number", param="percent_off") from None
    amount = None
    if body.amount_off is not None:
        if currency is None:
            raise InvalidAmount("a fixed coupon needs its currency", param="currency")
        amount = parse_amount(body.amount_off, currency, param="amount_off")
    coupon = Coupon(
        body.code,
        body.kind,
        body.duration,
        percent,
        amount,
        currency,
        body.duration_periods,
        body.max_redemptions,
        body.redeem_by,
    )
    return CouponOut.of(await coupons.create_coupon(session, coupon))


@router.post("/billing/accounts/{account_id}/coupons", status_code=201, response_model=RedemptionOut)
async def redeem_coupon(
    account_id: str, body: RedeemIn, session: SessionDep, principal: CurrentPrincipal
) -> RedemptionOut:
    """Redeem a coupon for your own account (admins: for any account)."""
    if not principal.is_admin and principal.id != account_id:
        raise NotFound(f"billing account {account_id} not found", param="account_id")
    r = await coupons.redeem_coupon(
        session, account_id=account_id, code=body.code, subscription_id=body.subscription_id, at=utcnow()
    )
    return RedemptionOut(
        account_id=account_id, subscription_id=r.subscription_id, coupon=CouponOut.of(r.coupon)
    )
