"""Spending mandates, pure: a user's standing permission for one agent to charge their credits.

A mandate names the user, the agent, a currency, caps per charge, per UTC day and per UTC calendar
month, an optional contract scope and an optional expiry; it can be revoked at once. A charge under a
mandate is allowed only by that agent, on that user's wallet, in that currency, within every cap.
Refunds do not give the allowance back: the caps bound what the agent may *take*, gross.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import Conflict, InvalidAmount

CURRENCIES = ("CREDIT",)  # what a mandate can charge today: credits deducts


@dataclass(frozen=True, slots=True)
class Mandate:
    id: str
    user_id: str
    agent_id: str
    currency: str
    max_per_charge: int
    max_per_day: int
    max_per_month: int
    contract_id: str | None
    expires_at: datetime | None
    revoked_at: datetime | None


def validate_caps(max_per_charge: int, max_per_day: int, max_per_month: int) -> None:
    for name, value in (
        ("max_per_charge", max_per_charge),
        ("max_per_day", max_per_day),
        ("max_per_month", max_per_month),
    ):
        if value <= 0:
            raise InvalidAmount(f"{name} must be greater than zero", param=name)
    if max_per_charge > max_per_day:
        raise InvalidAmount("max_per_charge cannot exceed max_per_day", param="max_per_charge")
    if max_per_day > max_per_month:
        raise InvalidAmount("max_per_day cannot exceed max_per_month", param="max_per_day")


def day_period(at: datetime) -> str:
    """The usage bucket of the UTC day of `at` (an aware datetime)."""
    return f"D{at.date().isoformat()}"


def month_period(at: datetime) -> str:
    return f"M{at.year:04d}-{at.month:02d}"


def status(m: Mandate, now: datetime) -> str:
    if m.revoked_at is not None:
        return "revoked"
    if m.expires_at is not None and m.expires_at <= now:
        return "expired"
    return "active"


def check_charge(m: Mandate, *, amount: int, currency: str, contract_id: str | None, now: datetime) -> None:
    """Everything about one charge that does not depend on what was already spent."""
    state = status(m, now)
    if state == "revoked":
        raise Conflict("the mandate has been revoked", code="mandate_revoked", param="mandate_id")
    if state == "expired":
        raise Conflict("the mandate has expired", code="mandate_expired", param="mandate_id")
    if currency != m.currency:
        raise Conflict(
            f"the mandate is for {m.currency}, not {currency}",
            code="mandate_currency_mismatch",
            param="currency",
        )
    if m.contract_id is not None and contract_id != m.contract_id:
        raise Conflict(
            "the mandate only covers charges for its contract",
            code="mandate_scope_mismatch",
            param="contract_id",
        )
    if amount > m.max_per_charge:
        raise Conflict(
            "the charge exceeds the mandate's cap per charge", code="mandate_cap_exceeded", param="amount"
        )


def cap_exceeded(period: str) -> Conflict:
    which = "daily" if period.startswith("D") else "monthly"
    return Conflict(
        f"the charge exceeds the mandate's {which} cap", code="mandate_cap_exceeded", param="amount"
    )
