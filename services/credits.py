"""Credits: grants, purchases, deductions, refunds and expiry — each one DB transaction (the caller's).

Every movement is a services.ledger.transfer between the user's wallet (wallet:{user}:CREDIT) and a
platform account (domain.credits: ISSUED, PROMOTIONS, SPENT, EXPIRED, ADJUSTMENTS), plus the credits
bookkeeping: lots, draws, the history entry with its running balance, and the wallet summary row
whose lock serialises all credits operations of one user.

Deductions go to `destination` (default system:credits_spent:CREDIT; a caller may name an agent's
earnings account instead). The deduction runs as one PL/pgSQL function (db/repositories/credits_pg.py,
installed by migration) writing the same rows as the statement-by-statement path below.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.credits import CreditEntry, CreditLowBalanceEvent
from db.repositories import credits as repo
from db.repositories import credits_pg
from db.session import SessionFactory, unit_of_work
from domain import credits as rules
from domain.credits import DebitResult
from domain.errors import InsufficientFunds, InvalidAmount, NotFound
from domain.ledger import is_non_negative, transfer_postings, wallet
from services import ledger

log = logging.getLogger("meshpay.credits")
LOW_BALANCE_EVENTS = Counter(
    "meshpay_credits_low_balance_total", "Downward crossings of a low-balance threshold"
)

# Tests flip this to run the portable path on PostgreSQL too.
USE_PG_FUNCTION = True


@dataclass(frozen=True, slots=True)
class CreditResult:
    entry_id: int
    lot_id: int | None
    transaction_id: str
    amount: int
    created: bool


@dataclass(frozen=True, slots=True)
class RefundResult:
    entry_id: int
    transaction_id: str
    amount: int
    refunded_total: int  # of the deduction, after this refund
    created: bool


@dataclass(frozen=True, slots=True)
class BalanceView:
    user_id: str
    balance: int  # available now: expired credits never count
    expiring: list[tuple[datetime, int]]
    next_expiry: datetime | None


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidAmount("amount must be a positive number of CREDIT minor units", param="amount")


def _ledger_key(kind: str, user_id: str, reference: str) -> str:
    """credits:{kind}:{user}:{reference}, hashed when it would not fit the ledger's 200 characters."""
    key = f"credits:{kind}:{user_id}:{reference}"
    if len(key) <= 200:
        return key
    return f"credits:{kind}:sha256:{hashlib.sha256(f'{user_id}:{reference}'.encode()).hexdigest()}"


def _debit_ledger_key(user_id: str, reference: str) -> str:
    return _ledger_key("debit", user_id, reference)


async def _available(session: AsyncSession, w: repo.WalletRow, now: datetime) -> int:
    if w.next_expiry is not None and w.next_expiry <= now:
        return w.balance - await repo.expired_unswept(session, w.user_id, now)
    return w.balance


def _owner(account: str) -> str | None:
    parts = account.split(":")
    return parts[1] if len(parts) > 2 else None


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
) -> CreditResult:
    """`from_account` → wallet as a new lot; idempotent on (user_id, reference)."""
    _check_amount(amount)
    if source not in rules.LOT_SOURCES:
        raise InvalidAmount(f"unknown credit source {source!r}", param="source")
    now = utcnow()
    await repo.ensure_wallet(session, user_id, now)
    w = await repo.lock_wallet(session, user_id)
    assert w is not None
    key = f"credit:{reference}"
    existing = await repo.entry_by_key(session, user_id, key)
    if existing is not None:
        return CreditResult(
            existing.id, existing.lot_id, existing.transaction_id, int(existing.amount), False
        )
    available_before = await _available(session, w, now)
    result = await ledger.transfer(
        session,
        transfer_postings(from_account, wallet(user_id), amount, rules.CURRENCY),
        ledger_key or _ledger_key("credit", user_id, reference),
        kind=f"credits.{source}",
        description=description,
        metadata={"user_id": user_id, "reference": reference},
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
        reference=reference,
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
    )


# ---------------------------------------------------------------- credits out


