"""Credits: the public face of the credits area, and credits in (grants, purchases) and expiry.

Every movement is a services.ledger.transfer between the user's wallet (wallet:{user}:CREDIT) and a
platform account (domain.credits: ISSUED, PROMOTIONS, SPENT, EXPIRED, ADJUSTMENTS), plus the credits
bookkeeping: lots, draws, the history entry with its running balance, and the wallet summary row
whose lock serialises all credits operations of one user. Each runs in the caller's DB transaction.

The area is split by kind of movement: credits out (deducts and their refunds) in
services/credits_debit.py, reads in services/credits_reads.py, idempotency keys and API callers'
namespaces in services/credits_keys.py, and what an API caller may ask for (mandates, namespaces)
in services/credits_caller.py. This module re-exports what other areas call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.repositories import credits as repo
from domain import credits as rules
from domain.errors import InvalidAmount
from domain.ledger import transfer_postings, wallet
from services import ledger
from services.credits_debit import Attribution, announce_low_balance, debit_wallet, deduct
from services.credits_keys import check_amount, entry_key, key_conflict
from services.credits_keys import ledger_key as credits_ledger_key
from services.credits_reads import (
    BalanceView,
    available,
    balance_view,
    due_lots,
    earliest_expiry,
    history,
    low_balance_events,
    read_balance,
    stats,
    threshold_of,
)
from services.credits_refund import RefundResult, refund_debit

__all__ = [
    "Attribution",
    "BalanceView",
    "CreditResult",
    "RefundResult",
    "balance_view",
    "credit_wallet",
    "debit_wallet",
    "deduct",
    "due_lots",
    "earliest_expiry",
    "expire_lot",
    "grant_purchased_credits",
    "grant_reward",
    "history",
    "low_balance_events",
    "read_balance",
    "refund_debit",
    "set_low_balance_threshold",
    "stats",
    "threshold_of",
]


@dataclass(frozen=True, slots=True)
class CreditResult:
    entry_id: int
    lot_id: int | None
    transaction_id: str
    amount: int
    created: bool


# ---------------------------------------------------------------- credits in


async def credit_wallet(
    session: AsyncSession,
    *,
    user_id: str,
    amount: int,
    reference: str,
    source: str,
    from_account: str,
    expires_at: datetime | None = None,
    description: str | None = None,
    ledger_key: str | None = None,
    display_reference: str | None = None,
) -> CreditResult:
    """`from_account` → wallet as a new lot; idempotent on (user_id, reference): a repeat for another
    amount, source or account is a 409. The history shows `display_reference` when given (an API
    caller's own reference; `reference` is then its namespaced form)."""
    check_amount(amount)
    if source not in rules.LOT_SOURCES:
        raise InvalidAmount(f"unknown credit source {source!r}", param="source")
    now = utcnow()
    await repo.ensure_wallet(session, user_id, now)
    w = await repo.lock_wallet(session, user_id)
    assert w is not None
    key = entry_key("credit", reference)
    existing = await repo.entry_by_key(session, user_id, key)
    if existing is not None:
        if (int(existing.amount), existing.type, existing.counterparty) != (amount, source, from_account):
            raise key_conflict("reference")
        return CreditResult(
            existing.id, existing.lot_id, existing.transaction_id, int(existing.amount), False
        )
    available_before = await available(session, w, now)
    result = await ledger.transfer(
        session,
        transfer_postings(from_account, wallet(user_id), amount, rules.CURRENCY),
        ledger_key or credits_ledger_key("credit", user_id, reference),
        kind=f"credits.{source}",
        description=description,
        metadata={"user_id": user_id, "reference": display_reference or reference},
    )
    if not result.created:  # the entry and the lot are written with the posting: cannot happen
        raise RuntimeError(f"ledger key for credit {reference!r} of {user_id} posted without its entry")
    balance = result.balances[wallet(user_id)]
    lot_id = await repo.insert_lot(
        session,
        user_id=user_id,
        source=source,
        amount=amount,
        expires_at=expires_at,
        transaction_id=result.transaction_id,
        now=now,
    )
    live = expires_at is None or expires_at > now
    entry_id, _ = await repo.insert_entry(
        session,
        user_id=user_id,
        key=key,
        type=source,
        amount=amount,
        balance_after=balance,
        available_after=available_before + (amount if live else 0),
        reference=display_reference or reference,
        transaction_id=result.transaction_id,
        counterparty=from_account,
        refunded=0,
        parent_id=None,
        lot_id=lot_id,
        description=description,
        created_at=now,
    )
    nxt = w.next_expiry
    if expires_at is not None and (nxt is None or expires_at < nxt):
        nxt = expires_at
    await repo.update_wallet(session, user_id, balance=balance, next_expiry=nxt, now=now)
    return CreditResult(entry_id, lot_id, result.transaction_id, amount, True)


async def grant_purchased_credits(
    session: AsyncSession, *, user_id: str, credits: int, payment_id: str
) -> None:
    """Called by the payments area when a credits purchase completes; exactly once per payment."""
    await credit_wallet(
        session,
        user_id=user_id,
        amount=credits,
        reference=f"pay:{payment_id}",
        source=rules.PURCHASE,
        from_account=rules.ISSUED,
        description=f"credits bought with payment {payment_id}",
        ledger_key=f"pay:{payment_id}:credits",
    )


async def grant_reward(
    session: AsyncSession,
    *,
    user_id: str,
    amount: int,
    reference: str,
    expires_at: datetime | None,
    reason: str,
    display_reference: str | None = None,
) -> CreditResult:
    return await credit_wallet(
        session,
        user_id=user_id,
        amount=amount,
        reference=reference,
        source=rules.REWARD,
        from_account=rules.PROMOTIONS,
        expires_at=expires_at,
        description=reason,
        display_reference=display_reference,
    )


async def expire_lot(session: AsyncSession, lot_id: int, as_of: datetime) -> int:
    """Move a lot's expired remainder to system:credits_expired; exactly once per remainder.

    Returns the amount expired (0 when there was nothing to do: not due, already swept).
    """
    user_id = await repo.lot_owner(session, lot_id)
    if user_id is None:
        return 0
    w = await repo.lock_wallet(session, user_id)
    lot = await repo.lot_for_update(session, lot_id)
    if w is None or lot is None or lot.remaining <= 0 or lot.expires_at is None or lot.expires_at > as_of:
        return 0
    amount, expired_before = int(lot.remaining), int(lot.expired)
    expired_total = await repo.expired_unswept(session, user_id, as_of)  # this lot included
    result = await ledger.transfer(
        session,
        transfer_postings(wallet(user_id), rules.EXPIRED, amount, rules.CURRENCY),
        f"credits:expire:{lot_id}:{expired_before}",
        kind="credits.expire",
        description=f"lot {lot_id} expired",
        metadata={"user_id": user_id, "lot_id": lot_id, "as_of": as_of.isoformat()},
    )
    if not result.created:
        return 0
    balance = result.balances[wallet(user_id)]
    await repo.mark_expired(session, lot_id, amount)
    available_after = w.balance - expired_total
    entry_id, _ = await repo.insert_entry(
        session,
        user_id=user_id,
        key=f"expire:{lot_id}:{expired_before}",
        type=rules.EXPIRE,
        amount=-amount,
        balance_after=balance,
        available_after=available_after,
        reference=None,
        transaction_id=result.transaction_id,
        counterparty=rules.EXPIRED,
        refunded=0,
        parent_id=None,
        lot_id=lot_id,
        description=f"lot {lot_id} expired",
        created_at=utcnow(),
    )
    await repo.update_wallet(
        session, user_id, balance=balance, next_expiry=await repo.next_expiry(session, user_id), now=utcnow()
    )
    threshold = w.low_balance_threshold or 0
    if rules.crossed_below(threshold, available_after + amount, available_after):
        await repo.insert_low_balance_event(
            session,
            user_id=user_id,
            threshold=threshold,
            balance=available_after,
            entry_id=entry_id,
            now=utcnow(),
        )
        announce_low_balance(user_id, threshold, available_after)
    return amount


async def set_low_balance_threshold(session: AsyncSession, *, user_id: str, threshold: int | None) -> None:
    if threshold is not None and threshold < 0:
        raise InvalidAmount("threshold must not be negative", param="low_balance_threshold")
    now = utcnow()
    await repo.ensure_wallet(session, user_id, now)
    await repo.set_threshold(session, user_id, threshold, now)
