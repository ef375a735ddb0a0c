"""A deduct's ledger transaction says whom it paid for and what caused it, on both deduct paths
(the PL/pgSQL function writes its transaction itself). (The mandate id rides the same way: see
tests/api/test_mandates.py; a made-up one here would break the usage invariant for the whole run.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from config.logging import bound
from db.models.ledger import LedgerTransaction
from db.session import unit_of_work
from services import credits, credits_debit
from services.credits_debit import Attribution
from tests.support.tokens import uid


@pytest.mark.parametrize("pg_function", [True, False], ids=["pg_function", "portable"])
async def test_deduct_metadata_names_agent_run_and_cause(session_factory, monkeypatch, pg_function) -> None:
    monkeypatch.setattr(credits_debit, "USE_PG_FUNCTION", pg_function)
    user = uid()
    async with unit_of_work(session_factory) as s:
        await credits.grant_reward(
            s, user_id=user, amount=100, reference=uid("g"), expires_at=None, reason="t"
        )
    with bound(request_id="req_7", principal_id="agent_1"):
        async with unit_of_work(session_factory) as s:
            r = await credits.debit_wallet(
                s,
                user_id=user,
                amount=10,
                reference=uid("r"),
                attribution=Attribution(agent_id="agent_1", run_id="run_1"),
            )
    async with session_factory() as s:
        row = (
            await s.execute(select(LedgerTransaction).where(LedgerTransaction.id == r.transaction_id))
        ).scalar_one()
    meta = row.metadata_
    assert (meta["agent_id"], meta["run_id"], meta["user_id"]) == ("agent_1", "run_1", user)
    assert "mandate_id" not in meta
    assert meta["cause"] == {"request_id": "req_7", "principal_id": "agent_1"}