async def debit_wallet(
    session: AsyncSession,
    *,
    user_id: str,
    amount: int,
    reference: str,
    destination: str = rules.SPENT,
    kind: str = "spend",
    description: str | None = None,
    default_threshold: int = 0,
) -> DebitResult:
    """wallet → `destination`, drawing lots earliest-expiry first; idempotent on (user_id, reference).

    Not enough available credits: InsufficientFunds(code="insufficient_credits"), nothing written.
    """
    _check_amount(amount)
    now = utcnow()
    if USE_PG_FUNCTION:
        row = await credits_pg.debit(
            session,
            user_id=user_id,
            amount=amount,
            reference=reference,
            destination=destination,
            destination_non_negative=is_non_negative(destination),
            destination_owner=_owner(destination),
            kind=f"credits.{kind}",
            description=description,
            ledger_key=_debit_ledger_key(user_id, reference),
            now=now,
            default_threshold=default_threshold,
        )
        if row["o_status"] == "insufficient":
            raise InsufficientFunds(
                "not enough available credits", param="amount", code="insufficient_credits"
            )
        result = DebitResult(
            entry_id=int(row["o_entry_id"]),
            transaction_id=row["o_txn_id"],
            user_id=user_id,
            reference=reference,
            amount=int(row["o_amount"]),
            balance=int(row["o_available"]),
            created_at=row["o_created_at"],
            created=row["o_status"] == "ok",
        )
        if row["o_low_balance"]:
            _announce_low_balance(user_id, int(row["o_threshold"]), result.balance)
        return result
    return await _debit_portable(
        session,
        user_id=user_id,
        amount=amount,
        reference=reference,
        destination=destination,
        kind=kind,
        description=description,
        now=now,
        default_threshold=default_threshold,
    )


async def _debit_portable(
    session: AsyncSession,
    *,
    user_id: str,
    amount: int,
    reference: str,
    destination: str,
    kind: str,
    description: str | None,
    now: datetime,
    default_threshold: int,
) -> DebitResult:
    w = await repo.lock_wallet(session, user_id)
    if w is None:
        raise InsufficientFunds("not enough available credits", param="amount", code="insufficient_credits")
    key = f"debit:{reference}"
    existing = await repo.entry_by_key(session, user_id, key)
    if existing is not None:
        return DebitResult(
            existing.id,
            existing.transaction_id,
            user_id,
            reference,
            -int(existing.amount),
            int(existing.available_after),
            existing.created_at,
            created=False,
        )
    lots = await repo.live_lots(session, user_id, now)
    available_before = rules.available(lots, now)
    plan = rules.plan_draw(lots, amount, now)  # raises insufficient_credits before anything is written
    result = await ledger.transfer(
        session,
        transfer_postings(wallet(user_id), destination, amount, rules.CURRENCY),
        _debit_ledger_key(user_id, reference),
        kind=f"credits.{kind}",
        description=description,
    )
    balance = result.balances[wallet(user_id)]
    await repo.change_lots(session, [(lot_id, -take) for lot_id, take in plan])
    available_after = available_before - amount
    entry_id, created_at = await repo.insert_entry(
        session,
        user_id=user_id,
        key=key,
        type=rules.DEDUCT,
        amount=-amount,
        balance_after=balance,
        available_after=available_after,
        reference=reference,
        transaction_id=result.transaction_id,
        counterparty=destination,
        refunded=0,
        parent_id=None,
        lot_id=None,
        description=description,
        created_at=now,
    )
    await repo.insert_draws(session, entry_id, plan)
    await repo.update_wallet(
        session, user_id, balance=balance, next_expiry=await repo.next_expiry(session, user_id), now=now
    )
    threshold = w.low_balance_threshold if w.low_balance_threshold is not None else default_threshold
    if rules.crossed_below(threshold, available_before, available_after):
        await repo.insert_low_balance_event(
            session, user_id=user_id, threshold=threshold, balance=available_after, entry_id=entry_id, now=now
        )
        _announce_low_balance(user_id, threshold, available_after)
    return DebitResult(
        entry_id, result.transaction_id, user_id, reference, amount, available_after, created_at, created=True
    )


async def deduct(factory: SessionFactory, **kwargs: Any) -> DebitResult:
    """The API's deduct: one autocommitted call of the PL/pgSQL function (atomic by itself, so BEGIN
    and COMMIT round trips are saved); with USE_PG_FUNCTION off, a unit of work around the
    statement-by-statement path."""
    async with factory() as session:
        if USE_PG_FUNCTION:
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            return await debit_wallet(session, **kwargs)
    async with unit_of_work(factory) as session:
        return await debit_wallet(session, **kwargs)


def _announce_low_balance(user_id: str, threshold: int, balance: int) -> None:
    LOW_BALANCE_EVENTS.inc()
    log.warning("credits low balance", extra={"user_id": user_id, "threshold": threshold, "balance": balance})


