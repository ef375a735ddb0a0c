"""SQL of credit notes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.credit_notes import CreditNote
from db.sql import insert_for


async def by_key(session: AsyncSession, key: str) -> CreditNote | None:
    return (
        await session.execute(select(CreditNote).where(CreditNote.idempotency_key == key))
    ).scalar_one_or_none()


async def get(session: AsyncSession, credit_note_id: str) -> CreditNote | None:
    return await session.get(CreditNote, credit_note_id)


async def credited(session: AsyncSession, invoice_id: str) -> int:
    stmt = select(func.coalesce(func.sum(CreditNote.total), 0)).where(CreditNote.invoice_id == invoice_id)
    return int((await session.execute(stmt)).scalar_one())


async def insert(session: AsyncSession, row: dict[str, Any]) -> None:
    await session.execute(insert_for(session, CreditNote).values(row))
