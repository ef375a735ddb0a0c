"""The one pagination of every list endpoint: `?limit=&starting_after=` in, a `Page` out.

Cursors are the id of the last row of the previous page (`next_cursor`); pages are read with
`db.pagination.keyset_page` (limit + 1 rows: the extra one only says there is more).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

T = TypeVar("T")
R = TypeVar("R")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class Page(BaseModel, Generic[T]):
    data: list[T]
    has_more: bool
    next_cursor: str | None = Field(None, description="pass as starting_after to get the next page")


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    starting_after: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")] = DEFAULT_LIMIT,
    starting_after: Annotated[
        str | None, Query(min_length=1, max_length=64, description="the previous page's next_cursor")
    ] = None,
) -> PageParams:
    return PageParams(limit, starting_after)


PageQuery = Annotated[PageParams, Depends(page_params)]


def page_of(
    rows: Sequence[R],
    params: PageParams,
    view: Callable[[R], T],
    *,
    cursor: Callable[[R], Any] = lambda row: row.id,  # type: ignore[attr-defined]
    has_more: bool | None = None,
) -> Page[T]:
    """`rows` as read with limit + 1: at most `limit` of them are returned. A service that already
    cut the page says so with `has_more`."""
    more = len(rows) > params.limit if has_more is None else has_more
    shown = list(rows[: params.limit])
    return Page[T](
        data=[view(r) for r in shown],
        has_more=more,
        next_cursor=str(cursor(shown[-1])) if more and shown else None,
    )
