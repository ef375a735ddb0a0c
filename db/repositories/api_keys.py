"""API key rows: all their SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.api_keys import ApiKey


async def add(session: AsyncSession, key: ApiKey) -> None:
    session.add(key)
    await session.flush()


async def by_hash(session: AsyncSession, secret_hash: str) -> ApiKey | None:
    return (
        await session.execute(select(ApiKey).where(ApiKey.secret_hash == secret_hash))
    ).scalar_one_or_none()


async def get(session: AsyncSession, key_id: str) -> ApiKey | None:
    return await session.get(ApiKey, key_id)


async def page(session: AsyncSession, *, limit: int, starting_after: str | None) -> list[ApiKey]:
    q = select(ApiKey).order_by(ApiKey.id).limit(limit)
    if starting_after is not None:
        q = q.where(ApiKey.id > starting_after)
    return list((await session.execute(q)).scalars())


async def revoke(session: AsyncSession, key_id: str, at: datetime) -> bool:
    """True if this call revoked it (an already revoked key keeps its first revocation time)."""
    res = await session.execute(
        update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=at)
    )
    return bool(res.rowcount)  # type: ignore[attr-defined]
