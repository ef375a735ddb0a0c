"""The escrow state machine: states, legal moves, who may make them. Pure. "Who may move escrow money"
is this file: every status change goes through `apply(snapshot, Event)`, which checks the actor and
the state first (`check`), so an illegal move is refused before any money moves.

An escrow is a two-phase hold: the payer's money is held (funded), then posted to the payee
(released, possibly split by an arbiter: resolved) or voided back to the payer (refunded). The
workflow drives this machine. Splits, scores and signer lists are in domain/escrow_terms.py.

Currency: an escrow has one currency. Credit-funded escrows are denominated in CREDIT (the default
currency), the payer's credits move into `escrow:{contract}:CREDIT`, and a release pays
`earnings:{payee}:CREDIT`. Card/PayPal/crypto funding needs a fiat or coin currency (the provider
charges that currency); there is no conversion inside an escrow.

`partially_refunded` is not terminal: part of the hold went back to the payer and the rest is still
held, so the escrow goes on. Whether the work was delivered is kept beside the status (`delivered`).

Release policy (stated at create, `Policy`): the payee delivers evidence but never releases to
itself. A score is a claim only a validator may make (role service, or an id configured as a
validator: the API decides and sets `Actor.validator`). `score_or_signatures` (the default, the
seed's "auto-release OR manual signatures"): a validator's score at/above the threshold, M
signatures, or the review period ending with no dispute releases. `signatures_only`: only M
signatures release (a score is recorded, never releases; no review-period release — a stuck escrow
goes to dispute). `score_only`: only a validator's score releases (signing is refused).

Chargebacks: a provider dispute opened on the payment that funded the escrow freezes it: nothing
leaves the hold (release, resolve, refund) until the chargeback closes. A lost chargeback takes what
it covered out of the hold (`CHARGEBACK`, by the system), like a refund that went to the payer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from domain.errors import Conflict, Forbidden, InvalidState

# The terms live in their own module; re-exported so `domain.escrow` stays the one import.
from domain.escrow_terms import (
    PPM,
    Split,
    check_fee_percent,
    default_ruling_split,
    fee_on,
    from_ppm,
    refund_amount_of,
    release_split,
    resolution_split,
    to_ppm,
    validate_signers,
)

__all__ = [
    "PPM",
    "Split",
    "check_fee_percent",
    "default_ruling_split",
    "fee_on",
    "from_ppm",
    "refund_amount_of",
    "release_split",
    "resolution_split",
    "to_ppm",
    "validate_signers",
]


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


class Policy(StrEnum):
    SCORE_OR_SIGNATURES = "score_or_signatures"
    SIGNATURES_ONLY = "signatures_only"
    SCORE_ONLY = "score_only"


class Move(StrEnum):
    FUND = "fund"
    CANCEL = "cancel"
    EXPIRE = "expire"  # funding deadline passed
    DELIVER = "deliver"
    SCORE = "score"  # a validator's score of the delivered work
    SIGN = "sign"
    RELEASE = "release"  # by threshold score, M signatures or the review period ending
    DISPUTE = "dispute"
    RESOLVE = "resolve"  # an arbiter's split, or the default ruling when arbitration times out
    REFUND = "refund"  # by payee/admin, or the delivery deadline passing
    FREEZE = "freeze"  # a chargeback opened on the funding payment
    UNFREEZE = "unfreeze"  # the last open chargeback closed
    CHARGEBACK = "chargeback"  # a lost chargeback took (part of) the hold back to the payer


class Role(StrEnum):
    """The caller's platform role (api.auth.Role values) plus the workflow itself."""

    USER = "user"
    AGENT = "agent"
    SERVICE = "service"
    ADMIN = "admin"
    SYSTEM = "system"  # timers, automatic release, provider events: only the workflow acts as SYSTEM


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: str  # a Role value
    validator: bool = False  # may score deliveries (role service or a configured validator id)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_system(self) -> bool:
        return self.role == Role.SYSTEM


SYSTEM = Actor("system", Role.SYSTEM)


def is_validator(principal_id: str, role: str, validator_ids: frozenset[str] | set[str]) -> bool:
    """Validators: the service role (the orchestrator) and the ids configured as validators."""
    return role == Role.SERVICE or principal_id in validator_ids


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the rules need to know about one escrow."""

    status: Status
    payer_id: str
    payee_id: str
    signers: tuple[str, ...]
    held: int = 0
    delivered: bool = False
    policy: Policy = Policy.SCORE_OR_SIGNATURES
    signed: tuple[str, ...] = ()
    frozen: bool = False
    score_ppm: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One request to move the machine. `amount`: FUND what is held; REFUND / CHARGEBACK what goes
    back to the payer; RESOLVE what left the hold (payee + fee + payer's part). `score_ppm`: SCORE."""

    move: Move
    actor: Actor
    amount: int = 0
    score_ppm: int | None = None


