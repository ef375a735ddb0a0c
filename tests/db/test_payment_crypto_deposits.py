"""Every recorded crypto deposit ends counted toward its payment or credited to the payer, once,
whatever the order of the watcher's report, the completion step and the workflow closing (real
PostgreSQL, real commits; each `unit_of_work` below is one activity's or one webhook's transaction).
"""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from config.settings import Settings
from contracts.payments import PaymentInput, PaymentPurpose
from db.models.ledger import LedgerTransaction
from db.repositories import payments as repo
from db.session import SessionFactory, unit_of_work
from domain.ledger import wallet
from services import ledger
from services import payments as svc
from tests.support.invariants import assert_invariants
from tests.support.tokens import uid

CREDIT = 10**4
QUOTE = 100_000  # sat: 60.00 USD at the configured 60000 USD/BTC


async def crypto_payment(factory: SessionFactory, settings: Settings) -> tuple[str, str, str]:
    """A crypto credits purchase waiting for its deposit (what the create activity leaves)."""
    user, pid = uid("btc"), f"pay_{uid('c')}"
    address = f"bc1qtest{uuid.uuid4().hex}"
    async with unit_of_work(factory) as s:
        await svc.ensure_payment(
            s,
            PaymentInput(
                pid, user, 6000, "USD", "crypto", PaymentPurpose("credits", None, user, 60 * CREDIT)
            ),
        )
        index = await repo.allocate_index(s, "BTC")
        await repo.insert_address(s, address=address, chain="BTC", index=index, payment_id=pid)
        await repo.update_payment(
            s,
            pid,
            crypto_chain="BTC",
            crypto_address=address,
            crypto_amount=QUOTE,
            crypto_rate="60000",
            crypto_confirmations=svc.required_confirmations(settings, "BTC"),
        )
        await svc.record_status(s, pid, "requires_action")
    return pid, user, address


async def report(
    factory: SessionFactory, settings: Settings, address: str, txid: str, amount: int, confirmations: int
) -> svc.DepositRecorded:
    """The webhook's transaction (the workflow signal that may follow it is not needed to settle)."""
    async with unit_of_work(factory) as s:
        return await svc.record_crypto_deposit(
            s, settings, chain="BTC", address=address, txid=txid, amount=amount, confirmations=confirmations
        )


async def evaluate(factory: SessionFactory, settings: Settings, pid: str) -> str:
    async with unit_of_work(factory) as s:
        decision, _, _ = await svc.evaluate_crypto(s, pid, settings, expired=False)
    return decision


async def complete(factory: SessionFactory, settings: Settings, pid: str, status: str = "completed") -> None:
    """The completion activity: complete + settle, one transaction."""
    async with unit_of_work(factory) as s:
        await svc.complete(s, pid, status=status)
        await svc.settle_crypto_excess(s, pid, settings)


async def state(factory: SessionFactory, pid: str, user: str) -> tuple[list[tuple[int, str]], int, int]:
    async with factory() as s:
        deposits = [(d.amount, d.status) for d in await repo.deposits_for(s, pid)]
        balance = int(await ledger.balance(s, wallet(user)))
        late = (
            await s.execute(
                select(func.count()).where(LedgerTransaction.idempotency_key.like(f"pay:{pid}:crypto:%"))
            )
        ).scalar_one()
    return deposits, balance, int(late)


async def test_deposit_reported_after_the_completion_step_is_credited_once(
    session_factory: SessionFactory, settings: Settings
) -> None:
    pid, user, address = await crypto_payment(session_factory, settings)
    await report(session_factory, settings, address, uuid.uuid4().hex, QUOTE, 6)
    assert await evaluate(session_factory, settings, pid) == "completed"
    await complete(session_factory, settings, pid)
    # The completion step has run; the workflow has not closed, so the webhook's signal is accepted
    # by a workflow that will never act on it. The report alone must settle the deposit.
    late = uuid.uuid4().hex
    recorded = await report(session_factory, settings, address, late, 10_000, 6)
    assert recorded.payment_id == pid and recorded.payment_ended
    assert await state(session_factory, pid, user) == (
        [(QUOTE, "applied"), (10_000, "credited")],
        66 * CREDIT,
        1,
    )
    # The watcher reports it again with more confirmations: nothing moves twice.
    await report(session_factory, settings, address, late, 10_000, 9)
    async with unit_of_work(session_factory) as s:
        assert await svc.settle_crypto_excess(s, pid, settings) == 0
    assert await state(session_factory, pid, user) == (
        [(QUOTE, "applied"), (10_000, "credited")],
        66 * CREDIT,
        1,
    )
    await assert_invariants(session_factory)


async def test_unconfirmed_deposit_on_an_ended_payment_is_credited_when_confirmed(
    session_factory: SessionFactory, settings: Settings
) -> None:
    pid, user, address = await crypto_payment(session_factory, settings)
    await report(session_factory, settings, address, uuid.uuid4().hex, QUOTE, 6)
    assert await evaluate(session_factory, settings, pid) == "completed"
    await complete(session_factory, settings, pid)
    late = uuid.uuid4().hex
    await report(session_factory, settings, address, late, 10_000, 0)  # not money yet
    assert await state(session_factory, pid, user) == ([(QUOTE, "applied"), (10_000, "seen")], 60 * CREDIT, 0)
    await assert_invariants(session_factory)  # an unconfirmed deposit is not a violation
    await report(session_factory, settings, address, late, 10_000, 2)
    assert await state(session_factory, pid, user) == (
        [(QUOTE, "applied"), (10_000, "credited")],
        66 * CREDIT,
        1,
    )


async def test_deposit_racing_the_completion_step_is_resolved_exactly_once(
    session_factory: SessionFactory, settings: Settings
) -> None:
    """Report and completion at the same time, many times: whichever takes the payment lock first,
    the late deposit ends credited once (by the completion's settle or by the report itself)."""
    for _ in range(8):
        pid, user, address = await crypto_payment(session_factory, settings)
        await report(session_factory, settings, address, uuid.uuid4().hex, QUOTE, 6)
        assert await evaluate(session_factory, settings, pid) == "completed"
        late = uuid.uuid4().hex
        await asyncio.gather(
            complete(session_factory, settings, pid),
            report(session_factory, settings, address, late, 10_000, 6),
            report(session_factory, settings, address, late, 10_000, 7),
        )
        deposits, balance, keys = await state(session_factory, pid, user)
        assert deposits == [(QUOTE, "applied"), (10_000, "credited")]
        assert (balance, keys) == (66 * CREDIT, 1)
    await assert_invariants(session_factory)
