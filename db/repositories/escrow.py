"""All escrow SQL: the row (a mirror of the workflow), its signatures and events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.escrow import Escrow, EscrowEventRow, EscrowSignature
from db.sql import insert_for

OPEN_STATUSES = ("created", "funded", "delivered", "disputed", "partially_refunded")


async def insert_escrow(
    session: AsyncSession,
    *,
    escrow_id: str,
    contract_id: str,
    payer_id: str,
    payee_id: str,
    amount: int,
    currency: str,
    fee_percent: Decimal,
    signers: Sequence[str],
    required_signatures: int,
    threshold_ppm: int,
    quote_id: str | None,
    created_at: datetime,
) -> bool:
    """Insert a new escrow; False when the contract already has one (or the quote was used)."""
    stmt = (
        insert_for(session, Escrow)
        .values(
            id=escrow_id,
            contract_id=contract_id,
            payer_id=payer_id,
            payee_id=payee_id,
            amount=amount,
            currency=currency,
            status="created",
            held=0,
            released=0,
            fee=0,
            refunded=0,
            fee_percent=fee_percent,
            signers=list(signers),
            required_signatures=required_signatures,
            signatures_count=0,
            threshold_ppm=threshold_ppm,
            delivered=False,
            quote_id=quote_id,
            created_at=created_at,
            updated_at=created_at,
        )
        .on_conflict_do_nothing()
        .returning(Escrow.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def get(session: AsyncSession, escrow_id: str) -> Escrow | None:
    return await session.get(Escrow, escrow_id)


async def get_by_contract(session: AsyncSession, contract_id: str) -> Escrow | None:
    return (
        await session.execute(select(Escrow).where(Escrow.contract_id == contract_id))
    ).scalar_one_or_none()


async def contract_of(session: AsyncSession, escrow_id: str) -> str | None:
    """The contract id of an escrow id (the API accepts either in paths)."""
    stmt = select(Escrow.contract_id).where(Escrow.id == escrow_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_escrows(
    session: AsyncSession,
    *,
    party_id: str | None,
    contract_id: str | None,
    status: str | None,
    limit: int,
    starting_after: str | None,
) -> list[Escrow]:
    """Newest first; `party_id` limits to escrows where that principal pays, is paid, or signs."""
    stmt = select(Escrow)
    if party_id is not None:
        stmt = stmt.where(or_(Escrow.payer_id == party_id, Escrow.payee_id == party_id))
    if contract_id is not None:
        stmt = stmt.where(Escrow.contract_id == contract_id)
    if status is not None:
        stmt = stmt.where(Escrow.status == status)
    if starting_after is not None:
        cursor = await session.get(Escrow, starting_after)
        if cursor is not None:
            stmt = stmt.where(
                or_(
                    Escrow.created_at < cursor.created_at,
                    (Escrow.created_at == cursor.created_at) & (Escrow.id < cursor.id),
                )
            )
    stmt = stmt.order_by(Escrow.created_at.desc(), Escrow.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars().all())


async def mirror(session: AsyncSession, escrow_id: str, values: dict[str, Any]) -> int:
    """Write the workflow's current state onto the row; the number of rows updated (0: no row)."""
    stmt = update(Escrow).where(Escrow.id == escrow_id).values(**values, updated_at=utcnow())
    result = await session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def insert_row(session: AsyncSession, values: dict[str, Any]) -> None:
    """Re-create a missing row from the workflow's state (the create request died after starting it)."""
    now = utcnow()
    stmt = insert_for(session, Escrow).values(**{"created_at": now, "updated_at": now, **values})
    await session.execute(stmt.on_conflict_do_nothing())


async def add_event(
    session: AsyncSession,
    *,
    escrow_id: str,
    seq: int,
    kind: str,
    actor: str,
    detail: dict[str, Any],
    at: datetime,
) -> bool:
    stmt = (
        insert_for(session, EscrowEventRow)
        .values(escrow_id=escrow_id, seq=seq, kind=kind, actor=actor, detail=detail, at=at)
        .on_conflict_do_nothing(index_elements=["escrow_id", "seq"])
        .returning(EscrowEventRow.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def add_signatures(session: AsyncSession, escrow_id: str, signer_ids: Sequence[str]) -> None:
    if not signer_ids:
        return
    now = utcnow()
    stmt = insert_for(session, EscrowSignature).values(
        [{"escrow_id": escrow_id, "signer_id": s, "signed_at": now} for s in signer_ids]
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["escrow_id", "signer_id"]))


async def events(session: AsyncSession, escrow_id: str) -> list[EscrowEventRow]:
    stmt = select(EscrowEventRow).where(EscrowEventRow.escrow_id == escrow_id).order_by(EscrowEventRow.seq)
    return list((await session.execute(stmt)).scalars().all())


async def open_count_by_payee(session: AsyncSession, payee_id: str) -> int:
    """Open escrows for one payee (pricing reads this as demand)."""
    stmt = (
        select(func.count())
        .select_from(Escrow)
        .where(Escrow.payee_id == payee_id, Escrow.status.in_(OPEN_STATUSES))
    )
    return int((await session.execute(stmt)).scalar_one())


async def lock_by_contract(session: AsyncSession, contract_id: str) -> Escrow | None:
    """The escrow row of a contract, locked for this transaction (funding claims and closes
    serialise on it), read fresh from the database."""
    stmt = (
        select(Escrow)
        .where(Escrow.contract_id == contract_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def set_fields(session: AsyncSession, escrow_id: str, **values: Any) -> None:
    await session.execute(update(Escrow).where(Escrow.id == escrow_id).values(**values, updated_at=utcnow()))
