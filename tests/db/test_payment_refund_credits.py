"""Refunding a credits purchase takes the credits back first (real PostgreSQL, real commits).

The credits leave the wallet for system:credits_issued:CREDIT in proportion to the money refunded,
keyed on the refund; credits already spent refuse the refund (409 credits_already_spent) and nothing
moves; an admin's force takes back what is left; a refund the provider refuses gives them back.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contracts.payments import PaymentInput, PaymentPurpose
from db.models.payments import Refund
from db.repositories import payments as repo
from db.session import SessionFactory, unit_of_work
from domain import credits as credits_rules
from domain.errors import Conflict
from domain.ledger import wallet
from services import credits, ledger
from services import payment_refunds as refunds
from services import payments as svc
from tests.support.tokens import uid

CREDIT = 10**4  # CREDIT minor units per credit


async def bought(
    factory: SessionFactory, *, usd: int = 1000, credits_bought: int = 10 * CREDIT
) -> tuple[str, str]:
    """A completed Stripe credits purchase: (payment_id, user)."""
    user, pid = uid("buyer"), f"pay_{uid('t')}"
    async with unit_of_work(factory) as s:
        await svc.ensure_payment(
            s,
            PaymentInput(
                pid, user, usd, "USD", "stripe", PaymentPurpose("credits", None, user, credits_bought)
            ),
        )
        await svc.complete(s, pid)
    return pid, user


async def wallet_balance(factory: SessionFactory, user: str) -> int:
    async with factory() as s:
        return int(await ledger.balance(s, wallet(user)))


async def refund(factory: SessionFactory, pid: str, amount: int | None, key: str, *, force: bool = False):  # type: ignore[no-untyped-def]
    async with unit_of_work(factory) as s:
        r = await refunds.reserve_refund(
            s, pid, amount=amount, reason="test", idempotency_key=key, force=force
        )
    return r


async def test_partial_refunds_take_back_credits_in_proportion(session_factory: SessionFactory) -> None:
    pid, user = await bought(session_factory)
    async with session_factory() as s:
        issued_before = await ledger.balance(s, credits_rules.ISSUED)
    r1 = await refund(session_factory, pid, 333, uid("k"))
    assert await wallet_balance(session_factory, user) == 10 * CREDIT - 33_300
    again = await refund(session_factory, pid, 333, r1.idempotency_key)  # the same key: no second take
    assert again.id == r1.id
    assert await wallet_balance(session_factory, user) == 10 * CREDIT - 33_300
    await refund(session_factory, pid, None, uid("k"))  # the rest
    assert await wallet_balance(session_factory, user) == 0  # exactly everything, across both
    async with session_factory() as s:
        issued_after = await ledger.balance(s, credits_rules.ISSUED)
    assert issued_after - issued_before == 10 * CREDIT  # back where purchases are issued from


async def test_spent_credits_refuse_the_refund_and_nothing_moves(session_factory: SessionFactory) -> None:
    pid, user = await bought(session_factory)
    async with unit_of_work(session_factory) as s:
        await credits.debit_wallet(s, user_id=user, amount=8 * CREDIT, reference=uid("spend"))
    with pytest.raises(Conflict) as refused:
        await refund(session_factory, pid, None, uid("k"))
    assert refused.value.code == "credits_already_spent"
    assert refused.value.status == 409
    async with session_factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.refunded_amount == 0 and row.refund_count == 0
        n = (
            await s.execute(select(func.count()).select_from(Refund).where(Refund.payment_id == pid))
        ).scalar_one()
        assert n == 0
    assert await wallet_balance(session_factory, user) == 2 * CREDIT
    # What is still there can be refunded: 2.00 takes back the 2 credits left.
    await refund(session_factory, pid, 200, uid("k"))
    assert await wallet_balance(session_factory, user) == 0


async def test_force_takes_back_what_is_left_and_refunds(session_factory: SessionFactory) -> None:
    pid, user = await bought(session_factory)
    async with unit_of_work(session_factory) as s:
        await credits.debit_wallet(s, user_id=user, amount=7 * CREDIT, reference=uid("spend"))
    r = await refund(session_factory, pid, None, uid("k"), force=True)
    assert r.status == "pending" and r.amount == 1000
    assert await wallet_balance(session_factory, user) == 0
    async with session_factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.refunded_amount == 1000


async def test_a_refused_refund_gives_the_credits_back(session_factory: SessionFactory) -> None:
    pid, user = await bought(session_factory)
    r = await refund(session_factory, pid, 500, uid("k"))
    assert await wallet_balance(session_factory, user) == 5 * CREDIT
    async with unit_of_work(session_factory) as s:
        await refunds.fail_refund(s, r.id, "the provider said no")
    async with unit_of_work(session_factory) as s:
        await refunds.fail_refund(s, r.id, "the provider said no")  # twice: still once
    assert await wallet_balance(session_factory, user) == 10 * CREDIT
    async with session_factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None and row.refunded_amount == 0