async def refund_debit(
    session: AsyncSession, *, user_id: str, reference: str, amount: int | None, refund_reference: str
) -> RefundResult:
    """Give back all (amount=None) or part of a deduction, into the lots it drew from.

    Never more than was deducted in total (checked here and by CHECK constraints); idempotent on
    (user_id, refund_reference). A lot whose expiry has passed gets its credits back as expired:
    they do not count and the expiry sweep moves them out again.
    """
    if amount is not None:
        _check_amount(amount)
    now = utcnow()
    w = await repo.lock_wallet(session, user_id)
    debit = None if w is None else await repo.entry_by_key(session, user_id, f"debit:{reference}")
    if w is None or debit is None:
        raise NotFound(
            f"no deduction {reference!r} for this user", param="reference", code="deduction_not_found"
        )
    key = f"refund:{refund_reference}"
    existing = await repo.entry_by_key(session, user_id, key)
    if existing is not None:
        return RefundResult(
            existing.id, existing.transaction_id, int(existing.amount), int(debit.refunded), False
        )
    plan = rules.plan_refund(await repo.draws_of(session, debit.id), amount)
    total = sum(give for _, give in plan)
    refunded_before = int(debit.refunded)
    result = await ledger.transfer(
        session,
        transfer_postings(debit.counterparty, wallet(user_id), total, rules.CURRENCY),
        _ledger_key("refund", user_id, refund_reference),
        kind="credits.refund",
        description=f"refund of deduction {reference}",
        metadata={"user_id": user_id, "reference": reference},
    )
    balance = result.balances[wallet(user_id)]
    await repo.change_lots(session, plan)
    await repo.mark_refunded(session, debit.id, plan)
    nxt = await repo.next_expiry(session, user_id)
    available_after = balance - await repo.expired_unswept(session, user_id, now)
    entry_id, _ = await repo.insert_entry(
        session,
        user_id=user_id,
        key=key,
        type=rules.REFUND,
        amount=total,
        balance_after=balance,
        available_after=available_after,
        reference=refund_reference,
        transaction_id=result.transaction_id,
        counterparty=debit.counterparty,
        refunded=0,
        parent_id=debit.id,
        lot_id=None,
        description=f"refund of deduction {reference}",
        created_at=now,
    )
    await repo.update_wallet(session, user_id, balance=balance, next_expiry=nxt, now=now)
    return RefundResult(entry_id, result.transaction_id, total, refunded_before + total, True)


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
        _announce_low_balance(user_id, threshold, available_after)
    return amount


# ---------------------------------------------------------------- reads


async def balance_view(session: AsyncSession, user_id: str, now: datetime | None = None) -> BalanceView:
    """A primary-key read of the wallet summary; lots are read only when some credits expire."""
    now = now or utcnow()
    w = await repo.get_wallet(session, user_id)
    if w is None:
        return BalanceView(user_id, 0, [], None)
    if w.next_expiry is None:
        return BalanceView(user_id, w.balance, [], None)
    balance = await _available(session, w, now)
    upcoming = await repo.expiring(session, user_id, now)
    return BalanceView(user_id, balance, upcoming, upcoming[0][0] if upcoming else None)


async def read_balance(factory: SessionFactory, user_id: str) -> BalanceView:
    """balance_view on an autocommit connection: one statement, no BEGIN/COMMIT round trips."""
    async with factory() as session:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return await balance_view(session, user_id)


async def set_low_balance_threshold(session: AsyncSession, *, user_id: str, threshold: int | None) -> None:
    if threshold is not None and threshold < 0:
        raise InvalidAmount("threshold must not be negative", param="low_balance_threshold")
    now = utcnow()
    await repo.ensure_wallet(session, user_id, now)
    await repo.set_threshold(session, user_id, threshold, now)


async def history(
    session: AsyncSession, user_id: str, *, limit: int, starting_after: int | None
) -> tuple[list[CreditEntry], bool]:
    """Newest first; (page, has_more)."""
    rows = await repo.history(session, user_id, limit=limit + 1, before_id=starting_after)
    return rows[:limit], len(rows) > limit


async def stats(
    session: AsyncSession, user_id: str, start: datetime | None, end: datetime | None
) -> dict[str, int]:
    """Totals per movement type in [start, end), and the available balance now."""
    totals = await repo.totals_by_type(session, user_id, start, end)
    out = {t: totals.get(t, 0) for t in rules.ENTRY_TYPES}
    out["balance"] = (await balance_view(session, user_id)).balance
    return out


async def low_balance_events(
    session: AsyncSession, user_id: str, *, limit: int, starting_after: str | None
) -> list[CreditLowBalanceEvent]:
    return await repo.low_balance_events(session, user_id, limit=limit, starting_after=starting_after)


async def threshold_of(session: AsyncSession, user_id: str) -> int | None:
    w = await repo.get_wallet(session, user_id)
    return None if w is None else w.low_balance_threshold


async def due_lots(session: AsyncSession, as_of: datetime, limit: int) -> list[int]:
    return await repo.due_lots(session, as_of, limit)


async def earliest_expiry(session: AsyncSession) -> datetime | None:
    return await repo.earliest_expiry(session)
