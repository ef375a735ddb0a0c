"""Coupons, pure: a fixed amount or a percent off, for one invoice, N invoices or every invoice,
with a redemption limit and an expiry; applied to an account's charges or to one subscription's.

A coupon never takes an invoice below zero and never crosses currencies: a fixed coupon in USD does
nothing to an EUR invoice (it is refused when redeemed, and skipped if the account's currency later
changes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import InvalidAmount, InvalidState

COUPON_KINDS = ("percent", "fixed")
DURATIONS = ("once", "repeating", "forever")


@dataclass(frozen=True, slots=True)
class Coupon:
    code: str
    kind: str  # percent | fixed
    duration: str  # once | repeating | forever
    percent_off: Decimal | None = None
    amount_off: int | None = None  # minor units of `currency`
    currency: str | None = None
    duration_periods: int | None = None  # repeating: how many invoices
    max_redemptions: int | None = None
    redeem_by: datetime | None = None

    def __post_init__(self) -> None:
        if not self.code or len(self.code) > 40 or not self.code.replace("-", "").replace("_", "").isalnum():
            raise InvalidAmount("a coupon code is 1-40 letters, digits, - or _", param="code")
        if self.kind not in COUPON_KINDS:
            raise InvalidAmount(f"kind must be one of {COUPON_KINDS}", param="kind")
        if self.duration not in DURATIONS:
            raise InvalidAmount(f"duration must be one of {DURATIONS}", param="duration")
        if self.kind == "percent":
            p = self.percent_off
            if p is None or not p.is_finite() or not Decimal(0) < p <= 100 or self.amount_off is not None:
                raise InvalidAmount("a percent coupon takes percent_off in (0, 100]", param="percent_off")
        elif not self.amount_off or self.amount_off < 0 or not self.currency or self.percent_off is not None:
            raise InvalidAmount(
                "a fixed coupon takes a positive amount_off and a currency", param="amount_off"
            )
        if (self.duration == "repeating") != (self.duration_periods is not None):
            raise InvalidAmount(
                "duration_periods is for (and required by) repeating coupons", param="duration_periods"
            )
        if self.duration_periods is not None and not 1 <= self.duration_periods <= 120:
            raise InvalidAmount("duration_periods must be between 1 and 120", param="duration_periods")
        if self.max_redemptions is not None and self.max_redemptions < 1:
            raise InvalidAmount("max_redemptions must be at least 1", param="max_redemptions")

    def periods(self) -> int | None:
        """How many invoices a redemption discounts; None = every one."""
        return {"once": 1, "repeating": self.duration_periods, "forever": None}[self.duration]

    @property
    def label(self) -> str:
        off = f"{self.percent_off.normalize():f}% off" if self.percent_off is not None else "amount off"
        return f"Coupon {self.code} ({off})"


def check_redeemable(coupon: Coupon, *, at: datetime, times_redeemed: int, currency: str) -> None:
    if coupon.redeem_by is not None and at >= coupon.redeem_by:
        raise InvalidState(f"coupon {coupon.code} has expired", param="code", code="coupon_expired")
    if coupon.max_redemptions is not None and times_redeemed >= coupon.max_redemptions:
        raise InvalidState(f"coupon {coupon.code} is used up", param="code", code="coupon_exhausted")
    if coupon.kind == "fixed" and coupon.currency != currency:
        raise InvalidAmount(
            f"coupon {coupon.code} is in {coupon.currency}; the account is billed in {currency}",
            param="code",
            code="currency_mismatch",
        )


@dataclass(frozen=True, slots=True)
class Redemption:
    coupon: Coupon
    subscription_id: str | None  # None: the account's charges; else that subscription's
    periods_applied: int = 0

    def active(self) -> bool:
        limit = self.coupon.periods()
        return limit is None or self.periods_applied < limit


@dataclass(frozen=True, slots=True)
class CouponLine:
    code: str
    subscription_id: str | None
    description: str
    amount: int  # negative minor units


def coupon_lines(
    redemptions: Sequence[Redemption],
    *,
    account_base: int,
    subscription_base: dict[str, int],
    currency: str,
) -> list[CouponLine]:
    """The discount lines for one invoice. Coupons apply in order, each to what the ones before left
    of its base (the account's charges, or one subscription's), never below zero."""
    left_account = max(account_base, 0)
    left_sub = {k: max(v, 0) for k, v in subscription_base.items()}
    out: list[CouponLine] = []
    for r in redemptions:
        c = r.coupon
        if not r.active():
            continue
        if c.kind == "fixed" and c.currency != currency:
            continue
        base = (
            left_account
            if r.subscription_id is None
            else min(left_sub.get(r.subscription_id, 0), left_account)
        )
        if base <= 0:
            continue
        if c.kind == "percent":
            assert c.percent_off is not None
            off = int((Decimal(base) * c.percent_off / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        else:
            off = c.amount_off or 0
        off = min(off, base)
        if off <= 0:
            continue
        left_account -= off
        if r.subscription_id is not None:
            left_sub[r.subscription_id] -= off
        out.append(CouponLine(c.code, r.subscription_id, c.label, -off))
    return out
