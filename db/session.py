"""Engine and the unit of work. Only the unit-of-work boundary commits; everything inside flushes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SessionFactory = async_sessionmaker[AsyncSession]


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if not url.startswith("postgresql"):
        raise ValueError(f"meshpay runs on PostgreSQL only; MESHPAY_DATABASE_URL is {url.split(':', 1)[0]!r}")
    # No pre-ping: it costs a round trip per checkout on the hot path; stale connections are
    # recycled instead, and a request that meets a dead one fails cleanly (retry with its key).
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One DB transaction: commit on success, roll back on any exception."""
    async with factory() as session, session.begin():
        yield session