# Where each move may start. Refinements (delivered or not, frozen) are in `check`.
_FROM: dict[Move, frozenset[Status]] = {
    Move.FUND: frozenset({Status.CREATED}),
    Move.CANCEL: frozenset({Status.CREATED}),
    Move.EXPIRE: frozenset({Status.CREATED}),
    Move.DELIVER: frozenset({Status.FUNDED, Status.PARTIALLY_REFUNDED}),
    Move.SCORE: frozenset({Status.DELIVERED, Status.PARTIALLY_REFUNDED}),
    Move.SIGN: frozenset({Status.DELIVERED, Status.PARTIALLY_REFUNDED}),
    Move.RELEASE: frozenset({Status.DELIVERED, Status.PARTIALLY_REFUNDED}),
    Move.DISPUTE: frozenset({Status.FUNDED, Status.DELIVERED, Status.PARTIALLY_REFUNDED}),
    Move.RESOLVE: frozenset({Status.DISPUTED}),
    Move.REFUND: HOLDING,
    Move.FREEZE: frozenset(Status) - TERMINAL,
    Move.UNFREEZE: frozenset(Status),
    Move.CHARGEBACK: HOLDING,
}
# Moves that take money out of the hold: refused while a chargeback is open.
_MOVES_MONEY = frozenset({Move.RELEASE, Move.RESOLVE, Move.REFUND})
_SYSTEM_MOVES = frozenset(
    {
        Move.FUND,  # a provider payment completed (its completion claimed the funding for the payer)
        Move.EXPIRE,
        Move.RELEASE,
        Move.RESOLVE,
        Move.REFUND,
        Move.FREEZE,
        Move.UNFREEZE,
        Move.CHARGEBACK,
    }
)


def may(move: Move, snap: Snapshot, actor: Actor) -> bool:
    """Whether this actor is one who may make this move at all (ignoring the state)."""
    if actor.is_system:
        return move in _SYSTEM_MOVES
    if move == Move.FUND:
        return actor.id == snap.payer_id
    if move == Move.CANCEL:
        return actor.id == snap.payer_id or actor.is_admin
    if move == Move.DELIVER:
        return actor.id == snap.payee_id or actor.role in (Role.SERVICE, Role.ADMIN)
    if move == Move.SCORE:
        return actor.validator and actor.id != snap.payee_id
    if move == Move.SIGN:
        return actor.id in snap.signers
    if move == Move.DISPUTE:
        return actor.id in (snap.payer_id, snap.payee_id)
    if move == Move.RESOLVE:
        return actor.is_admin
    if move == Move.REFUND:
        return actor.id == snap.payee_id or actor.is_admin
    return False  # EXPIRE, RELEASE, FREEZE, UNFREEZE, CHARGEBACK: the workflow's alone


def check_create(actor: Actor, *, payer_id: str | None, sets_fee: bool) -> str:
    """Who may open an escrow: anyone as its payer; only a service/admin for another payer or with
    a fee of its choosing. Returns the payer."""
    privileged = actor.role in (Role.SERVICE, Role.ADMIN)
    if payer_id is not None and payer_id != actor.id and not privileged:
        raise Forbidden("only a service may create an escrow for another payer", param="payer_id")
    if sets_fee and not privileged:
        raise Forbidden("only a service may set the fee", param="fee_percent")
    return payer_id or actor.id


def can_see(snap: Snapshot, actor: Actor) -> bool:
    return (
        actor.role in (Role.ADMIN, Role.SERVICE, Role.SYSTEM)
        or actor.validator
        or actor.id in (snap.payer_id, snap.payee_id)
        or actor.id in snap.signers
    )


