"""All payout SQL: destinations, payouts (guarded status moves), reserve releases, payable earnings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.ledger import Account, Balance
from db.models.payouts import Payout, PayoutDestination, ReserveRelease
from db.pagination import keyset_page
from db.sql import insert_for


async def insert_destination(session: AsyncSession, row: dict[str, Any]) -> bool:
    stmt = (
        insert_for(session, PayoutDestination)
        .values(**row)
        .on_conflict_do_nothing()
        .returning(PayoutDestination.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def destination_by_ref(
    session: AsyncSession, payee_id: str, provider: str, account_ref: str
) -> PayoutDestination | None:
    stmt = select(PayoutDestination).where(
        PayoutDestination.payee_id == payee_id,
        PayoutDestination.provider == provider,
        PayoutDestination.account_ref == account_ref,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def clear_default(session: AsyncSession, payee_id: str) -> None:
    await session.execute(
        update(PayoutDestination)
        .where(PayoutDestination.payee_id == payee_id, PayoutDestination.is_default.is_(True))
        .values(is_default=False)
    )


async def set_default(session: AsyncSession, destination_id: str) -> None:
    await session.execute(
        update(PayoutDestination).where(PayoutDestination.id == destination_id).values(is_default=True)
    )


async def default_destination(session: AsyncSession, payee_id: str) -> PayoutDestination | None:
    stmt = select(PayoutDestination).where(
        PayoutDestination.payee_id == payee_id, PayoutDestination.is_default.is_(True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def destination(session: AsyncSession, destination_id: str) -> PayoutDestination | None:
    return await session.get(PayoutDestination, destination_id)


async def destinations_of(
    session: AsyncSession, payee_id: str, *, limit: int, starting_after: str | None
) -> Sequence[PayoutDestination]:
    """Oldest first, one page (limit + 1 rows)."""
    stmt = select(PayoutDestination).where(PayoutDestination.payee_id == payee_id)
    return await keyset_page(
        session,
        stmt,
        PayoutDestination,
        order=[PayoutDestination.created_at],
        limit=limit,
        starting_after=starting_after,
    )


async def insert_payout(session: AsyncSession, row: dict[str, Any]) -> bool:
    """Insert a payout; False when it exists already (same id, or same payee/currency/batch)."""
    stmt = insert_for(session, Payout).values(**row).on_conflict_do_nothing().returning(Payout.id)
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def payout(session: AsyncSession, payout_id: str, *, for_update: bool = False) -> Payout | None:
    stmt = select(Payout).where(Payout.id == payout_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def payout_in_batch(
    session: AsyncSession, payee_id: str, currency: str, batch_key: str
) -> Payout | None:
    stmt = select(Payout).where(
        Payout.payee_id == payee_id, Payout.currency == currency, Payout.batch_key == batch_key
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def move_status(
    session: AsyncSession, payout_id: str, from_states: Sequence[str], to_state: str, **values: Any
) -> bool:
    """A guarded state move: only from the listed states, so two racing moves cannot both win."""
    now = utcnow()
    stmt = (
        update(Payout)
        .where(Payout.id == payout_id, Payout.status.in_(from_states))
        .values(status=to_state, updated_at=now, **values)
        .returning(Payout.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def set_provider_ref(session: AsyncSession, payout_id: str, provider_ref: str) -> None:
    await session.execute(
        update(Payout)
        .where(Payout.id == payout_id, Payout.provider_ref.is_(None))
        .values(provider_ref=provider_ref, updated_at=utcnow())
    )


async def list_payouts(
    session: AsyncSession,
    *,
    payee_id: str | None,
    status: str | None,
    limit: int,
    starting_after: tuple[datetime, str] | None,
) -> Sequence[Payout]:
    """Newest first, keyset-paginated on (created_at, id)."""
    stmt = select(Payout)
    if payee_id is not None:
        stmt = stmt.where(Payout.payee_id == payee_id)
    if status is not None:
        stmt = stmt.where(Payout.status == status)
    if starting_after is not None:
        stmt = stmt.where(tuple_(Payout.created_at, Payout.id) < tuple_(*starting_after))
    stmt = stmt.order_by(Payout.created_at.desc(), Payout.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def insert_reserve(session: AsyncSession, row: dict[str, Any]) -> None:
    await session.execute(insert_for(session, ReserveRelease).values(**row).on_conflict_do_nothing())


async def reserve_of(
    session: AsyncSession, payout_id: str, *, for_update: bool = False
) -> ReserveRelease | None:
    stmt = (
        select(ReserveRelease)
        .where(ReserveRelease.payout_id == payout_id)
        .execution_options(populate_existing=True)
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def update_reserve(session: AsyncSession, payout_id: str, from_status: str, **values: Any) -> bool:
    stmt = (
        update(ReserveRelease)
        .where(ReserveRelease.payout_id == payout_id, ReserveRelease.status == from_status)
        .values(**values)
        .returning(ReserveRelease.payout_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def owner_balances(
    session: AsyncSession, owner_id: str, kinds: Sequence[str]
) -> list[tuple[str, str, int]]:
    """(kind, currency, balance) of an owner's accounts of these kinds."""
    stmt = (
        select(Account.kind, Account.currency, Balance.balance)
        .join(Balance, Balance.account_code == Account.code)
        .where(Account.owner_id == owner_id, Account.kind.in_(kinds))
        .order_by(Account.currency, Account.kind)
    )
    return [(k, c, int(b)) for k, c, b in (await session.execute(stmt)).all()]


async def lock_balances(session: AsyncSession, codes: Sequence[str]) -> dict[str, int]:
    """Balances of these accounts, row-locked until the transaction ends (stable order: no deadlock)."""
    stmt = (
        select(Balance.account_code, Balance.balance)
        .where(Balance.account_code.in_(sorted(codes)))
        .order_by(Balance.account_code)
        .with_for_update()
    )
    return {code: int(bal) for code, bal in (await session.execute(stmt)).all()}


async def payable_earnings(
    session: AsyncSession,
    minimums: dict[str, int],
    *,
    after: tuple[str, str] | None,
    limit: int,
) -> list[tuple[str, str, int]]:
    """(payee, currency, balance) of earnings accounts at or above their currency's minimum, that
    have a default destination past its cooling-off period; keyset-paginated on (payee, currency)."""
    if not minimums:
        return []
    above = or_(*(and_(Account.currency == cur, Balance.balance >= m) for cur, m in minimums.items()))
    now = utcnow()
    has_destination = (
        select(PayoutDestination.id)
        .where(
            PayoutDestination.payee_id == Account.owner_id,
            PayoutDestination.is_default.is_(True),
            or_(PayoutDestination.usable_from.is_(None), PayoutDestination.usable_from <= now),
        )
        .exists()
    )
    stmt = (
        select(Account.owner_id, Account.currency, Balance.balance)
        .join(Balance, Balance.account_code == Account.code)
        .where(Account.kind == "earnings", above, has_destination)
    )
    if after is not None:
        stmt = stmt.where(tuple_(Account.owner_id, Account.currency) > tuple_(*after))
    stmt = stmt.order_by(Account.owner_id, Account.currency).limit(limit)
    return [(str(o), c, int(b)) for o, c, b in (await session.execute(stmt)).all()]
