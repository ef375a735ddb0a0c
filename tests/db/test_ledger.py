"""The ledger on a real database: balances, idempotency, and overdraft refusal under concurrency."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from db.models.ledger import Balance, Posting
from db.session import unit_of_work
from domain.errors import InsufficientFunds
from domain.ledger import earnings, transfer_postings
from services import ledger
from tests.support.tokens import uid


async def _fund(session_factory, account: str, amount: int, currency: str = "CREDIT") -> None:
    async with unit_of_work(session_factory) as s:
        await ledger.transfer(
            s, transfer_postings("system:issued:CREDIT", account, amount, currency), f"fund:{account}:{uid()}"
        )


async def _posting_sum(session_factory, account: str) -> int:
    async with session_factory() as s:
        return int(
            (
                await s.execute(
                    select(func.coalesce(func.sum(Posting.amount), 0)).where(Posting.account_code == account)
                )
            ).scalar_one()
        )


async def test_transfer_updates_balances_and_postings(session_factory) -> None:
    acct = earnings(uid(), "CREDIT")
    await _fund(session_factory, acct, 500)
    async with session_factory() as s:
        assert await ledger.balance(s, acct) == 500
    assert await _posting_sum(session_factory, acct) == 500


async def test_same_key_never_posts_twice(session_factory) -> None:
    acct = earnings(uid(), "CREDIT")
    key = f"k:{uid()}"
    for _ in range(3):
        async with unit_of_work(session_factory) as s:
            result = await ledger.transfer(
                s, transfer_postings("system:issued:CREDIT", acct, 7, "CREDIT"), key
            )
    async with session_factory() as s:
        assert await ledger.balance(s, acct) == 7
    assert result.created is False


async def test_overdraft_refused_and_nothing_written(session_factory) -> None:
    acct = earnings(uid(), "CREDIT")
    await _fund(session_factory, acct, 10)
    with pytest.raises(InsufficientFunds):
        async with unit_of_work(session_factory) as s:
            await ledger.transfer(
                s, transfer_postings(acct, "system:revenue:CREDIT", 11, "CREDIT"), f"d:{uid()}"
            )
    async with session_factory() as s:
        assert await ledger.balance(s, acct) == 10
    assert await _posting_sum(session_factory, acct) == 10


async def test_reversal_restores_balance(session_factory) -> None:
    acct = earnings(uid(), "CREDIT")
    await _fund(session_factory, acct, 10)
    async with unit_of_work(session_factory) as s:
        spent = await ledger.transfer(
            s, transfer_postings(acct, "system:revenue:CREDIT", 4, "CREDIT"), f"d:{uid()}"
        )
    async with unit_of_work(session_factory) as s:
        await ledger.reverse_transaction(s, spent.transaction_id, f"rev:{spent.transaction_id}")
    async with session_factory() as s:
        assert await ledger.balance(s, acct) == 10


async def test_200_concurrent_debits_of_1_against_100(session_factory, settings) -> None:
    acct = earnings(uid(), "CREDIT")
    await _fund(session_factory, acct, 100)

    async def debit(i: int) -> bool:
        try:
            async with unit_of_work(session_factory) as s:
                await ledger.transfer(
                    s, transfer_postings(acct, "system:revenue:CREDIT", 1, "CREDIT"), f"debit:{acct}:{i}"
                )
            return True
        except InsufficientFunds:
            return False

    results = await asyncio.gather(*(debit(i) for i in range(200)))
    assert sum(results) == 100
    async with session_factory() as s:
        assert await ledger.balance(s, acct) == 0
        bal = (await s.execute(select(Balance.balance).where(Balance.account_code == acct))).scalar_one()
        assert bal == 0
        total = (await s.execute(select(func.sum(Posting.amount)))).scalar_one()
        assert total == 0  # the whole ledger still sums to zero
    assert await _posting_sum(session_factory, acct) == 0


async def test_a_transfer_records_what_caused_it(db_session) -> None:  # type: ignore[no-untyped-def]
    """The bound context (an API request, a workflow activity) is kept in the transaction."""
    from sqlalchemy import select

    from config.logging import bound
    from db.models.ledger import LedgerTransaction
    from domain.ledger import earnings, transfer_postings
    from services import ledger as ledger_service
    from tests.support.tokens import uid

    acct = earnings(uid(), "CREDIT")
    with bound(request_id="req_123", principal_id="u_9", workflow_id=None):
        result = await ledger_service.transfer(
            db_session, transfer_postings("system:issued:CREDIT", acct, 10, "CREDIT"), uid("k")
        )
    row = (
        await db_session.execute(
            select(LedgerTransaction).where(LedgerTransaction.id == result.transaction_id)
        )
    ).scalar_one()
    assert row.metadata_["cause"] == {"request_id": "req_123", "principal_id": "u_9"}
