"""The invariant checker: verifies, on a live database, that no money was created, lost or moved twice.

`check(session)` returns one result per invariant; `meshpay check` prints them and exits non-zero
when any is violated. Every test tier ends by running it (tests/support/invariants.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import invariants as repo


@dataclass(frozen=True)
class InvariantResult:
    name: str
    description: str
    ok: bool
    skipped: bool = False
    examples: list[tuple] = field(default_factory=list)


async def check(session: AsyncSession) -> list[InvariantResult]:
    results: list[InvariantResult] = []
    for name, (description, sql) in repo.LEDGER_CHECKS.items():
        bad = await repo.violations(session, sql)
        results.append(InvariantResult(name, description, ok=not bad, examples=bad))
    for name, (description, tables, sql) in repo.AREA_CHECKS.items():
        if not all([await repo.table_exists(session, t) for t in tables]):
            results.append(InvariantResult(name, description, ok=True, skipped=True))
            continue
        bad = await repo.violations(session, sql)
        results.append(InvariantResult(name, description, ok=not bad, examples=bad))
    return results


def failures(results: list[InvariantResult]) -> list[InvariantResult]:
    return [r for r in results if not r.ok]
