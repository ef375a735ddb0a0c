"""Escrow terms and money, pure: scores in parts per million, the signer list, and how held money is
split between payee, platform fee and payer. The state machine is in domain/escrow.py.

Scores and thresholds are integers in parts per million (0..1_000_000), so no float or Decimal
crosses the Temporal boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain.errors import InvalidAmount, InvalidState
from domain.money import percent_of

PPM = 1_000_000


def to_ppm(raw: object, *, param: str) -> int:
    """A score or threshold in 0..1 (string or Decimal, at most 6 decimals) → parts per million."""
    if isinstance(raw, bool) or raw is None:
        raise InvalidAmount(f"{param} must be a number between 0 and 1", param=param)
    try:
        value = Decimal(str(raw)) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        raise InvalidAmount(f"{param} must be a number between 0 and 1", param=param) from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise InvalidAmount(f"{param} must be between 0 and 1", param=param)
    scaled = value * PPM
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{param} has more than 6 decimal places", param=param)
    return int(scaled)


def from_ppm(ppm: int) -> str:
    return str((Decimal(ppm) / PPM).normalize()) if ppm else "0"


def validate_signers(
    payer_id: str, payee_id: str, signers: list[str] | None, required: int | None
) -> tuple[tuple[str, ...], int]:
    """Default signers = [payer], M = 1; refuses M outside 1..len(signers) and the payee as a signer."""
    chosen = tuple(dict.fromkeys(signers)) if signers else (payer_id,)
    if any(not s for s in chosen):
        raise InvalidAmount("signers must be principal ids", param="signers", code="invalid_signers")
    m = 1 if required is None else required
    if not 1 <= m <= len(chosen):
        raise InvalidAmount(
            f"required_signatures must be between 1 and {len(chosen)}",
            param="required_signatures",
            code="invalid_required_signatures",
        )
    if payer_id == payee_id:
        raise InvalidAmount("payer and payee must differ", param="payee_id", code="payee_is_payer")
    if payee_id in chosen:  # its signature would count towards releasing the money to itself
        raise InvalidAmount("the payee cannot be a signer", param="signers", code="invalid_signers")
    return chosen, m


# ---- money splits -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Split:
    """Where the held money goes: payee (net of fee) + fee + payer == the amount split."""

    payee_net: int
    fee: int
    payer_refund: int

    @property
    def total(self) -> int:
        return self.payee_net + self.fee + self.payer_refund


def check_fee_percent(fee_percent: Decimal) -> Decimal:
    if not fee_percent.is_finite() or not Decimal(0) <= fee_percent <= Decimal(100):
        raise InvalidAmount("fee_percent must be between 0 and 100", param="fee_percent")
    return fee_percent


def fee_on(amount: int, fee_percent: Decimal, currency: str) -> int:
    """The platform fee on `amount` paid to the payee: rounded once, never more than the amount."""
    check_fee_percent(fee_percent)
    return min(amount, max(0, percent_of(amount, fee_percent, currency)))


def release_split(held: int, fee_percent: Decimal, currency: str) -> Split:
    fee = fee_on(held, fee_percent, currency)
    return Split(payee_net=held - fee, fee=fee, payer_refund=0)


def resolution_split(held: int, payee_amount: int, fee_percent: Decimal, currency: str) -> Split:
    """An arbiter's ruling: `payee_amount` (gross) to the payee minus the fee on it; the rest back."""
    if payee_amount < 0:
        raise InvalidAmount("payee_amount must not be negative", param="payee_amount")
    if payee_amount > held:
        raise InvalidAmount(
            f"payee_amount {payee_amount} exceeds the {held} held",
            param="payee_amount",
            code="resolution_exceeds_held",
        )
    fee = fee_on(payee_amount, fee_percent, currency)
    return Split(payee_net=payee_amount - fee, fee=fee, payer_refund=held - payee_amount)


def default_ruling_split(ruling: str, held: int, fee_percent: Decimal, currency: str) -> Split:
    """No ruling within the arbitration window: refund the payer, or release to the payee."""
    if ruling == "release_payee":
        return resolution_split(held, held, fee_percent, currency)
    if ruling == "refund_payer":
        return resolution_split(held, 0, fee_percent, currency)
    raise ValueError(f"unknown default ruling {ruling!r}")


def refund_amount_of(held: int, requested: int | None) -> int:
    """What a refund returns: all that is held by default; never more than is held."""
    if held <= 0:
        raise InvalidState("nothing is held", code="nothing_held")
    if requested is None:
        return held
    if requested <= 0:
        raise InvalidAmount("a refund must be greater than zero", param="amount")
    if requested > held:
        raise InvalidAmount(
            f"cannot refund {requested}: only {held} is held", param="amount", code="refund_exceeds_held"
        )
    return requested
