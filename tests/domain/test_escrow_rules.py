"""The escrow state machine: legal moves, who may make them, and splits that always sum to the hold."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import escrow as rules
from domain.errors import Conflict, Forbidden, InvalidAmount, InvalidState
from domain.escrow import Actor, Move, Snapshot, Status

PAYER, PAYEE, SIGNER = Actor("payer", "user"), Actor("payee", "agent"), Actor("s2", "user")
ADMIN, SERVICE, STRANGER = Actor("root", "admin"), Actor("mesh", "service"), Actor("eve", "user")


def snap(status: Status, *, held: int = 100, delivered: bool = False) -> Snapshot:
    return Snapshot(status, "payer", "payee", ("payer", "s2"), held, delivered)


# Who makes each move in the happy path, per move.
LEGAL_ACTOR = {
    Move.FUND: PAYER,
    Move.CANCEL: PAYER,
    Move.EXPIRE: rules.SYSTEM,
    Move.DELIVER: PAYEE,
    Move.SIGN: SIGNER,
    Move.RELEASE: rules.SYSTEM,
    Move.DISPUTE: PAYER,
    Move.RESOLVE: ADMIN,
    Move.REFUND: PAYEE,
    Move.SCORE: Actor("mesh", "service", validator=True),
    Move.FREEZE: rules.SYSTEM,
    Move.UNFREEZE: rules.SYSTEM,
    Move.CHARGEBACK: rules.SYSTEM,
}


def legal(move: Move, s: Snapshot) -> bool:
    try:
        rules.check(move, s, LEGAL_ACTOR[move])
        return True
    except InvalidState:
        return False


def test_happy_path_moves() -> None:
    assert legal(Move.FUND, snap(Status.CREATED, held=0))
    assert legal(Move.DELIVER, snap(Status.FUNDED))
    assert legal(Move.SIGN, snap(Status.DELIVERED, delivered=True))
    assert legal(Move.RELEASE, snap(Status.DELIVERED, delivered=True))
    assert legal(Move.DISPUTE, snap(Status.DELIVERED, delivered=True))
    assert legal(Move.RESOLVE, snap(Status.DISPUTED))
    assert legal(Move.REFUND, snap(Status.FUNDED))
    assert legal(Move.CANCEL, snap(Status.CREATED, held=0))


@pytest.mark.parametrize(
    ("move", "status", "code"),
    [
        (Move.DELIVER, Status.CREATED, "not_funded"),  # deliver before funding
        (Move.RELEASE, Status.RELEASED, "escrow_released"),  # release twice
        (Move.RESOLVE, Status.FUNDED, "not_disputed"),  # resolve without a dispute
        (Move.REFUND, Status.RELEASED, "escrow_released"),  # refund after release
        (Move.CANCEL, Status.FUNDED, "invalid_state"),  # cancel after funding
        (Move.FUND, Status.EXPIRED, "escrow_expired"),
        (Move.SIGN, Status.FUNDED, "invalid_state"),
    ],
)
def test_illegal_moves_are_refused_with_a_code(move: Move, status: Status, code: str) -> None:
    with pytest.raises(InvalidState) as err:
        rules.check(move, snap(status, delivered=status == Status.RELEASED), LEGAL_ACTOR[move])
    assert err.value.code == code
    assert err.value.status == 409


def test_sign_before_delivery_is_refused() -> None:
    with pytest.raises(InvalidState) as err:
        rules.check(Move.SIGN, snap(Status.PARTIALLY_REFUNDED, delivered=False), SIGNER)
    assert err.value.code == "not_delivered"


@pytest.mark.parametrize(
    ("move", "actor"),
    [
        (Move.SIGN, STRANGER),
        (Move.SIGN, ADMIN),
        (Move.SIGN, PAYEE),
        (Move.FUND, PAYEE),
        (Move.RESOLVE, PAYER),
        (Move.RESOLVE, PAYEE),
        (Move.REFUND, PAYER),
        (Move.DISPUTE, STRANGER),
        (Move.DISPUTE, ADMIN),
        (Move.DELIVER, STRANGER),
        (Move.RELEASE, PAYER),
        (Move.RELEASE, ADMIN),
        (Move.EXPIRE, ADMIN),
        (Move.CANCEL, PAYEE),
    ],
)
def test_wrong_actor_is_forbidden(move: Move, actor: Actor) -> None:
    with pytest.raises(Forbidden):
        rules.check(move, snap(Status.DISPUTED), actor)


def test_service_and_admin_may_deliver_and_admin_may_refund() -> None:
    rules.check(Move.DELIVER, snap(Status.FUNDED), SERVICE)
    rules.check(Move.DELIVER, snap(Status.FUNDED), ADMIN)
    rules.check(Move.REFUND, snap(Status.DELIVERED, delivered=True), ADMIN)


@given(st.sampled_from([m for m in Move if m != Move.UNFREEZE]), st.sampled_from(sorted(rules.TERMINAL)))
def test_nothing_moves_out_of_a_terminal_state(move: Move, status: Status) -> None:
    assert not legal(move, snap(status, delivered=True))


@given(st.integers(1, 10**12), st.integers(1, 10**12), st.booleans())
def test_refund_never_exceeds_held(held: int, requested: int, delivered: bool) -> None:
    s = snap(Status.FUNDED, held=held, delivered=delivered)
    if requested > held:
        with pytest.raises(InvalidAmount):
            rules.refund_amount(s, requested)
    else:
        amount = rules.refund_amount(s, requested)
        assert amount == requested
        after = rules.apply(s, rules.Event(Move.REFUND, PAYEE, amount)).status
        assert after == (Status.REFUNDED if amount == held else Status.PARTIALLY_REFUNDED)


def test_partial_refund_during_dispute_stays_disputed() -> None:
    after = rules.apply(snap(Status.DISPUTED, held=10), rules.Event(Move.REFUND, ADMIN, 4))
    assert (after.status, after.held) == (Status.DISPUTED, 6)
    with pytest.raises(InvalidState):
        rules.refund_amount(snap(Status.FUNDED, held=0), None)


percents = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@given(st.integers(0, 10**20), percents, st.sampled_from(["USD", "CREDIT", "JPY", "ETH"]))
def test_release_split_sums_to_the_hold(held: int, pct: Decimal, cur: str) -> None:
    split = rules.release_split(held, pct, cur)
    assert split.payee_net + split.fee == held
    assert 0 <= split.fee <= held
    assert split.payer_refund == 0


@given(st.integers(0, 10**15), st.data(), percents)
def test_resolution_split_sums_to_the_hold(held: int, data: st.DataObject, pct: Decimal) -> None:
    payee_amount = data.draw(st.integers(0, held))
    split = rules.resolution_split(held, payee_amount, pct, "CREDIT")
    assert split.total == held
    assert split.payer_refund == held - payee_amount
    assert split.payee_net + split.fee == payee_amount
    with pytest.raises(InvalidAmount):
        rules.resolution_split(held, held + 1, pct, "CREDIT")


def test_fee_is_rounded_half_up_once() -> None:
    assert rules.release_split(1005, Decimal("10"), "USD") == rules.Split(904, 101, 0)  # 100.5 → 101
    assert rules.default_ruling_split("refund_payer", 500, Decimal("10"), "USD") == rules.Split(0, 0, 500)
    assert rules.default_ruling_split("release_payee", 500, Decimal("10"), "USD") == rules.Split(450, 50, 0)


def test_scores_in_ppm() -> None:
    assert rules.to_ppm("0.95", param="s") == 950_000
    assert rules.to_ppm(Decimal("1"), param="s") == 1_000_000
    assert rules.from_ppm(950_000) == "0.95"
    for bad in ("1.01", "-0.1", "0.1234567", "NaN", "x", True, None):
        with pytest.raises(InvalidAmount):
            rules.to_ppm(bad, param="s")
    delivered = snap(Status.DELIVERED, delivered=True)
    for score, releases in ((950_000, True), (800_000, True), (799_999, False)):
        scored = rules.apply(delivered, rules.Event(Move.SCORE, LEGAL_ACTOR[Move.SCORE], score_ppm=score))
        assert rules.releases_by_score(scored, 800_000) is releases


def test_signer_validation() -> None:
    assert rules.validate_signers("a", "b", None, None) == (("a",), 1)
    assert rules.validate_signers("a", "b", ["a", "c", "a"], 2) == (("a", "c"), 2)
    with pytest.raises(InvalidAmount):
        rules.validate_signers("a", "b", ["a"], 2)
    with pytest.raises(InvalidAmount):
        rules.validate_signers("a", "b", ["b"], 1)  # the payee alone cannot release to itself
    with pytest.raises(InvalidAmount):
        rules.validate_signers("a", "b", ["a", "b"], 1)  # nor co-sign its own release
    with pytest.raises(InvalidAmount):
        rules.validate_signers("a", "a", None, None)


# ---- release policy, validators, chargebacks (issue 11 case 3 and 7) ----------------------------

VALIDATOR = Actor("mesh", "service", validator=True)


def delivered(policy: rules.Policy = rules.Policy.SCORE_OR_SIGNATURES, **over: object) -> Snapshot:
    base = Snapshot(Status.DELIVERED, "payer", "payee", ("a", "b"), 100, True, policy=policy)
    return dataclasses.replace(base, **over) if over else base  # type: ignore[arg-type]


def test_the_payee_cannot_score_its_own_delivery() -> None:
    for payee in (Actor("payee", "agent"), Actor("payee", "agent", validator=True)):
        with pytest.raises(Forbidden) as err:
            rules.apply(delivered(), rules.Event(Move.SCORE, payee, score_ppm=1_000_000))
        assert err.value.code == "validator_required"
    with pytest.raises(Forbidden):  # a user who is not a validator
        rules.check(Move.SCORE, delivered(), PAYER)
    assert rules.apply(delivered(), rules.Event(Move.SCORE, VALIDATOR, score_ppm=1)).score_ppm == 1


def test_validators_are_the_service_role_and_configured_ids() -> None:
    assert rules.is_validator("mesh", "service", frozenset())
    assert rules.is_validator("judge", "agent", frozenset({"judge"}))
    assert not rules.is_validator("payee", "agent", frozenset({"judge"}))
    assert not rules.is_validator("root", "admin", frozenset())


def test_no_score_overrides_a_signatures_only_policy() -> None:
    scored = rules.apply(
        delivered(rules.Policy.SIGNATURES_ONLY), rules.Event(Move.SCORE, VALIDATOR, score_ppm=1_000_000)
    )
    assert rules.due_release(scored, 800_000, 2) is None
    assert not rules.releases_at_review_end(scored)
    one = rules.apply(scored, rules.Event(Move.SIGN, Actor("a", "user")))
    assert rules.due_release(one, 800_000, 2) is None
    two = rules.apply(one, rules.Event(Move.SIGN, Actor("b", "user")))
    assert rules.due_release(two, 800_000, 2) == "signatures"


def test_score_only_refuses_signatures_and_releases_on_a_validator_score() -> None:
    s = delivered(rules.Policy.SCORE_ONLY)
    with pytest.raises(InvalidState) as err:
        rules.check(Move.SIGN, s, Actor("a", "user"))
    assert err.value.code == "signatures_not_used"
    low = rules.apply(s, rules.Event(Move.SCORE, VALIDATOR, score_ppm=500_000))
    assert rules.due_release(low, 800_000, 1) is None and not rules.releases_at_review_end(low)
    high = rules.apply(low, rules.Event(Move.SCORE, VALIDATOR, score_ppm=800_000))
    assert rules.due_release(high, 800_000, 1) == "validation_score"


def test_default_policy_releases_on_score_or_signatures_or_review_end() -> None:
    s = delivered()
    assert rules.releases_at_review_end(s) and rules.due_release(s, 800_000, 1) is None
    assert rules.due_release(rules.apply(s, rules.Event(Move.SIGN, Actor("a", "user"))), 800_000, 1)
    assert rules.due_release(
        rules.apply(s, rules.Event(Move.SCORE, VALIDATOR, score_ppm=900_000)), 800_000, 2
    )


def test_a_signer_signs_once() -> None:
    once = rules.apply(delivered(), rules.Event(Move.SIGN, Actor("a", "user")))
    with pytest.raises(Conflict) as err:
        rules.apply(once, rules.Event(Move.SIGN, Actor("a", "user")))
    assert err.value.code == "already_signed"


def test_a_chargeback_freezes_every_move_out_of_the_hold() -> None:
    frozen = rules.apply(delivered(), rules.Event(Move.FREEZE, rules.SYSTEM))
    for move, actor in ((Move.RELEASE, rules.SYSTEM), (Move.REFUND, ADMIN)):
        with pytest.raises(InvalidState) as err:
            rules.check(move, frozen, actor)
        assert err.value.code == "escrow_frozen"
    disputed = rules.apply(frozen, rules.Event(Move.DISPUTE, PAYER))  # no money moves: allowed
    with pytest.raises(InvalidState):
        rules.check(Move.RESOLVE, disputed, ADMIN)
    assert (
        rules.due_release(rules.apply(frozen, rules.Event(Move.SIGN, Actor("a", "user"))), 800_000, 1) is None
    )
    with pytest.raises(Forbidden):  # only the workflow (a provider event) freezes or charges back
        rules.check(Move.FREEZE, delivered(), ADMIN)


@given(st.integers(1, 10**12), st.integers(1, 10**12))
def test_a_lost_chargeback_takes_at_most_the_hold(held: int, taken: int) -> None:
    s = rules.apply(delivered(held=held), rules.Event(Move.FREEZE, rules.SYSTEM))
    after = rules.apply(s, rules.Event(Move.CHARGEBACK, rules.SYSTEM, min(taken, held)))
    assert after.held == held - min(taken, held)
    assert after.status == (Status.REFUNDED if taken >= held else Status.PARTIALLY_REFUNDED)
    thawed = rules.apply(after, rules.Event(Move.UNFREEZE, rules.SYSTEM))
    assert not thawed.frozen


def test_apply_is_the_only_way_a_status_changes() -> None:
    funded = rules.apply(
        Snapshot(Status.CREATED, "payer", "payee", ("payer",)), rules.Event(Move.FUND, PAYER, 500)
    )
    assert (funded.status, funded.held) == (Status.FUNDED, 500)
    with pytest.raises(Forbidden):
        rules.apply(funded, rules.Event(Move.RELEASE, PAYEE))  # the payee never releases to itself


def test_only_a_service_creates_for_another_payer_or_sets_the_fee() -> None:
    assert rules.check_create(PAYER, payer_id=None, sets_fee=False) == "payer"
    assert rules.check_create(PAYER, payer_id="payer", sets_fee=False) == "payer"
    with pytest.raises(Forbidden):
        rules.check_create(PAYER, payer_id="someone_else", sets_fee=False)
    with pytest.raises(Forbidden):
        rules.check_create(PAYEE, payer_id=None, sets_fee=True)
    assert rules.check_create(SERVICE, payer_id="payer", sets_fee=True) == "payer"
