"""The invariant checker passes on a consistent ledger and catches each kind of corruption."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.ledger import transfer_postings, wallet
from services import ledger
from services.invariants import check, failures
from tests.support.tokens import uid


async def _names_failing(session) -> set[str]:
    return {r.name for r in failures(await check(session))}


async def test_consistent_ledger_passes(db_session) -> None:
    acct = wallet(uid())
    await ledger.transfer(db_session, transfer_postings("system:issued:CREDIT", acct, 10, "CREDIT"), uid("k"))
    assert await _names_failing(db_session) == set()


@pytest.mark.parametrize(
    ("corruption", "expected"),
    [
        ("UPDATE balances SET balance = balance + 1 WHERE account_code = :acct", "balances_match_postings"),
        ("UPDATE postings SET amount = amount + 1 WHERE account_code = :acct", "transactions_balance"),
        (
            "ALTER TABLE balances DROP CONSTRAINT ck_balances_non_negative; "
            "UPDATE balances SET balance = -5 WHERE account_code = :acct",
            "non_negative_accounts",
        ),
    ],
)
async def test_corruption_is_caught(db_session, settings, corruption: str, expected: str) -> None:
    if "ALTER TABLE" in corruption and not settings.is_postgres:
        pytest.skip("needs PostgreSQL DDL")
    acct = wallet(uid())
    await ledger.transfer(db_session, transfer_postings("system:issued:CREDIT", acct, 10, "CREDIT"), uid("k"))
    for stmt in corruption.split("; "):
        await db_session.execute(text(stmt), {"acct": acct} if ":acct" in stmt else {})
    assert expected in await _names_failing(db_session)
