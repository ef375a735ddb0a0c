"""Every test tier ends by running the invariant checker over the whole test database."""

from __future__ import annotations

from db.session import SessionFactory
from services.invariants import check, failures


async def assert_invariants(session_factory: SessionFactory) -> None:
    async with session_factory() as session:
        results = await check(session)
    bad = failures(results)
    assert not bad, "invariants violated:\n" + "\n".join(
        f"- {r.name}: {r.description}; e.g. {r.examples[:3]}" for r in bad
    )
