"""All credits SQL (statement by statement). The deduct hot path as one function call is credits_pg.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.credits import CreditEntry, CreditLot, CreditLotDraw, CreditLowBalanceEvent, CreditWallet
from db.pagination import keyset_page
from db.sql import insert_for
from domain.credits import Draw, Lot


@dataclass(frozen=True, slots=True)
class WalletRow:
    user_id: str
    balance: int
    next_expiry: datetime | None
    low_balance_threshold: int | None


def _wallet(row: CreditWallet) -> WalletRow:
    return WalletRow(row.user_id, int(row.balance), row.next_expiry, row.low_balance_threshold)


async def ensure_wallet(session: AsyncSession, user_id: str, now: datetime) -> None:
    stmt = (
        insert_for(session, CreditWallet)
        .values(
            user_id=user_id,
            balance=0,
            next_expiry=None,
            low_balance_threshold=None,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    await session.execute(stmt)


async def lock_wallet(session: AsyncSession, user_id: str) -> WalletRow | None:
    """The wallet summary row, locked: every credits operation of a user serialises on it."""
    stmt = select(CreditWallet).where(CreditWallet.user_id == user_id).with_for_update()
    row = (await session.execute(stmt)).scalar_one_or_none()
    return None if row is None else _wallet(row)


async def get_wallet(session: AsyncSession, user_id: str) -> WalletRow | None:
    row = await session.get(CreditWallet, user_id)
    return None if row is None else _wallet(row)


async def update_wallet(
    session: AsyncSession, user_id: str, *, balance: int, next_expiry: datetime | None, now: datetime
) -> None:
    await session.execute(
        update(CreditWallet)
        .where(CreditWallet.user_id == user_id)
        .values(balance=balance, next_expiry=next_expiry, updated_at=now)
    )


async def set_threshold(session: AsyncSession, user_id: str, threshold: int | None, now: datetime) -> None:
    await session.execute(
        update(CreditWallet)
        .where(CreditWallet.user_id == user_id)
        .values(low_balance_threshold=threshold, updated_at=now)
    )


async def entry_by_key(session: AsyncSession, user_id: str, key: str) -> CreditEntry | None:
    stmt = select(CreditEntry).where(CreditEntry.user_id == user_id, CreditEntry.key == key)
    return (await session.execute(stmt)).scalar_one_or_none()


async def live_lots(session: AsyncSession, user_id: str, now: datetime) -> list[Lot]:
    stmt = (
        select(CreditLot.id, CreditLot.remaining, CreditLot.expires_at)
        .where(CreditLot.user_id == user_id, CreditLot.remaining > 0)
        .where(or_(CreditLot.expires_at.is_(None), CreditLot.expires_at > now))
    )
    return [Lot(i, int(r), e) for i, r, e in (await session.execute(stmt)).all()]


async def expired_unswept(session: AsyncSession, user_id: str, now: datetime) -> int:
    """Credits still in the wallet whose lot has expired (the sweep has not moved them yet)."""
    stmt = select(func.coalesce(func.sum(CreditLot.remaining), 0)).where(
        CreditLot.user_id == user_id, CreditLot.remaining > 0, CreditLot.expires_at <= now
    )
    return int((await session.execute(stmt)).scalar_one())


async def next_expiry(session: AsyncSession, user_id: str) -> datetime | None:
    stmt = select(func.min(CreditLot.expires_at)).where(
        CreditLot.user_id == user_id, CreditLot.remaining > 0, CreditLot.expires_at.is_not(None)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def expiring(
    session: AsyncSession, user_id: str, now: datetime, limit: int = 20
) -> list[tuple[datetime, int]]:
    """Upcoming expiries of the user's live lots, grouped by date (uses the live-lots index)."""
    stmt = (
        select(CreditLot.expires_at, func.sum(CreditLot.remaining))
        .where(CreditLot.user_id == user_id, CreditLot.remaining > 0, CreditLot.expires_at > now)
        .group_by(CreditLot.expires_at)
        .order_by(CreditLot.expires_at)
        .limit(limit)
    )
    return [(e, int(s)) for e, s in (await session.execute(stmt)).all() if e is not None]


async def insert_lot(
    session: AsyncSession,
    *,
    user_id: str,
    source: str,
    amount: int,
    expires_at: datetime | None,
    transaction_id: str,
    now: datetime,
) -> int:
    stmt = (
        insert_for(session, CreditLot)
        .values(
            user_id=user_id,
            source=source,
            amount=amount,
            remaining=amount,
            expired=0,
            expires_at=expires_at,
            transaction_id=transaction_id,
            created_at=now,
        )
        .returning(CreditLot.id)
    )
    return int((await session.execute(stmt)).scalar_one())


async def change_lots(session: AsyncSession, deltas: Sequence[tuple[int, int]]) -> None:
    """Add each delta to its lot's remaining (negative: a draw; positive: a refund)."""
    for lot_id, delta in deltas:
        await session.execute(
            update(CreditLot).where(CreditLot.id == lot_id).values(remaining=CreditLot.remaining + delta)
        )


