"""SQL helpers: PostgreSQL is the one database engine (production, `make run`'s embedded one, tests)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Table | Any) -> Any:
    """An INSERT that supports ON CONFLICT (PostgreSQL's)."""
    return postgresql.insert(table)
