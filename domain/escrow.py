"""The escrow state machine: states, legal moves, who may make them, and how money is split. Pure.

An escrow is a two-phase hold: the payer's money is held (funded), then posted to the payee
(released, possibly split by an arbiter: resolved) or voided back to the payer (refunded). The
workflow drives this machine; every request is checked here first, so an illegal move is refused
before any money moves.

Currency: an escrow has one currency. Credit-funded escrows are kept simple: they are denominated
in CREDIT (the default currency), the payer's credits move into `escrow:{contract}:CREDIT`, and a
release pays `earnings:{payee}:CREDIT`. Card/PayPal/crypto funding needs a fiat or coin currency
(the provider charges that currency); there is no conversion inside an escrow.

`partially_refunded` is not terminal: part of the hold went back to the payer and the rest is still
held, so the escrow goes on (deliver, sign, release, dispute, refund the rest). Whether the work was
delivered is kept beside the status (`delivered`), so a partial refund after delivery does not
forget it.

Scores and thresholds are integers in parts per million (0..1_000_000), so no float or Decimal
crosses the Temporal boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.errors import Forbidden, InvalidAmount, InvalidState
from domain.money import percent_of

PPM = 1_000_000


class Status(StrEnum):
    CREATED = "created"
    FUNDED = "funded"
    DELIVERED = "delivered"
    RELEASED = "released"
    DISPUTED = "disputed"
    RESOLVED = "resolved"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


TERMINAL = frozenset({Status.RELEASED, Status.RESOLVED, Status.REFUNDED, Status.CANCELLED, Status.EXPIRED})
# States in which money is held.
HOLDING = frozenset({Status.FUNDED, Status.DELIVERED, Status.PARTIALLY_REFUNDED, Status.DISPUTED})


class Move(StrEnum):
    FUND = "fund"
    CANCEL = "cancel"
    EXPIRE = "expire"  # funding deadline passed
    DELIVER = "deliver"
    SIGN = "sign"
    RELEASE = "release"  # by threshold score, M signatures or the review period ending
    DISPUTE = "dispute"
    RESOLVE = "resolve"  # an arbiter's split, or the default ruling when arbitration times out
    REFUND = "refund"  # by payee/admin, or the delivery deadline passing


class Role(StrEnum):
    """The caller's platform role (api.auth.Role values) plus the workflow itself."""

    USER = "user"
    AGENT = "agent"
    SERVICE = "service"
    ADMIN = "admin"
    SYSTEM = "system"  # timers and automatic release: only the workflow acts as SYSTEM


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: str  # a Role value

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_system(self) -> bool:
        return self.role == Role.SYSTEM


