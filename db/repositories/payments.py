"""All payments SQL. Status moves and refund reservations are guarded UPDATEs: the database decides."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import MinorUnits, utcnow
from db.models.payments import (
    CryptoAddress,
    CryptoAddressCounter,
    CryptoDeposit,
    Payment,
    PaymentEventLink,
    PaymentMethod,
    ProviderCustomer,
    Refund,
)
from db.pagination import keyset_page
from db.sql import insert_for

# --- payments -----------------------------------------------------------------------------------


async def insert_payment(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a payment row; False when the id already exists (nothing written)."""
    now = utcnow()
    stmt = (
        insert_for(session, Payment)
        .values(created_at=now, updated_at=now, **values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(Payment.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def get_payment(session: AsyncSession, payment_id: str, *, for_update: bool = False) -> Payment | None:
    stmt = select(Payment).where(Payment.id == payment_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()


async def payment_by_provider_object(session: AsyncSession, provider: str, object_id: str) -> Payment | None:
    stmt = select(Payment).where(Payment.provider == provider, Payment.provider_object_id == object_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_payments(
    session: AsyncSession, payer_id: str, *, limit: int, starting_after: str | None
) -> list[Payment]:
    """Newest first, one page (limit + 1 rows), keyset on (created_at, id)."""
    stmt = select(Payment).where(Payment.payer_id == payer_id)
    return await keyset_page(
        session,
        stmt,
        Payment,
        order=[Payment.created_at],
        limit=limit,
        starting_after=starting_after,
        descending=True,
    )


async def move_status(
    session: AsyncSession, payment_id: str, new_status: str, from_statuses: Iterable[str], **values: Any
) -> bool:
    """Set the status only if the row is in one of `from_statuses`; True when it moved."""
    stmt = (
        update(Payment)
        .where(Payment.id == payment_id, Payment.status.in_(list(from_statuses)))
        .values(status=new_status, updated_at=utcnow(), **values)
        .returning(Payment.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def update_payment(session: AsyncSession, payment_id: str, **values: Any) -> None:
    await session.execute(
        update(Payment).where(Payment.id == payment_id).values(updated_at=utcnow(), **values)
    )


# --- refunds ------------------------------------------------------------------------------------


async def reserve_refund_amount(
    session: AsyncSession, payment_id: str, amount: int, statuses: Sequence[str]
) -> int | None:
    """Add `amount` to refunded_amount only if it stays within captured_amount; the refund's seq n.

    One guarded UPDATE: two racing refunds serialize on the row and the second sees the first's
    total (plus a CHECK constraint behind it). None when refused.
    """
    amt = literal(amount, MinorUnits())
    stmt = (
        update(Payment)
        .where(
            Payment.id == payment_id,
            Payment.status.in_(list(statuses)),
            Payment.refunded_amount + amt <= Payment.captured_amount,
        )
        .values(
            refunded_amount=Payment.refunded_amount + amt,
            refund_count=Payment.refund_count + 1,
            updated_at=utcnow(),
        )
        .returning(Payment.refund_count)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def refunded_amount(session: AsyncSession, payment_id: str) -> int:
    """The current refunded total, read from the database (not the session's cached row)."""
    stmt = select(Payment.refunded_amount).where(Payment.id == payment_id)
    return int((await session.execute(stmt)).scalar_one())


async def release_refund_amount(session: AsyncSession, payment_id: str, amount: int) -> None:
    amt = literal(amount, MinorUnits())
    await session.execute(
        update(Payment)
        .where(Payment.id == payment_id)
        .values(refunded_amount=Payment.refunded_amount - amt, updated_at=utcnow())
    )


async def insert_refund(session: AsyncSession, values: dict[str, Any]) -> bool:
    now = utcnow()
    stmt = (
        insert_for(session, Refund)
        .values(created_at=now, updated_at=now, **values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(Refund.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def refund_by_key(session: AsyncSession, key: str) -> Refund | None:
    stmt = select(Refund).where(Refund.idempotency_key == key).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_refund(session: AsyncSession, refund_id: str, *, for_update: bool = False) -> Refund | None:
    stmt = select(Refund).where(Refund.id == refund_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()


async def refund_by_provider_id(
    session: AsyncSession, provider_refund_id: str, *, for_update: bool = False
) -> Refund | None:
    stmt = select(Refund).where(Refund.provider_refund_id == provider_refund_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()


async def refunds_for(session: AsyncSession, payment_id: str) -> list[Refund]:
    stmt = select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.seq)
    return list((await session.execute(stmt)).scalars())


async def update_refund(session: AsyncSession, refund_id: str, **values: Any) -> None:
    await session.execute(update(Refund).where(Refund.id == refund_id).values(updated_at=utcnow(), **values))


# --- stored methods and customers ---------------------------------------------------------------


async def insert_method(session: AsyncSession, values: dict[str, Any]) -> bool:
    stmt = (
        insert_for(session, PaymentMethod)
        .values(created_at=utcnow(), **values)
        .on_conflict_do_nothing(index_elements=["provider", "provider_method_id"])
        .returning(PaymentMethod.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def method_by_provider_id(
    session: AsyncSession, provider: str, provider_method_id: str
) -> PaymentMethod | None:
    stmt = select(PaymentMethod).where(
        PaymentMethod.provider == provider, PaymentMethod.provider_method_id == provider_method_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_method(session: AsyncSession, method_id: str) -> PaymentMethod | None:
    return (
        await session.execute(select(PaymentMethod).where(PaymentMethod.id == method_id))
    ).scalar_one_or_none()


async def count_open_payments(
    session: AsyncSession, payer_id: str, provider: str, *, open_statuses: Iterable[str]
) -> int:
    """Open payments of a payer with one provider, counted under a per-payer transaction lock on
    PostgreSQL so that concurrent starts cannot both pass a cap."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        key = f"open-payments:{provider}:{payer_id}"
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
    stmt = select(func.count()).where(
        Payment.payer_id == payer_id, Payment.provider == provider, Payment.status.in_(list(open_statuses))
    )
    return int((await session.execute(stmt)).scalar_one())


async def list_methods(
    session: AsyncSession, owner_id: str, *, limit: int, starting_after: str | None
) -> list[PaymentMethod]:
    """Newest first, one page (limit + 1 rows)."""
    stmt = select(PaymentMethod).where(PaymentMethod.owner_id == owner_id, PaymentMethod.deleted_at.is_(None))
    return await keyset_page(
        session,
        stmt,
        PaymentMethod,
        order=[PaymentMethod.created_at],
        limit=limit,
        starting_after=starting_after,
        descending=True,
    )


async def delete_method(session: AsyncSession, method_id: str, owner_id: str) -> bool:
    stmt = (
        update(PaymentMethod)
        .where(
            PaymentMethod.id == method_id,
            PaymentMethod.owner_id == owner_id,
            PaymentMethod.deleted_at.is_(None),
        )
        .values(deleted_at=utcnow())
        .returning(PaymentMethod.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def get_customer(session: AsyncSession, user_id: str, provider: str) -> str | None:
    stmt = select(ProviderCustomer.customer_id).where(
        ProviderCustomer.user_id == user_id, ProviderCustomer.provider == provider
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_customer(session: AsyncSession, user_id: str, provider: str, customer_id: str) -> str:
    """Record the user's provider customer; the one already stored wins a race."""
    stmt = (
        insert_for(session, ProviderCustomer)
        .values(user_id=user_id, provider=provider, customer_id=customer_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "provider"])
    )
    await session.execute(stmt)
    stored = await get_customer(session, user_id, provider)
    assert stored is not None
    return stored


# --- crypto -------------------------------------------------------------------------------------


async def allocate_index(session: AsyncSession, chain: str) -> int:
    """The next derivation index for `chain`, sequential from 0 and never handed out twice."""
    await session.execute(
        insert_for(session, CryptoAddressCounter).values(chain=chain, next_index=0).on_conflict_do_nothing()
    )
    stmt = (
        update(CryptoAddressCounter)
        .where(CryptoAddressCounter.chain == chain)
        .values(next_index=CryptoAddressCounter.next_index + 1)
        .returning(CryptoAddressCounter.next_index)
    )
    return int((await session.execute(stmt)).scalar_one()) - 1


async def insert_address(
    session: AsyncSession, *, address: str, chain: str, index: int, payment_id: str
) -> None:
    session.add(
        CryptoAddress(
            address=address, chain=chain, derivation_index=index, payment_id=payment_id, created_at=utcnow()
        )
    )
    await session.flush()


async def address_of(session: AsyncSession, payment_id: str) -> CryptoAddress | None:
    stmt = select(CryptoAddress).where(CryptoAddress.payment_id == payment_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def payment_for_address(session: AsyncSession, chain: str, address: str) -> str | None:
    stmt = select(CryptoAddress.payment_id).where(
        CryptoAddress.chain == chain, CryptoAddress.address == address
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def upsert_deposit(
    session: AsyncSession,
    *,
    chain: str,
    txid: str,
    address: str,
    payment_id: str | None,
    amount: int,
    confirmations: int,
) -> None:
    """Record a deposit; confirmations only ever go up (an out-of-order event changes nothing)."""
    now = utcnow()
    stmt = insert_for(session, CryptoDeposit).values(
        chain=chain,
        txid=txid,
        address=address,
        payment_id=payment_id,
        amount=amount,
        confirmations=confirmations,
        status="seen",
        created_at=now,
        updated_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["chain", "txid", "address"],
        set_={
            "confirmations": func.greatest(CryptoDeposit.confirmations, stmt.excluded.confirmations),
            "updated_at": now,
        },
    )
    await session.execute(stmt)


async def deposits_for(
    session: AsyncSession, payment_id: str, *, for_update: bool = False
) -> list[CryptoDeposit]:
    stmt = select(CryptoDeposit).where(CryptoDeposit.payment_id == payment_id).order_by(CryptoDeposit.id)
    if for_update:
        stmt = stmt.with_for_update()
    return list((await session.execute(stmt.execution_options(populate_existing=True))).scalars())


async def mark_deposits(session: AsyncSession, ids: Sequence[int], status: str) -> None:
    if ids:
        await session.execute(
            update(CryptoDeposit)
            .where(CryptoDeposit.id.in_(list(ids)))
            .values(status=status, updated_at=utcnow())
        )


# --- event links --------------------------------------------------------------------------------


async def link_event(
    session: AsyncSession, *, provider: str, event_id: str, event_type: str, payment_id: str
) -> bool:
    stmt = (
        insert_for(session, PaymentEventLink)
        .values(
            provider=provider,
            event_id=event_id,
            event_type=event_type,
            payment_id=payment_id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(PaymentEventLink.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


def expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and now >= expires_at


async def record_inbox(
    session: AsyncSession, *, provider: str, event_id: str, event_type: str, payload: dict[str, Any]
) -> bool:
    """The webhook inbox: INSERT ... ON CONFLICT DO NOTHING; True only for the first delivery."""
    from db.models.platform import WebhookEvent

    stmt = (
        insert_for(session, WebhookEvent)
        .values(
            provider=provider,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            status="received",
            received_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(WebhookEvent.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def mark_inbox(session: AsyncSession, provider: str, event_id: str, status: str) -> None:
    from db.models.platform import WebhookEvent

    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.provider == provider, WebhookEvent.event_id == event_id)
        .values(status=status, processed_at=utcnow())
    )
