"""All dispute SQL, plus the two reads of other areas' tables a chargeback needs (payment, escrow)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.disputes import Dispute
from db.models.escrow import Escrow
from db.models.payments import Payment
from db.sql import insert_for


async def insert_dispute(session: AsyncSession, row: dict[str, Any]) -> bool:
    """Insert a dispute; False when the provider's dispute id is already recorded."""
    stmt = insert_for(session, Dispute).values(**row).on_conflict_do_nothing().returning(Dispute.id)
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def dispute(session: AsyncSession, dispute_id: str, *, for_update: bool = False) -> Dispute | None:
    stmt = select(Dispute).where(Dispute.id == dispute_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def update_dispute(session: AsyncSession, dispute_id: str, **values: Any) -> None:
    await session.execute(
        update(Dispute).where(Dispute.id == dispute_id).values(updated_at=utcnow(), **values)
    )


async def close_dispute(session: AsyncSession, dispute_id: str, outcome: str, **values: Any) -> bool:
    """open → won|lost, guarded: only one close wins."""
    now = utcnow()
    stmt = (
        update(Dispute)
        .where(Dispute.id == dispute_id, Dispute.status == "open")
        .values(status=outcome, closed_at=now, updated_at=now, **values)
        .returning(Dispute.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def list_disputes(
    session: AsyncSession,
    *,
    status: str | None,
    payee_id: str | None,
    limit: int,
    starting_after: tuple[datetime, str] | None,
) -> Sequence[Dispute]:
    stmt = select(Dispute)
    if status is not None:
        stmt = stmt.where(Dispute.status == status)
    if payee_id is not None:
        stmt = stmt.where(Dispute.payee_id == payee_id)
    if starting_after is not None:
        stmt = stmt.where(tuple_(Dispute.opened_at, Dispute.id) < tuple_(*starting_after))
    stmt = stmt.order_by(Dispute.opened_at.desc(), Dispute.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def payment_for_provider_object(
    session: AsyncSession, provider: str, object_ids: Sequence[str]
) -> Payment | None:
    """Our payment behind a provider object (a PaymentIntent pi_... or a capture/charge id)."""
    ids = [i for i in object_ids if i]
    if not ids:
        return None
    stmt = select(Payment).where(
        Payment.provider == provider,
        or_(Payment.provider_object_id.in_(ids), Payment.provider_capture_id.in_(ids)),
    )
    return (await session.execute(stmt)).scalars().first()


async def escrow_by_contract(session: AsyncSession, contract_id: str) -> Escrow | None:
    return (
        await session.execute(select(Escrow).where(Escrow.contract_id == contract_id))
    ).scalar_one_or_none()
