"""SQL for API idempotency records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.platform import IdempotencyRecord
from db.sql import insert_for


async def claim(
    session: AsyncSession,
    *,
    principal_id: str,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    expires_at: datetime,
    locked_until: datetime,
) -> int | None:
    """Insert an in-flight record; its id, or None when the key is already taken."""
    stmt = (
        insert_for(session, IdempotencyRecord)
        .values(
            principal_id=principal_id,
            key=key,
            method=method,
            path=path,
            request_hash=request_hash,
            created_at=utcnow(),
            expires_at=expires_at,
            locked_until=locked_until,
        )
        .on_conflict_do_nothing(index_elements=["principal_id", "key"])
        .returning(IdempotencyRecord.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def take_over(
    session: AsyncSession,
    record_id: int,
    *,
    request_hash: str,
    now: datetime,
    stale_before: datetime,
    locked_until: datetime,
) -> int | None:
    """Claim an in-flight record of the same request whose owner gave it up (a 5xx) or died (its
    lock lapsed); None while another request still owns it. Atomic: one of two racers wins."""
    stmt = (
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == record_id,
            IdempotencyRecord.status_code.is_(None),
            IdempotencyRecord.request_hash == request_hash,
            or_(
                IdempotencyRecord.locked_until <= now,
                IdempotencyRecord.locked_until.is_(None) & (IdempotencyRecord.created_at < stale_before),
            ),
        )
        .values(locked_until=locked_until)
        .returning(IdempotencyRecord.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def find(session: AsyncSession, principal_id: str, key: str) -> IdempotencyRecord | None:
    stmt = select(IdempotencyRecord).where(
        IdempotencyRecord.principal_id == principal_id, IdempotencyRecord.key == key
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def complete(
    session: AsyncSession, record_id: int, status: int, body: bytes, headers: dict[str, Any]
) -> None:
    await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id)
        .values(status_code=status, response_body=body, response_headers=headers, locked_until=None)
    )


async def release(session: AsyncSession, record_id: int, now: datetime) -> None:
    """Give the key back for a retry of the same request (a different request stays refused)."""
    await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id, IdempotencyRecord.status_code.is_(None))
        .values(locked_until=now)
    )


async def delete_expired(session: AsyncSession, record_id: int, now: datetime) -> None:
    await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id, IdempotencyRecord.expires_at < now)
    )


async def purge_expired(session: AsyncSession, now: datetime, limit: int) -> int:
    """Delete up to `limit` expired records (oldest first); how many went."""
    ids = (
        select(IdempotencyRecord.id)
        .where(IdempotencyRecord.expires_at < now)
        .order_by(IdempotencyRecord.expires_at)
        .limit(limit)
        .scalar_subquery()
    )
    result = await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
