"""Credits on a real database: lot order, refunds into lots, expiry, idempotency, concurrency.

Most tests run twice on PostgreSQL: through the PL/pgSQL deduct function and through the portable
multi-statement path, so both write the same rows.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.base import utcnow
from db.models.credits import CreditEntry, CreditLot, CreditLotDraw, CreditLowBalanceEvent, CreditWallet
from db.models.ledger import Balance, LedgerTransaction, Posting
from db.session import unit_of_work
from domain import credits as rules
from domain.errors import InsufficientFunds, NotFound
from domain.ledger import wallet
from services import credits, credits_debit, ledger
from tests.support.tokens import uid

C = 10_000  # one credit in minor units (exponent 4)


@pytest.fixture(params=["pg_function", "portable"])
def path(request: pytest.FixtureRequest, settings, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(credits_debit, "USE_PG_FUNCTION", request.param == "pg_function")
    return str(request.param)


async def _grant(
    factory, user: str, amount: int, *, days: float | None = None, source: str = "reward"
) -> int:
    expires = None if days is None else utcnow() + timedelta(days=days)
    async with unit_of_work(factory) as s:
        res = await credits.credit_wallet(
            s,
            user_id=user,
            amount=amount,
            reference=uid("g"),
            source=source,
            from_account=rules.FROM_ACCOUNT[source],
            expires_at=expires,
        )
    assert res.lot_id is not None
    return res.lot_id


async def _deduct(factory, user: str, amount: int, reference: str | None = None, **kw):
    async with unit_of_work(factory) as s:
        return await credits.debit_wallet(
            s, user_id=user, amount=amount, reference=reference or uid("r"), **kw
        )


async def _lots(factory, user: str) -> dict[int, int]:
    async with factory() as s:
        rows = (
            await s.execute(select(CreditLot.id, CreditLot.remaining).where(CreditLot.user_id == user))
        ).all()
    return {i: int(r) for i, r in rows}


async def _draws(factory, entry_id: int) -> list[tuple[int, int]]:
    async with factory() as s:
        rows = (
            await s.execute(
                select(CreditLotDraw.lot_id, CreditLotDraw.amount)
                .where(CreditLotDraw.entry_id == entry_id)
                .order_by(CreditLotDraw.seq)
            )
        ).all()
    return [(i, int(a)) for i, a in rows]


async def _assert_consistent(factory, user: str) -> None:
    """Wallet summary == ledger balance == sum of postings == sum of lot remainders; ledger sums to 0."""
    async with factory() as s:
        ledger_bal = await ledger.balance(s, wallet(user))
        postings = int(
            (
                await s.execute(
                    select(func.coalesce(func.sum(Posting.amount), 0)).where(
                        Posting.account_code == wallet(user)
                    )
                )
            ).scalar_one()
        )
        lots = int(
            (
                await s.execute(
                    select(func.coalesce(func.sum(CreditLot.remaining), 0)).where(CreditLot.user_id == user)
                )
            ).scalar_one()
        )
        summary = (await s.get(CreditWallet, user)).balance
        running = (
            await s.execute(
                select(CreditEntry.balance_after)
                .where(CreditEntry.user_id == user)
                .order_by(CreditEntry.id.desc())
                .limit(1)
            )
        ).scalar_one()
        entries = int(
            (
                await s.execute(select(func.sum(CreditEntry.amount)).where(CreditEntry.user_id == user))
            ).scalar_one()
        )
        total = int((await s.execute(select(func.coalesce(func.sum(Posting.amount), 0)))).scalar_one())
    assert ledger_bal == postings == lots == summary == running == entries
    assert total == 0


async def test_fifo_by_expiry_across_mixed_lots(session_factory, path) -> None:
    user = uid()
    forever = await _grant(session_factory, user, 100 * C)  # non-expiring, oldest
    late = await _grant(session_factory, user, 50 * C, days=10)
    soon = await _grant(session_factory, user, 30 * C, days=2)
    bought = await _grant(session_factory, user, 20 * C, source="purchase")  # non-expiring, newer

    first = await _deduct(session_factory, user, 60 * C)
    assert await _draws(session_factory, first.entry_id) == [(soon, 30 * C), (late, 30 * C)]
    second = await _deduct(session_factory, user, 40 * C)
    assert await _draws(session_factory, second.entry_id) == [(late, 20 * C), (forever, 20 * C)]
    assert second.balance == 100 * C
    assert await _lots(session_factory, user) == {forever: 80 * C, late: 0, soon: 0, bought: 20 * C}

    async with session_factory() as s:
        view = await credits.balance_view(s, user)
    assert view.balance == 100 * C and view.expiring == [] and view.next_expiry is None
    await _assert_consistent(session_factory, user)


async def test_refund_goes_back_into_the_original_lots(session_factory, path) -> None:
    user = uid()
    forever = await _grant(session_factory, user, 10 * C)
    soon = await _grant(session_factory, user, 5 * C, days=1)
    ref = uid("run")
    spent = await _deduct(session_factory, user, 8 * C, ref)  # 5 from `soon`, 3 from `forever`
    assert await _lots(session_factory, user) == {forever: 7 * C, soon: 0}

    async with unit_of_work(session_factory) as s:  # partial: the last lot drawn is refilled first
        part = await credits.refund_debit(s, user_id=user, reference=ref, amount=4 * C, refund_reference="r1")
    assert part.amount == 4 * C and part.refunded_total == 4 * C
    assert await _lots(session_factory, user) == {forever: 10 * C, soon: 1 * C}

    async with unit_of_work(session_factory) as s:  # the same refund reference again: nothing more
        again = await credits.refund_debit(
            s, user_id=user, reference=ref, amount=4 * C, refund_reference="r1"
        )
    assert again.created is False and again.entry_id == part.entry_id

    with pytest.raises(InsufficientFunds) as exc:  # 4 + 5 > 8: never more than was deducted
        async with unit_of_work(session_factory) as s:
            await credits.refund_debit(s, user_id=user, reference=ref, amount=5 * C, refund_reference="r2")
    assert exc.value.code == "refund_exceeds_deduction"

    async with unit_of_work(session_factory) as s:  # the rest
        rest = await credits.refund_debit(s, user_id=user, reference=ref, amount=None, refund_reference="r3")
    assert rest.amount == 4 * C and rest.refunded_total == 8 * C
    assert await _lots(session_factory, user) == {forever: 10 * C, soon: 5 * C}
    async with session_factory() as s:
        view = await credits.balance_view(s, user)
        assert view.balance == 15 * C
        assert [a for _, a in view.expiring] == [5 * C]
        with pytest.raises(NotFound):
            await credits.refund_debit(s, user_id=user, reference="nope", amount=None, refund_reference="x")
    await _assert_consistent(session_factory, user)
    assert spent.created


async def test_expired_credits_never_count_and_are_not_drawn(session_factory, path) -> None:
    user = uid()
    await _grant(session_factory, user, 10 * C)
    expired = await _grant(session_factory, user, 7 * C, days=-1 / 24)  # expired an hour ago, unswept
    async with session_factory() as s:
        assert (await credits.balance_view(s, user)).balance == 10 * C
    with pytest.raises(InsufficientFunds) as exc:
        await _deduct(session_factory, user, 11 * C)
    assert exc.value.code == "insufficient_credits"
    result = await _deduct(session_factory, user, 10 * C)
    assert result.balance == 0
    assert (await _lots(session_factory, user))[expired] == 7 * C

    async with unit_of_work(session_factory) as s:
        assert await credits.expire_lot(s, expired, utcnow()) == 7 * C
    async with unit_of_work(session_factory) as s:
        assert await credits.expire_lot(s, expired, utcnow()) == 0  # exactly once
    async with session_factory() as s:
        lot = await s.get(CreditLot, expired)
        assert (lot.remaining, lot.expired) == (0, 7 * C)
        assert await ledger.balance(s, wallet(user)) == 0
        keys = (
            await s.execute(
                select(LedgerTransaction.idempotency_key).where(
                    LedgerTransaction.idempotency_key.like(f"credits:expire:{expired}:%")
                )
            )
        ).all()
    assert len(keys) == 1
    await _assert_consistent(session_factory, user)


async def test_insufficient_writes_nothing(session_factory, path) -> None:
    user = uid()
    await _grant(session_factory, user, 3 * C)
    with pytest.raises(InsufficientFunds):
        await _deduct(session_factory, user, 4 * C, "ref-x")
    async with session_factory() as s:
        n = (
            await s.execute(
                select(func.count())
                .select_from(CreditEntry)
                .where(CreditEntry.user_id == user, CreditEntry.type == "deduct")
            )
        ).scalar_one()
    assert n == 0
    with pytest.raises(InsufficientFunds):
        await _deduct(session_factory, uid("nobody"), 1)
    await _deduct(session_factory, user, 3 * C, "ref-x")  # the reference was not burnt
    await _assert_consistent(session_factory, user)


async def test_100_concurrent_deducts_against_10_credits(session_factory, settings, path) -> None:
    user = uid()
    await _grant(session_factory, user, 4 * C, days=3)
    await _grant(session_factory, user, 6 * C)

    async def one(i: int) -> bool:
        try:
            await _deduct(session_factory, user, C, f"job-{i}")
            return True
        except InsufficientFunds:
            return False

    results = await asyncio.gather(*(one(i) for i in range(100)))
    assert sum(results) == 10
    async with session_factory() as s:
        assert (await credits.balance_view(s, user)).balance == 0
        bal = (
            await s.execute(select(Balance.balance).where(Balance.account_code == wallet(user)))
        ).scalar_one()
        assert bal == 0
    await _assert_consistent(session_factory, user)


async def test_same_reference_20_times_concurrently_deducts_once(session_factory, settings, path) -> None:
    user = uid()
    await _grant(session_factory, user, 100 * C)
    results = await asyncio.gather(*(_deduct(session_factory, user, 7 * C, "exec-42") for _ in range(20)))
    assert len({(r.entry_id, r.transaction_id, r.amount, r.balance, r.created_at) for r in results}) == 1
    assert sum(r.created for r in results) == 1
    async with session_factory() as s:
        assert (await credits.balance_view(s, user)).balance == 93 * C
        n = (
            await s.execute(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.idempotency_key == f"credits:debit:{user}:exec-42")
            )
        ).scalar_one()
    assert n == 1
    await _assert_consistent(session_factory, user)


async def test_low_balance_event_once_per_crossing(session_factory, path) -> None:
    user = uid()
    await _grant(session_factory, user, 10 * C)
    async with unit_of_work(session_factory) as s:
        await credits.set_low_balance_threshold(s, user_id=user, threshold=5 * C)
    await _deduct(session_factory, user, 4 * C)  # 6: above
    await _deduct(session_factory, user, 2 * C)  # 4: crossed
    await _deduct(session_factory, user, 1 * C)  # 3: still below, no new event
    await _grant(session_factory, user, 10 * C)  # 13: back above
    await _deduct(session_factory, user, 9 * C)  # 4: crossed again
    async with session_factory() as s:
        events = (
            (
                await s.execute(
                    select(CreditLowBalanceEvent.balance)
                    .where(CreditLowBalanceEvent.user_id == user)
                    .order_by(CreditLowBalanceEvent.id)
                )
            )
            .scalars()
            .all()
        )
    assert [int(b) for b in events] == [4 * C, 4 * C]


async def test_purchase_grant_is_exactly_once(session_factory) -> None:
    user, payment = uid(), uid("pay")
    for _ in range(3):
        async with unit_of_work(session_factory) as s:
            await credits.grant_purchased_credits(s, user_id=user, credits=25 * C, payment_id=payment)
    async with session_factory() as s:
        assert (await credits.balance_view(s, user)).balance == 25 * C
        key = (
            (
                await s.execute(
                    select(LedgerTransaction.idempotency_key)
                    .join(CreditLot, CreditLot.transaction_id == LedgerTransaction.id)
                    .where(CreditLot.user_id == user)
                )
            )
            .scalars()
            .all()
        )
    assert key == [f"pay:{payment}:credits"]
    await _assert_consistent(session_factory, user)


async def test_expire_concurrently_is_exactly_once(session_factory, settings) -> None:
    user = uid()
    lot = await _grant(session_factory, user, 5 * C, days=1)
    later = utcnow() + timedelta(days=2)

    async def sweep() -> int:
        async with unit_of_work(session_factory) as s:
            return await credits.expire_lot(s, lot, later)

    assert sorted(await asyncio.gather(*(sweep() for _ in range(5)))) == [0, 0, 0, 0, 5 * C]
    await _assert_consistent(session_factory, user)
