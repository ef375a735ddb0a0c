"""Escrow money moves and the row mirror on PostgreSQL: each safe to run twice, balanced, never overdrawn."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts.escrow import EscrowEvent, EscrowView, FundWithCreditsInput, ReturnToPayerInput, SettleInput
from db.models.escrow import EscrowEventRow
from db.models.ledger import Posting
from db.repositories import escrow as repo
from db.session import unit_of_work
from domain.errors import CurrencyMismatch, InsufficientFunds, InvalidState
from domain.ledger import earnings, escrow_holding, system, wallet
from services import credits, ledger
from services import escrow as service
from tests.support.tokens import uid


async def funded_escrow(session_factory, amount: int = 10_000) -> tuple[str, str, str]:
    payer, payee, cid = uid("user"), uid("agent"), uid("c")
    async with unit_of_work(session_factory) as s:
        await credits.grant_purchased_credits(s, user_id=payer, credits=amount, payment_id=uid("pay"))
    for _ in range(2):  # twice: the second moves nothing
        async with unit_of_work(session_factory) as s:
            await service.fund_with_credits(s, FundWithCreditsInput(cid, payer, amount, "CREDIT"))
    return payer, payee, cid


async def bal(session_factory, *accounts: str) -> list[int]:
    async with session_factory() as s:
        return [await ledger.balance(s, a) for a in accounts]


async def test_fund_twice_debits_once_and_refuses_overdraft_and_fiat(session_factory) -> None:
    payer, _, cid = await funded_escrow(session_factory)
    assert await bal(session_factory, wallet(payer), escrow_holding(cid, "CREDIT")) == [0, 10_000]
    with pytest.raises(InsufficientFunds) as err:
        async with unit_of_work(session_factory) as s:
            await service.fund_with_credits(s, FundWithCreditsInput(uid("c"), payer, 1, "CREDIT"))
    assert err.value.code == "insufficient_credits"
    with pytest.raises(CurrencyMismatch):
        async with unit_of_work(session_factory) as s:
            await service.fund_with_credits(s, FundWithCreditsInput(uid("c"), payer, 1, "USD"))


async def test_resolution_split_is_atomic_idempotent_and_balanced(session_factory) -> None:
    payer, payee, cid = await funded_escrow(session_factory)
    split = SettleInput(
        cid,
        f"esc:{cid}:resolve",
        "resolve",
        payer,
        payee,
        "CREDIT",
        payee_net=5_400,
        fee=600,
        payer_refund=4_000,
    )
    for _ in range(3):
        async with unit_of_work(session_factory) as s:
            await service.settle(s, split)
    holding = escrow_holding(cid, "CREDIT")
    assert await bal(session_factory, holding, earnings(payee, "CREDIT"), wallet(payer)) == [0, 5_400, 4_000]
    async with session_factory() as s:
        assert (await credits.balance_view(s, payer)).balance == 4_000  # a usable refund lot
        legs = (await s.execute(select(func.count()).where(Posting.account_code == holding))).scalar_one()
        assert legs == 3  # fund, the payee+fee transaction, the payer's refund: nothing twice
        assert (await s.execute(select(func.sum(Posting.amount)))).scalar_one() == 0


async def test_refunds_never_exceed_what_is_held(session_factory) -> None:
    payer, _, cid = await funded_escrow(session_factory)
    async with unit_of_work(session_factory) as s:
        await service.return_to_payer(
            s, ReturnToPayerInput(cid, f"esc:{cid}:refund:1", payer, 7_000, "CREDIT")
        )
    with pytest.raises(InsufficientFunds):  # 3,000 left: the holding account refuses to go negative
        async with unit_of_work(session_factory) as s:
            await service.return_to_payer(
                s, ReturnToPayerInput(cid, f"esc:{cid}:refund:2", payer, 3_001, "CREDIT")
            )
    with pytest.raises(InvalidState):
        async with unit_of_work(session_factory) as s:
            await service.return_to_payer(
                s, ReturnToPayerInput(cid, f"esc:{cid}:refund:2", payer, 1, "USD", "stripe")
            )
    assert await bal(session_factory, escrow_holding(cid, "CREDIT"), wallet(payer)) == [3_000, 7_000]


async def test_release_moves_fee_to_revenue_once(session_factory) -> None:
    payer, payee, cid = await funded_escrow(session_factory, 1_005)
    revenue = system("revenue", "CREDIT")
    (before,) = await bal(session_factory, revenue)
    inp = SettleInput(cid, f"esc:{cid}:release", "release", payer, payee, "CREDIT", payee_net=904, fee=101)
    for _ in range(2):
        async with unit_of_work(session_factory) as s:
            await service.settle(s, inp)
    assert await bal(session_factory, escrow_holding(cid, "CREDIT"), earnings(payee, "CREDIT")) == [0, 904]
    assert (await bal(session_factory, revenue))[0] - before == 101


async def test_mirror_creates_missing_row_and_events_are_idempotent(session_factory) -> None:
    cid = uid("c")
    now = datetime.now(UTC).isoformat()
    view = EscrowView(
        escrow_id=f"esc_{cid}",
        contract_id=cid,
        status="funded",
        payer_id="p",
        payee_id=uid("a"),
        amount=100,
        currency="CREDIT",
        held=100,
        signers=["p"],
        fee_percent="2.5",
        created_at=now,
    )
    event = EscrowEvent(seq=1, at=now, kind="funded", actor="p")
    for _ in range(2):
        async with unit_of_work(session_factory) as s:
            await service.record(s, view, event)
    async with session_factory() as s:
        row = await repo.get_by_contract(s, cid)
        assert row is not None and (row.status, row.held, row.fee_percent) == ("funded", 100, Decimal("2.5"))
        n = (await s.execute(select(func.count()).where(EscrowEventRow.escrow_id == row.id))).scalar_one()
        assert n == 1
        assert await service.open_escrow_count(s, view.payee_id) == 1
        assert service.view_from_row(row).held == 100
