"""SQL for API idempotency records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
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
        )
        .on_conflict_do_nothing(index_elements=["principal_id", "key"])
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
        .values(status_code=status, response_body=body, response_headers=headers)
    )


async def release(session: AsyncSession, record_id: int) -> None:
    await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))


async def delete_expired(session: AsyncSession, record_id: int, now: datetime) -> None:
    await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id, IdempotencyRecord.expires_at < now)
    )
