"""Payout and chargeback services on PostgreSQL: holds, refusals, idempotency, returns, reserve, claw-back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from db.models.escrow import Escrow
from db.models.payments import Payment
from db.session import unit_of_work
from domain.errors import Conflict, InsufficientFunds, InvalidAmount
from domain.ledger import earnings, transfer_postings
from services import disputes, ledger, payouts
from tests.support.tokens import uid

POLICY = payouts.PayoutPolicy(Decimal("10.00"), Decimal("10"))


async def fund_earnings(session_factory, payee: str, amount: int, currency: str = "USD") -> None:
    async with unit_of_work(session_factory) as s:
        await ledger.transfer(
            s,
            transfer_postings(f"clearing:test:{currency}", earnings(payee, currency), amount, currency),
            f"seed:{uid()}",
        )


async def balances(session_factory, payee: str, currency: str = "USD") -> dict[str, int]:
    async with session_factory() as s:
        return {
            "earnings": await ledger.balance(s, earnings(payee, currency)),
            "transit": await ledger.balance(s, f"payout_transit:{payee}:{currency}"),
            "reserve": await ledger.balance(s, f"reserve:{payee}:{currency}"),
        }


async def payee_with_destination(session_factory, amount: int = 0) -> str:
    payee = uid("agent")
    async with unit_of_work(session_factory) as s:
        await payouts.add_destination(
            s, payee_id=payee, provider="stripe", account_ref=f"acct_{uid('x')[2:]}", cooling_off_seconds=0
        )
    if amount:
        await fund_earnings(session_factory, payee, amount)
    return payee


async def test_create_holds_earnings_with_reserve(session_factory) -> None:
    payee = await payee_with_destination(session_factory, 5_000)
    async with unit_of_work(session_factory) as s:
        p, created = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD", amount=4_000)
    assert created and p.status == "pending" and (p.net_amount, p.reserve_amount) == (3_600, 400)
    assert await balances(session_factory, payee) == {"earnings": 1_000, "transit": 3_600, "reserve": 400}


async def test_refusals_move_nothing(session_factory) -> None:
    payee = await payee_with_destination(session_factory, 1_500)
    with pytest.raises(InvalidAmount) as below:
        async with unit_of_work(session_factory) as s:
            await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD", amount=999)
    assert below.value.code == "below_payout_minimum"
    with pytest.raises(InsufficientFunds) as short:
        async with unit_of_work(session_factory) as s:
            await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD", amount=1_501)
    assert short.value.code == "insufficient_earnings"
    with pytest.raises(Conflict) as nodest:
        async with unit_of_work(session_factory) as s:
            await payouts.create_payout(s, POLICY, payee_id=uid("nobody"), currency="USD", amount=1_000)
    assert nodest.value.code == "no_payout_destination"
    assert await balances(session_factory, payee) == {"earnings": 1_500, "transit": 0, "reserve": 0}


async def test_same_batch_pays_once(session_factory) -> None:
    payee = await payee_with_destination(session_factory, 3_000)
    ids = set()
    for _ in range(2):
        async with unit_of_work(session_factory) as s:
            p, _ = await payouts.create_payout(
                s, POLICY, payee_id=payee, currency="USD", batch_key="weekly:2026-W41"
            )
            ids.add(p.id)
    assert len(ids) == 1
    assert (await balances(session_factory, payee))["earnings"] == 0


async def test_failure_returns_everything_once_and_paid_cannot_fail(session_factory) -> None:
    payee = await payee_with_destination(session_factory, 2_000)
    async with unit_of_work(session_factory) as s:
        p, _ = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD")
    for _ in range(2):
        async with unit_of_work(session_factory) as s:
            failed = await payouts.fail_payout(s, p.id, "account_closed")
    assert failed.status == "failed" and failed.failure_code == "account_closed"
    assert await balances(session_factory, payee) == {"earnings": 2_000, "transit": 0, "reserve": 0}

    async with unit_of_work(session_factory) as s:
        q, _ = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD")
    async with unit_of_work(session_factory) as s:
        await payouts.mark_paid(s, q.id, reserve_hold=timedelta(days=90))
    async with unit_of_work(session_factory) as s:
        await payouts.mark_paid(s, q.id, reserve_hold=timedelta(days=90))  # a repeat: no second posting
    from domain.errors import InvalidState

    with pytest.raises(InvalidState):
        async with unit_of_work(session_factory) as s:
            await payouts.fail_payout(s, q.id, "late")
    assert await balances(session_factory, payee) == {"earnings": 0, "transit": 0, "reserve": 200}
    async with unit_of_work(session_factory) as s:
        assert await payouts.release_reserve(s, q.id) == 200
    async with unit_of_work(session_factory) as s:
        assert await payouts.release_reserve(s, q.id) == 0
    assert await balances(session_factory, payee) == {"earnings": 200, "transit": 0, "reserve": 0}


async def _escrow_paid_by_card(session_factory, payee: str, released: int) -> tuple[str, str]:
    """A card payment (pi_...) that funded an escrow which released `released` to `payee`."""
    pay_id, contract, pi = uid("pay"), uid("ctr"), f"pi_{uid('x')}"
    async with unit_of_work(session_factory) as s:
        s.add(
            Payment(
                id=pay_id,
                payer_id=uid("buyer"),
                amount=10_000,
                currency="USD",
                provider="stripe",
                status="succeeded",
                purpose_kind="escrow",
                purpose_reference=contract,
                provider_object_id=pi,
                captured_amount=10_000,
            )
        )
        s.add(
            Escrow(
                id=uid("esc"),
                contract_id=contract,
                payer_id=uid("buyer"),
                payee_id=payee,
                amount=10_000,
                currency="USD",
                status="released",
                held=0,
                released=released,
                fee=10_000 - released,
                refunded=0,
                fee_percent=Decimal("10"),
                signers=[],
                required_signatures=1,
                threshold_ppm=800_000,
            )
        )
    return pay_id, pi


async def test_lost_dispute_claws_back_earnings_then_reserve(session_factory) -> None:
    payee = await payee_with_destination(session_factory, 3_000)
    async with unit_of_work(session_factory) as s:  # 2,000 paid out, 200 of it held in reserve
        p, _ = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD", amount=2_000)
        await payouts.mark_paid(s, p.id, reserve_hold=timedelta(days=90))
    pay_id, pi = await _escrow_paid_by_card(session_factory, payee, released=9_000)
    du = f"du_{uid('x')}"
    facts = disputes.DisputeFacts(du, "stripe", 10_000, "USD", payment_intent_id=pi, reason="fraudulent")
    async with unit_of_work(session_factory) as s:
        row, created = await disputes.record_dispute(s, facts)
        await disputes.hold_disputed(s, du)
    assert created and row.payment_id == pay_id
    async with session_factory() as s:
        assert await ledger.balance(s, f"dispute_hold:{du}:USD") == 10_000
    async with unit_of_work(session_factory) as s:
        result = await disputes.close(s, du, "lost")
    # needed = min(disputed 10,000, released 9,000); earnings 1,000 + reserve 200 recovered; 7,800 short
    assert (result.loss, result.clawed_back, result.shortfall) == (10_000, 1_200, 7_800)
    assert await balances(session_factory, payee) == {"earnings": 0, "transit": 0, "reserve": 0}
    async with unit_of_work(session_factory) as s:  # a repeat books nothing more
        again = await disputes.close(s, du, "lost")
        assert await ledger.balance(s, f"dispute_hold:{du}:USD") == 0
    assert again.clawed_back == 1_200


async def test_a_payout_is_told_to_its_payee_when_created_paid_or_failed(session_factory) -> None:
    from services import events

    payee = await payee_with_destination(session_factory, 5_000)
    async with unit_of_work(session_factory) as s:
        paid, _ = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD", amount=2_000)
        _again, created = await payouts.create_payout(
            s, POLICY, payee_id=payee, currency="USD", payout_id=paid.id
        )
        assert not created  # a repeat announces nothing
    async with unit_of_work(session_factory) as s:
        await payouts.mark_paid(s, paid.id, reserve_hold=timedelta(days=1))
        await payouts.mark_paid(s, paid.id, reserve_hold=timedelta(days=1))  # a repeat is a no-op
    async with unit_of_work(session_factory) as s:
        failed, _ = await payouts.create_payout(s, POLICY, payee_id=payee, currency="USD", amount=1_000)
    async with unit_of_work(session_factory) as s:
        await payouts.fail_payout(s, failed.id, "account_closed")
    async with session_factory() as s:
        rows, _ = await events.page(
            s,
            account_id=payee,
            types=["payout.*"],
            created_gte=None,
            created_lt=None,
            starting_after=None,
            limit=10,
        )
    seen = [(e.type, e.object_id) for e in reversed(rows)]
    assert seen == [
        ("payout.created", paid.id),
        ("payout.paid", paid.id),
        ("payout.created", failed.id),
        ("payout.failed", failed.id),
    ]
    assert rows[0].data["failure_code"] == "account_closed" and rows[0].data["amount"] == "10.00"