def check(move: Move, snap: Snapshot, actor: Actor) -> None:
    """Refuse an illegal move: Forbidden (403) for the wrong actor, InvalidState (409) otherwise."""
    if not may(move, snap, actor):
        if move == Move.SCORE:
            raise Forbidden(
                "only a validator may score a delivery; the payee delivers evidence",
                param="validation_score",
                code="validator_required",
            )
        raise Forbidden(f"{actor.id} may not {move.value} this escrow", code="escrow_forbidden")
    if snap.status not in _FROM[move]:
        raise InvalidState(
            f"cannot {move.value} an escrow that is {snap.status.value}", code=_state_code(move, snap.status)
        )
    if move == Move.DELIVER and snap.delivered:
        raise InvalidState("the work was already delivered", code="already_delivered")
    if move in (Move.SIGN, Move.SCORE, Move.RELEASE) and not snap.delivered:
        raise InvalidState(f"cannot {move.value} before delivery", code="not_delivered")
    if move == Move.SIGN and snap.policy == Policy.SCORE_ONLY:
        raise InvalidState("this escrow releases on a validator's score only", code="signatures_not_used")
    if move == Move.SIGN and actor.id in snap.signed:
        raise Conflict("this signer has already signed", code="already_signed")
    if move in _MOVES_MONEY and snap.frozen:
        raise InvalidState(
            "a chargeback on the funding payment is open: the escrow is frozen", code="escrow_frozen"
        )


def _state_code(move: Move, status: Status) -> str:
    if status in TERMINAL:
        return f"escrow_{status.value}"
    if (
        move in (Move.DELIVER, Move.SCORE, Move.SIGN, Move.RELEASE, Move.DISPUTE, Move.REFUND)
        and status == Status.CREATED
    ):
        return "not_funded"
    if move == Move.RESOLVE:
        return "not_disputed"
    return "invalid_state"


def apply(snap: Snapshot, event: Event) -> Snapshot:
    """The one transition function: check the event, then return the escrow after it."""
    check(event.move, snap, event.actor)
    move = event.move
    if move == Move.FUND:
        return replace(snap, status=Status.FUNDED, held=event.amount)
    if move == Move.CANCEL:
        return replace(snap, status=Status.CANCELLED)
    if move == Move.EXPIRE:
        return replace(snap, status=Status.EXPIRED)
    if move == Move.DELIVER:
        status = Status.DELIVERED if snap.status == Status.FUNDED else snap.status
        return replace(snap, status=status, delivered=True)
    if move == Move.SCORE:
        return replace(snap, score_ppm=event.score_ppm)
    if move == Move.SIGN:
        return replace(snap, signed=(*snap.signed, event.actor.id))
    if move == Move.RELEASE:
        return replace(snap, status=Status.RELEASED, held=0)
    if move == Move.DISPUTE:
        return replace(snap, status=Status.DISPUTED)
    if move == Move.FREEZE:
        return replace(snap, frozen=True)
    if move == Move.UNFREEZE:
        return replace(snap, frozen=False)
    if move == Move.RESOLVE:
        held = snap.held - event.amount
        return replace(snap, status=Status.RESOLVED if held <= 0 else Status.DISPUTED, held=max(held, 0))
    # REFUND / CHARGEBACK: all that is held → refunded; part of it → partially refunded
    # (a dispute stays open).
    held = snap.held - event.amount
    if held <= 0:
        return replace(snap, status=Status.REFUNDED, held=0)
    status = Status.DISPUTED if snap.status == Status.DISPUTED else Status.PARTIALLY_REFUNDED
    return replace(snap, status=status, held=held)


def refund_amount(snap: Snapshot, requested: int | None) -> int:
    """What a refund returns: all that is held by default; never more than is held."""
    return refund_amount_of(snap.held, requested)


# ---- what releases, by policy ------------------------------------------------------------------


def releases_by_score(snap: Snapshot, threshold_ppm: int) -> bool:
    """A validator's score at or above the threshold releases — unless the policy is signatures only."""
    if snap.policy == Policy.SIGNATURES_ONLY or snap.score_ppm is None:
        return False
    return snap.score_ppm >= threshold_ppm


def releases_by_signatures(snap: Snapshot, required: int) -> bool:
    return snap.policy != Policy.SCORE_ONLY and len(snap.signed) >= required


def releases_at_review_end(snap: Snapshot) -> bool:
    """The review period ending (the payer stayed silent) releases only under the default policy."""
    return snap.policy == Policy.SCORE_OR_SIGNATURES


def due_release(snap: Snapshot, threshold_ppm: int, required: int) -> str | None:
    """Why the escrow should release now (a reason for the event), or None."""
    if snap.frozen or snap.status not in _FROM[Move.RELEASE] or not snap.delivered:
        return None
    if releases_by_score(snap, threshold_ppm):
        return "validation_score"
    if releases_by_signatures(snap, required):
        return "signatures"
    return None
