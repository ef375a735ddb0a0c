"""A repeated idempotency key must be the same movement; a different one is 409, never "already done"
(issue #11.5) — in the ledger itself and in every credits movement, on both deduct paths."""

from __future__ import annotations

import pytest

from db.session import unit_of_work
from domain import credits as rules
from domain.errors import Conflict
from domain.ledger import earnings, transfer_postings
from services import credits, credits_debit, ledger
from services.credits_keys import caller_reference
from tests.support.tokens import uid


async def test_ledger_key_repeated_for_another_movement_is_a_conflict(db_session) -> None:
    src, dst, key = "system:test_src:CREDIT", earnings(uid(), "CREDIT"), uid("k")
    first = await ledger.transfer(db_session, transfer_postings(src, dst, 10, "CREDIT"), key, kind="t")
    again = await ledger.transfer(db_session, transfer_postings(src, dst, 10, "CREDIT"), key, kind="t")
    assert first.created and not again.created and again.transaction_id == first.transaction_id
    for postings, kind in (
        (transfer_postings(src, dst, 11, "CREDIT"), "t"),  # amount
        (transfer_postings(src, earnings(uid(), "CREDIT"), 10, "CREDIT"), "t"),  # accounts
        (transfer_postings("system:test_src:USD", earnings(uid(), "USD"), 10, "USD"), "t"),  # currency
        (transfer_postings(src, dst, 10, "CREDIT"), "other"),  # kind
    ):
        with pytest.raises(Conflict) as exc:
            await ledger.transfer(db_session, postings, key, kind=kind)
        assert exc.value.code == "idempotency_key_conflict"
    assert await ledger.balance(db_session, dst) == 10


@pytest.mark.parametrize("pg_function", [True, False], ids=["pg_function", "portable"])
async def test_debit_reference_repeated_for_another_movement_is_a_conflict(
    session_factory, monkeypatch, pg_function
) -> None:
    monkeypatch.setattr(credits_debit, "USE_PG_FUNCTION", pg_function)
    user, ref = uid(), f"esc:{uid('c')}:fund"
    async with unit_of_work(session_factory) as s:
        await credits.grant_reward(
            s, user_id=user, amount=100, reference=uid("g"), expires_at=None, reason="t"
        )
    dest = f"escrow:{uid('c')}:CREDIT"

    async def debit(**kw):  # type: ignore[no-untyped-def]
        async with unit_of_work(session_factory) as s:
            args = {
                "user_id": user,
                "amount": 10,
                "reference": ref,
                "destination": dest,
                "kind": "escrow_fund",
            }
            return await credits.debit_wallet(s, **{**args, **kw})

    first = await debit()
    assert first.created and not (await debit()).created
    for change in (
        {"amount": 11},
        {"destination": rules.SPENT},
        {"kind": "spend"},
        {"attribution": credits_debit.Attribution(agent_id="a")},
        {"attribution": credits_debit.Attribution(run_id="r")},
    ):
        with pytest.raises(Conflict) as exc:
            await debit(**change)
        assert exc.value.code == "idempotency_key_conflict", change
    async with session_factory() as s:
        assert (await credits.balance_view(s, user)).balance == 90


async def test_credit_reference_repeated_for_another_movement_is_a_conflict(db_session) -> None:
    user, ref = uid(), uid("pay")
    args = {"user_id": user, "reference": ref, "source": "purchase", "from_account": rules.ISSUED}
    first = await credits.credit_wallet(db_session, amount=50, **args)
    assert not (await credits.credit_wallet(db_session, amount=50, **args)).created
    for change in ({"amount": 51}, {"source": "reward"}, {"from_account": rules.PROMOTIONS}):
        with pytest.raises(Conflict):
            await credits.credit_wallet(db_session, **{**args, "amount": 50, **change})
    assert first.created and (await credits.balance_view(db_session, user)).balance == 50


def test_caller_namespaces_are_disjoint() -> None:
    assert caller_reference("agent", "a:b", "c") != caller_reference("agent", "a", "b:c")
    assert caller_reference("agent", "x", "r") != caller_reference("service", "x", "r")
    assert caller_reference("service", "s", "esc:1:fund").startswith("api:service:s:")
