"""Read-only SQL for the invariant checker. Each query returns the rows that VIOLATE an invariant."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# name -> (description, SQL returning violating rows). Tables of areas that are absent are skipped.
LEDGER_CHECKS: dict[str, tuple[str, str]] = {
    "transactions_balance": (
        "every ledger transaction's postings sum to zero per currency",
        "SELECT transaction_id, currency, SUM(amount) AS total FROM postings "
        "GROUP BY transaction_id, currency HAVING SUM(amount) <> 0",
    ),
    "balances_match_postings": (
        "every balance row equals the sum of its account's postings",
        "SELECT b.account_code, b.balance, COALESCE(p.total, 0) AS postings FROM balances b "
        "LEFT JOIN (SELECT account_code, SUM(amount) AS total FROM postings GROUP BY account_code) p "
        "ON p.account_code = b.account_code WHERE b.balance <> COALESCE(p.total, 0)",
    ),
    "non_negative_accounts": (
        "no account flagged non-negative is below zero",
        "SELECT account_code, balance FROM balances WHERE non_negative AND balance < 0",
    ),
    "transactions_have_postings": (
        "every ledger transaction has at least two postings",
        "SELECT t.id FROM ledger_transactions t LEFT JOIN postings p ON p.transaction_id = t.id "
        "GROUP BY t.id HAVING COUNT(p.id) < 2",
    ),
}


async def table_exists(session: AsyncSession, table: str) -> bool:
    def _has(sync_session) -> bool:  # type: ignore[no-untyped-def]
        from sqlalchemy import inspect

        return inspect(sync_session.connection()).has_table(table)

    return bool(await session.run_sync(_has))


async def violations(session: AsyncSession, sql: str, limit: int = 20) -> list[tuple]:
    rows = (await session.execute(text(sql))).all()
    return [tuple(r) for r in rows[:limit]]


# name -> (description, tables it needs, SQL returning violating rows). Filled in per area.
AREA_CHECKS: dict[str, tuple[str, tuple[str, ...], str]] = {}