SYSTEM = Actor("system", Role.SYSTEM)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the rules need to know about one escrow."""

    status: Status
    payer_id: str
    payee_id: str
    signers: tuple[str, ...]
    held: int = 0
    delivered: bool = False


# Where each move may start. Refinements (delivered or not) are in `check`.
_FROM: dict[Move, frozenset[Status]] = {
    Move.FUND: frozenset({Status.CREATED}),
    Move.CANCEL: frozenset({Status.CREATED}),
    Move.EXPIRE: frozenset({Status.CREATED}),
    Move.DELIVER: frozenset({Status.FUNDED, Status.PARTIALLY_REFUNDED}),
    Move.SIGN: frozenset({Status.DELIVERED, Status.PARTIALLY_REFUNDED}),
    Move.RELEASE: frozenset({Status.DELIVERED, Status.PARTIALLY_REFUNDED}),
    Move.DISPUTE: frozenset({Status.FUNDED, Status.DELIVERED, Status.PARTIALLY_REFUNDED}),
    Move.RESOLVE: frozenset({Status.DISPUTED}),
    Move.REFUND: frozenset({Status.FUNDED, Status.DELIVERED, Status.PARTIALLY_REFUNDED, Status.DISPUTED}),
}


def may(move: Move, snap: Snapshot, actor: Actor) -> bool:
    """Whether this actor is one who may make this move at all (ignoring the state)."""
    if actor.is_system:
        return move in (Move.EXPIRE, Move.RELEASE, Move.RESOLVE, Move.REFUND)
    if move == Move.FUND:
        return actor.id == snap.payer_id
    if move == Move.CANCEL:
        return actor.id == snap.payer_id or actor.is_admin
    if move == Move.DELIVER:
        return actor.id == snap.payee_id or actor.role in (Role.SERVICE, Role.ADMIN)
    if move == Move.SIGN:
        return actor.id in snap.signers
    if move == Move.DISPUTE:
        return actor.id in (snap.payer_id, snap.payee_id)
    if move == Move.RESOLVE:
        return actor.is_admin
    if move == Move.REFUND:
        return actor.id == snap.payee_id or actor.is_admin
    return False  # EXPIRE, RELEASE: the workflow's alone


def can_see(snap: Snapshot, actor: Actor) -> bool:
    return (
        actor.role in (Role.ADMIN, Role.SERVICE, Role.SYSTEM)
        or actor.id in (snap.payer_id, snap.payee_id)
        or actor.id in snap.signers
    )


def check(move: Move, snap: Snapshot, actor: Actor) -> None:
    """Refuse an illegal move: Forbidden (403) for the wrong actor, InvalidState (409) otherwise."""
    if not may(move, snap, actor):
        raise Forbidden(f"{actor.id} may not {move.value} this escrow", code="escrow_forbidden")
    allowed = _FROM[move]
    if snap.status not in allowed:
        raise InvalidState(
            f"cannot {move.value} an escrow that is {snap.status.value}", code=_state_code(move, snap.status)
        )
    if move == Move.DELIVER and snap.delivered:
        raise InvalidState("the work was already delivered", code="already_delivered")
    if move in (Move.SIGN, Move.RELEASE) and not snap.delivered:
        raise InvalidState(f"cannot {move.value} before delivery", code="not_delivered")


def _state_code(move: Move, status: Status) -> str:
    if status in TERMINAL:
        return f"escrow_{status.value}"
    if (
        move in (Move.DELIVER, Move.SIGN, Move.RELEASE, Move.DISPUTE, Move.REFUND)
        and status == Status.CREATED
    ):
        return "not_funded"
    if move == Move.RESOLVE:
        return "not_disputed"
    return "invalid_state"


def next_status(move: Move, snap: Snapshot, *, amount: int = 0) -> Status:
    """The status after a legal move (`amount`: what a refund returns)."""
    if move == Move.FUND:
        return Status.FUNDED
    if move == Move.CANCEL:
        return Status.CANCELLED
    if move == Move.EXPIRE:
        return Status.EXPIRED
    if move == Move.DELIVER:
        return Status.DELIVERED if snap.status == Status.FUNDED else snap.status
    if move == Move.SIGN:
        return snap.status
    if move == Move.RELEASE:
        return Status.RELEASED
    if move == Move.DISPUTE:
        return Status.DISPUTED
    if move == Move.RESOLVE:
        return Status.RESOLVED
    # REFUND: all that is held → refunded; part of it → partially_refunded (a dispute stays open).
    if amount >= snap.held:
        return Status.REFUNDED
    return Status.DISPUTED if snap.status == Status.DISPUTED else Status.PARTIALLY_REFUNDED


def refund_amount(snap: Snapshot, requested: int | None) -> int:
    """What a refund returns: all that is held by default; never more than is held."""
    if snap.held <= 0:
        raise InvalidState("nothing is held", code="nothing_held")
    if requested is None:
        return snap.held
    if requested <= 0:
        raise InvalidAmount("a refund must be greater than zero", param="amount")
    if requested > snap.held:
        raise InvalidAmount(
            f"cannot refund {requested}: only {snap.held} is held", param="amount", code="refund_exceeds_held"
        )
    return requested


# ---- thresholds and signatures ---------------------------------------------------------------


def auto_releases(score_ppm: int, threshold_ppm: int) -> bool:
    """A validator's score at or above the threshold releases at once."""
    return score_ppm >= threshold_ppm


def enough_signatures(signed: int, required: int) -> bool:
    return signed >= required


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
    """Default signers = [payer], M = 1; refuses M outside 1..len(signers) and the payee signing alone."""
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
    if set(chosen) == {payee_id}:
        raise InvalidAmount("the payee cannot be the only signer", param="signers", code="invalid_signers")
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
