"""A provider payment for an escrow claims the escrow's funding on its locked row, in the payment's
completion transaction: only a claimed escrow gets money in its holding account. A payment the
escrow no longer takes (expired, cancelled, already funded, wrong amount, no such escrow) parks its
money outside the holding account and reserves a full refund under pay:{id}:refund:escrow_closed,
once. The workflow's expiry / cancel (close_unfunded) and the claim serialise on the same row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

from contracts.escrow import CloseUnfundedInput
from contracts.payments import PaymentInput, PaymentPurpose
from db.repositories import escrow as escrow_repo
from db.repositories import payments as pay_repo
from db.session import unit_of_work
from domain.ledger import clearing, escrow_holding, system
from services import escrow as escrow_svc
from services import ledger, payment_refunds
from services import payments as svc
from tests.support.tokens import uid

AMOUNT = 2_000


async def new_escrow(session_factory, amount: int = AMOUNT) -> tuple[str, str]:
    cid, eid = uid("ct"), uid("esc")
    async with unit_of_work(session_factory) as s:
        assert await escrow_repo.insert_escrow(
            s,
            escrow_id=eid,
            contract_id=cid,
            payer_id=uid("user"),
            payee_id=uid("agent"),
            amount=amount,
            currency="USD",
            fee_percent=Decimal("10"),
            signers=[],
            required_signatures=1,
            threshold_ppm=800_000,
            quote_id=None,
            created_at=datetime.now(UTC),
        )
    return eid, cid


async def new_payment(session_factory, cid: str, amount: int = AMOUNT, provider: str = "stripe") -> str:
    pid = uid("pay")
    async with unit_of_work(session_factory) as s:
        await svc.ensure_payment(
            s,
            PaymentInput(pid, uid("user"), amount, "USD", provider, PaymentPurpose("escrow", cid)),
        )
    return pid


async def complete(session_factory, pid: str) -> svc.Completion:
    async with unit_of_work(session_factory) as s:
        return await svc.complete(s, pid)


async def bal(session_factory, *accounts: str) -> list[int]:
    async with session_factory() as s:
        return [await ledger.balance(s, a) for a in accounts]


async def payment_and_refunds(session_factory, pid: str):  # type: ignore[no-untyped-def]
    async with session_factory() as s:
        return await pay_repo.get_payment(s, pid), await pay_repo.refunds_for(s, pid)


async def test_the_first_payment_funds_the_holding_account_and_claims_the_row(session_factory) -> None:
    eid, cid = await new_escrow(session_factory)
    pid = await new_payment(session_factory, cid)
    done = await complete(session_factory, pid)
    assert (done.status, done.newly_completed) == ("completed", True)
    assert await bal(session_factory, escrow_holding(cid, "USD")) == [AMOUNT]
    async with session_factory() as s:
        row = await escrow_repo.get(s, eid)
    assert row is not None and (row.funding_payment_id, row.funding_provider) == (pid, "stripe")
    payment, refunds = await payment_and_refunds(session_factory, pid)
    assert payment.failure_code is None and refunds == []
    # The workflow's expiry / cancel now finds the claim and does not close the escrow.
    async with unit_of_work(session_factory) as s:
        closed = await escrow_svc.close_unfunded(s, CloseUnfundedInput(eid, cid, "expired"))
    assert (closed.closed, closed.payment_id) == (False, pid)
    assert (await complete(session_factory, pid)).newly_completed is False  # a retry moves nothing


async def test_a_second_payment_is_parked_and_refunded_in_full_once(session_factory) -> None:
    _, cid = await new_escrow(session_factory)
    first, second = (
        await new_payment(session_factory, cid),
        await new_payment(session_factory, cid, provider="paypal"),
    )
    await complete(session_factory, first)
    parked_before = (await bal(session_factory, system("payments_unallocated", "USD")))[0]
    for _ in range(2):  # a retried completion reserves nothing twice
        done = await complete(session_factory, second)
        assert done.status == "completed"
    assert await bal(session_factory, escrow_holding(cid, "USD")) == [AMOUNT]  # only the first
    assert (await bal(session_factory, system("payments_unallocated", "USD")))[0] - parked_before == AMOUNT
    payment, refunds = await payment_and_refunds(session_factory, second)
    assert (payment.failure_code, payment.captured_amount, payment.refunded_amount) == (
        "escrow_closed",
        AMOUNT,
        AMOUNT,
    )
    assert [(r.amount, r.status, r.idempotency_key) for r in refunds] == [
        (AMOUNT, "pending", f"pay:{second}:refund:escrow_closed")
    ]
    # The refund (what refund_payment does after the provider refunded) takes it back from where
    # it was parked, not from the escrow's holding account.
    clearing_before = (await bal(session_factory, clearing("paypal", "USD")))[0]
    for _ in range(2):
        async with unit_of_work(session_factory) as s:
            await payment_refunds.finish_refund(s, refunds[0].id, provider_refund_id="re_x")
    assert await bal(session_factory, escrow_holding(cid, "USD")) == [AMOUNT]
    assert (await bal(session_factory, system("payments_unallocated", "USD")))[0] == parked_before
    assert (await bal(session_factory, clearing("paypal", "USD")))[0] - clearing_before == AMOUNT


async def test_expired_cancelled_missing_or_mismatched_escrows_take_nothing(session_factory) -> None:
    cases = []
    for status in ("expired", "cancelled"):
        eid, cid = await new_escrow(session_factory)
        async with unit_of_work(session_factory) as s:
            assert (await escrow_svc.close_unfunded(s, CloseUnfundedInput(eid, cid, status))).closed
        cases.append((cid, AMOUNT, "no longer accepted"))
    _, cid = await new_escrow(session_factory)
    cases.append((cid, AMOUNT + 1, "different amount"))
    cases.append((uid("ct"), AMOUNT, "no escrow"))
    for cid, amount, message in cases:
        pid = await new_payment(session_factory, cid, amount)
        await complete(session_factory, pid)
        payment, refunds = await payment_and_refunds(session_factory, pid)
        assert payment.failure_code == "escrow_closed" and message in (payment.failure_message or "")
        assert [r.amount for r in refunds] == [amount]
        assert await bal(session_factory, escrow_holding(cid, "USD")) == [0]


async def test_expiry_and_a_completing_payment_racing_one_wins_and_no_money_is_stranded(
    session_factory,
) -> None:
    for _ in range(8):
        eid, cid = await new_escrow(session_factory)
        pid = await new_payment(session_factory, cid)

        async def close(eid: str = eid, cid: str = cid) -> bool:
            async with unit_of_work(session_factory) as s:
                return (await escrow_svc.close_unfunded(s, CloseUnfundedInput(eid, cid, "expired"))).closed

        closed, _ = await asyncio.gather(close(), complete(session_factory, pid))
        payment, refunds = await payment_and_refunds(session_factory, pid)
        held = (await bal(session_factory, escrow_holding(cid, "USD")))[0]
        if closed:  # the escrow expired first: the payment is refunded, the holding stays empty
            assert (held, payment.failure_code, [r.amount for r in refunds]) == (0, "escrow_closed", [AMOUNT])
        else:  # the payment claimed first: the escrow keeps it and waits for the signal
            assert (held, payment.failure_code, refunds) == (AMOUNT, None, [])


async def test_the_invariant_catches_an_escrow_payment_neither_funding_nor_refunded(db_session) -> None:
    from db.models.payments import Payment
    from services.invariants import check, failures

    cid = uid("ct")
    db_session.add(
        Payment(
            id=uid("pay"),
            payer_id="u",
            amount=AMOUNT,
            currency="USD",
            provider="stripe",
            status="completed",
            purpose_kind="escrow",
            purpose_reference=cid,
            captured_amount=AMOUNT,
        )
    )
    await db_session.flush()
    assert "escrow_payments_placed" in {r.name for r in failures(await check(db_session))}
