"""The reconciler's reads: payments, refunds, deposits and payouts to compare with provider truth."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.payments import CryptoDeposit, Payment, Refund
from db.models.payouts import Payout


async def provider_payments_since(
    session: AsyncSession, since: datetime, *, providers: Sequence[str], after_id: str = "", limit: int = 200
) -> list[Payment]:
    """Payments at a provider created since `since`, a page at a time in id order."""
    stmt = (
        select(Payment)
        .where(Payment.created_at >= since, Payment.provider.in_(list(providers)), Payment.id > after_id)
        .order_by(Payment.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def payments_by_object(
    session: AsyncSession, provider: str, object_ids: Sequence[str]
) -> dict[str, Payment]:
    if not object_ids:
        return {}
    stmt = select(Payment).where(
        Payment.provider == provider, Payment.provider_object_id.in_(list(object_ids))
    )
    return {p.provider_object_id or "": p for p in (await session.execute(stmt)).scalars()}


async def refunds_by_provider_id(session: AsyncSession, refund_ids: Sequence[str]) -> dict[str, Refund]:
    if not refund_ids:
        return {}
    stmt = select(Refund).where(Refund.provider_refund_id.in_(list(refund_ids)))
    return {r.provider_refund_id or "": r for r in (await session.execute(stmt)).scalars()}


async def refunds_since(
    session: AsyncSession, since: datetime, *, provider: str
) -> list[tuple[Refund, Payment]]:
    stmt = (
        select(Refund, Payment)
        .join(Payment, Payment.id == Refund.payment_id)
        .where(Refund.created_at >= since, Payment.provider == provider)
        .order_by(Refund.id)
    )
    return [(r, p) for r, p in (await session.execute(stmt)).all()]


async def unsettled_deposits(
    session: AsyncSession, since: datetime
) -> list[tuple[CryptoDeposit, Payment | None]]:
    """Deposits still `seen` (neither counted toward a payment nor credited)."""
    stmt = (
        select(CryptoDeposit, Payment)
        .outerjoin(Payment, Payment.id == CryptoDeposit.payment_id)
        .where(CryptoDeposit.status == "seen", CryptoDeposit.created_at >= since)
        .order_by(CryptoDeposit.id)
    )
    return [(d, p) for d, p in (await session.execute(stmt)).all()]


async def pending_payouts_before(session: AsyncSession, before: datetime, limit: int = 500) -> list[Payout]:
    """Payouts still pending (held, nothing sent) created before `before`."""
    stmt = (
        select(Payout)
        .where(Payout.status == "pending", Payout.created_at < before)
        .order_by(Payout.created_at)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())
