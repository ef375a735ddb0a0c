"""Status moves are never refused silently (issue #12 case 4), on real PostgreSQL: an illegal move
raises; a crypto payment whose deposit is first looked at when it expires ends underpaid (its coins
become credits); a cancel after a partial deposit leaves nothing neither counted nor credited."""

from __future__ import annotations

import pytest

from config.settings import Settings
from db.repositories import payments as repo
from db.session import SessionFactory, unit_of_work
from domain.errors import InvalidState
from domain.ledger import wallet
from services import ledger
from services import payments as svc
from tests.db.test_payment_crypto_deposits import QUOTE, crypto_payment, report
from tests.support.invariants import assert_invariants
from tests.support.tokens import uid


async def status(factory: SessionFactory, pid: str) -> str:
    async with factory() as s:
        row = await repo.get_payment(s, pid)
    assert row is not None
    return row.status


async def credits_of(factory: SessionFactory, user: str) -> int:
    async with factory() as s:
        return int(await ledger.balance(s, wallet(user)))


async def test_an_illegal_status_move_raises_and_a_repeated_one_is_a_no_op(
    session_factory: SessionFactory, settings: Settings
) -> None:
    pid, _, _ = await crypto_payment(session_factory, settings)
    async with unit_of_work(session_factory) as s:
        await svc.record_status(s, pid, "expired")
        await svc.record_status(s, pid, "expired")  # a retried step: already there
    with pytest.raises(InvalidState):
        async with unit_of_work(session_factory) as s:
            await svc.record_status(s, pid, "processing")  # expired is terminal
    assert await status(session_factory, pid) == "expired"


async def test_a_deposit_first_seen_at_expiry_ends_underpaid_and_becomes_credits(
    session_factory: SessionFactory, settings: Settings
) -> None:
    pid, user, address = await crypto_payment(session_factory, settings)
    await report(session_factory, settings, address, uid("tx"), QUOTE // 2, 6)  # half, confirmed
    # The deposit signal and the deadline in the same activation: only the expiry evaluates.
    async with unit_of_work(session_factory) as s:
        decision, received, _ = await svc.evaluate_crypto(s, pid, settings, expired=True)
    assert (decision, received) == ("underpaid", QUOTE // 2)
    assert await status(session_factory, pid) == "underpaid"  # requires_action → underpaid
    assert await credits_of(session_factory, user) == 30 * 10**4  # $30 of BTC → 30 credits
    await assert_invariants(session_factory)


async def test_a_cancel_after_a_partial_deposit_credits_what_arrived(
    session_factory: SessionFactory, settings: Settings
) -> None:
    pid, user, address = await crypto_payment(session_factory, settings)
    await report(session_factory, settings, address, uid("tx"), QUOTE // 4, 6)
    async with unit_of_work(session_factory) as s:
        await svc.evaluate_crypto(s, pid, settings, expired=False)
    assert await status(session_factory, pid) == "partially_paid"
    for _ in range(2):  # the workflow's cancel, retried
        async with unit_of_work(session_factory) as s:
            final = await svc.end_payment(s, pid, "cancelled", settings)
        assert final == "underpaid"
    assert await status(session_factory, pid) == "underpaid"
    assert await credits_of(session_factory, user) == 15 * 10**4
    await assert_invariants(session_factory)


async def test_a_cancel_after_the_full_deposit_completes_the_payment(
    session_factory: SessionFactory, settings: Settings
) -> None:
    pid, user, address = await crypto_payment(session_factory, settings)
    await report(session_factory, settings, address, uid("tx"), QUOTE, 6)
    async with unit_of_work(session_factory) as s:
        assert await svc.end_payment(s, pid, "cancelled", settings) == "completed"
    assert await status(session_factory, pid) == "completed"
    assert await credits_of(session_factory, user) == 60 * 10**4  # the purchase, granted once
    await assert_invariants(session_factory)
