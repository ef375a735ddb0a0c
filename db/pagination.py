"""Keyset pagination for repositories: the page after a cursor row, in a stable total order.

The order is the given columns then the primary key `id`, so ties never repeat or skip a row. The
cursor row is looked up with the list's own filters: a cursor naming someone else's row is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound


async def keyset_page(
    session: AsyncSession,
    stmt: Select[Any],
    model: Any,
    *,
    order: Sequence[Any] = (),
    limit: int,
    starting_after: str | None,
    descending: bool = False,
) -> list[Any]:
    """At most limit + 1 rows of `stmt` (a select of `model` with its filters) after the cursor."""
    cols = [*order, model.id]
    if starting_after is not None:
        try:
            anchor_id = model.id.type.python_type(starting_after)
        except (TypeError, ValueError):
            anchor_id = None
        anchor = (
            None
            if anchor_id is None
            else (await session.execute(stmt.with_only_columns(*cols).where(model.id == anchor_id))).first()
        )
        if anchor is None:
            raise NotFound("unknown cursor", param="starting_after", code="invalid_cursor")
        after = tuple_(*cols) < tuple_(*anchor) if descending else tuple_(*cols) > tuple_(*anchor)
        stmt = stmt.where(after)
    stmt = stmt.order_by(*(c.desc() for c in cols) if descending else cols).limit(limit + 1)
    return list((await session.execute(stmt)).scalars())