async def insert_entry(session: AsyncSession, **values: object) -> tuple[int, datetime]:
    stmt = insert_for(session, CreditEntry).values(**values).returning(CreditEntry.id, CreditEntry.created_at)
    entry_id, created_at = (await session.execute(stmt)).one()
    return int(entry_id), created_at


async def insert_draws(session: AsyncSession, entry_id: int, plan: Sequence[tuple[int, int]]) -> None:
    await session.execute(
        insert_for(session, CreditLotDraw),
        [
            {"entry_id": entry_id, "lot_id": lot_id, "seq": i, "amount": take, "refunded": 0}
            for i, (lot_id, take) in enumerate(plan, start=1)
        ],
    )


async def draws_of(session: AsyncSession, entry_id: int) -> list[Draw]:
    stmt = (
        select(CreditLotDraw.lot_id, CreditLotDraw.amount, CreditLotDraw.refunded)
        .where(CreditLotDraw.entry_id == entry_id)
        .order_by(CreditLotDraw.seq)
    )
    return [Draw(lot, int(a), int(r)) for lot, a, r in (await session.execute(stmt)).all()]


async def mark_refunded(session: AsyncSession, entry_id: int, plan: Sequence[tuple[int, int]]) -> None:
    """Record a refund against the deduct entry and its draws; CHECK constraints cap both."""
    total = sum(give for _, give in plan)
    await session.execute(
        update(CreditEntry).where(CreditEntry.id == entry_id).values(refunded=CreditEntry.refunded + total)
    )
    for lot_id, give in plan:
        await session.execute(
            update(CreditLotDraw)
            .where(CreditLotDraw.entry_id == entry_id, CreditLotDraw.lot_id == lot_id)
            .values(refunded=CreditLotDraw.refunded + give)
        )


async def lot_for_update(session: AsyncSession, lot_id: int) -> CreditLot | None:
    stmt = select(CreditLot).where(CreditLot.id == lot_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def lot_owner(session: AsyncSession, lot_id: int) -> str | None:
    return (
        await session.execute(select(CreditLot.user_id).where(CreditLot.id == lot_id))
    ).scalar_one_or_none()


async def mark_expired(session: AsyncSession, lot_id: int, amount: int) -> None:
    await session.execute(
        update(CreditLot)
        .where(CreditLot.id == lot_id)
        .values(remaining=CreditLot.remaining - amount, expired=CreditLot.expired + amount)
    )


async def due_lots(session: AsyncSession, as_of: datetime, limit: int) -> list[int]:
    """Lots whose expiry has passed and that still hold credits (the sweep's index)."""
    stmt = (
        select(CreditLot.id)
        .where(CreditLot.remaining > 0, CreditLot.expires_at.is_not(None), CreditLot.expires_at <= as_of)
        .order_by(CreditLot.expires_at, CreditLot.id)
        .limit(limit)
    )
    return [int(i) for i in (await session.execute(stmt)).scalars().all()]


async def earliest_expiry(session: AsyncSession) -> datetime | None:
    stmt = select(func.min(CreditLot.expires_at)).where(
        CreditLot.remaining > 0, CreditLot.expires_at.is_not(None)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_low_balance_event(
    session: AsyncSession, *, user_id: str, threshold: int, balance: int, entry_id: int, now: datetime
) -> None:
    await session.execute(
        insert_for(session, CreditLowBalanceEvent).values(
            user_id=user_id, threshold=threshold, balance=balance, entry_id=entry_id, created_at=now
        )
    )


async def low_balance_events(
    session: AsyncSession, user_id: str, *, limit: int, starting_after: str | None
) -> list[CreditLowBalanceEvent]:
    """Oldest first, one page (limit + 1 rows)."""
    stmt = select(CreditLowBalanceEvent).where(CreditLowBalanceEvent.user_id == user_id)
    return await keyset_page(session, stmt, CreditLowBalanceEvent, limit=limit, starting_after=starting_after)


async def history(
    session: AsyncSession, user_id: str, *, limit: int, before_id: int | None
) -> list[CreditEntry]:
    """Newest first, keyset-paginated on the entry id (index user_id, id)."""
    stmt = select(CreditEntry).where(CreditEntry.user_id == user_id)
    if before_id is not None:
        stmt = stmt.where(CreditEntry.id < before_id)
    stmt = stmt.order_by(CreditEntry.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars().all())


async def totals_by_type(
    session: AsyncSession, user_id: str, start: datetime | None, end: datetime | None
) -> dict[str, int]:
    """Sum of |amount| per entry type in [start, end), net of refunds already counted as their own type."""
    conds = [CreditEntry.user_id == user_id]
    if start is not None:
        conds.append(CreditEntry.created_at >= start)
    if end is not None:
        conds.append(CreditEntry.created_at < end)
    stmt = (
        select(
            CreditEntry.type,
            func.sum(case((CreditEntry.amount < 0, -CreditEntry.amount), else_=CreditEntry.amount)),
        )
        .where(and_(*conds))
        .group_by(CreditEntry.type)
    )
    return {t: int(s) for t, s in (await session.execute(stmt)).all()}
