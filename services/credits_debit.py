"""Credits out: deductions and refunds of them — each one DB transaction (the caller's).

`debit_wallet` moves wallet → `destination` (default system:credits_spent:CREDIT), drawing lots
earliest-expiry first; it runs as one PL/pgSQL function (db/repositories/credits_pg.py,
installed by migration) writing the same rows as the portable path here. A repeated key answers with
the first deduct when it is the same movement, and with 409 idempotency_key_conflict when it is not
(amount, destination, kind, agent, mandate or run differ).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models.credits import CreditEntry
from db.repositories import credits as repo
from db.repositories import credits_pg
from db.repositories import ledger as ledger_repo
from db.session import SessionFactory, unit_of_work
from domain import credits as rules
from domain.credits import DebitResult
from domain.errors import InsufficientFunds
from domain.ledger import is_non_negative, transfer_postings, wallet
from services import ledger
from services.credits_keys import check_amount, entry_key, key_conflict, ledger_key

log = logging.getLogger("meshpay.credits")
LOW_BALANCE_EVENTS = Counter(
    "meshpay_credits_low_balance_total", "Downward crossings of a low-balance threshold"
)

# Tests flip this to run the portable path on PostgreSQL too.
USE_PG_FUNCTION = True


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who a deduct pays for: the agent (from the principal or its mandate), the mandate that allowed
    it, the orchestration run it belongs to. Recorded on the entry and in the ledger metadata."""

    agent_id: str | None = None
    mandate_id: str | None = None
    run_id: str | None = None


NONE = Attribution()


def _owner(account: str) -> str | None:
    parts = account.split(":")
    return parts[1] if len(parts) > 2 else None


def metadata_of(user_id: str, reference: str, who: Attribution) -> dict[str, Any]:
    meta: dict[str, Any] = {"user_id": user_id, "reference": reference}
    for name in ("agent_id", "mandate_id", "run_id"):
        if getattr(who, name) is not None:
            meta[name] = getattr(who, name)
    return meta


def _same_debit(
    *, destination: str, kind: str, who: Attribution, first: tuple[Any, ...], first_amount: int, amount: int
) -> None:
    """The first deduct under this key must be this one (amount, accounts, kind, attribution)."""
    if first_amount != amount or first != (destination, kind, who.agent_id, who.mandate_id, who.run_id):
        raise key_conflict("reference")


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
    attribution: Attribution = NONE,
    display_reference: str | None = None,
    now: datetime | None = None,
) -> DebitResult:
    """wallet → `destination`; idempotent on (user_id, reference).

    `reference` is the key reference (internal, or an API caller's namespaced one); the history shows
    `display_reference` (default: the reference). Not enough available credits:
    InsufficientFunds(code="insufficient_credits"), nothing written.
    """
    check_amount(amount)
    now = now or utcnow()  # a mandate charge passes its own: the entry's day is the usage's day
    key = entry_key("debit", reference)
    shown = display_reference or reference
    ledger_kind = f"credits.{kind}"
    if USE_PG_FUNCTION:
        row = await credits_pg.debit(
            session,
            user_id=user_id,
            amount=amount,
            key=key,
            reference=shown,
            destination=destination,
            destination_non_negative=is_non_negative(destination),
            destination_owner=_owner(destination),
            kind=ledger_kind,
            description=description,
            ledger_key=ledger_key("debit", user_id, reference),
            now=now,
            default_threshold=default_threshold,
            agent_id=attribution.agent_id,
            mandate_id=attribution.mandate_id,
            run_id=attribution.run_id,
            metadata=ledger.with_cause(metadata_of(user_id, shown, attribution)) or {},
        )
        if row["o_status"] == "insufficient":
            raise InsufficientFunds(
                "not enough available credits", param="amount", code="insufficient_credits"
            )
        if row["o_status"] == "duplicate":
            first = tuple(row[c] for c in ("o_counterparty", "o_kind", "o_agent", "o_mandate", "o_run"))
            _same_debit(
                destination=destination,
                kind=ledger_kind,
                who=attribution,
                first=first,
                first_amount=int(row["o_amount"]),
                amount=amount,
            )
        result = DebitResult(
            entry_id=int(row["o_entry_id"]),
            transaction_id=row["o_txn_id"],
            user_id=user_id,
            reference=shown,
            amount=int(row["o_amount"]),
            balance=int(row["o_available"]),
            created_at=row["o_created_at"],
            created=row["o_status"] == "ok",
        )
        if row["o_low_balance"]:
            announce_low_balance(user_id, int(row["o_threshold"]), result.balance)
        return result
    return await _debit_portable(
        session,
        user_id=user_id,
        amount=amount,
        key=key,
        reference=reference,
        shown=shown,
        destination=destination,
        kind=ledger_kind,
        description=description,
        now=now,
        default_threshold=default_threshold,
        who=attribution,
    )


async def _debit_portable(
    session: AsyncSession,
    *,
    user_id: str,
    amount: int,
    key: str,
    reference: str,
    shown: str,
    destination: str,
    kind: str,
    description: str | None,
    now: datetime,
    default_threshold: int,
    who: Attribution,
) -> DebitResult:
    w = await repo.lock_wallet(session, user_id)
    if w is None:
        raise InsufficientFunds("not enough available credits", param="amount", code="insufficient_credits")
    existing = await repo.entry_by_key(session, user_id, key)
    if existing is not None:
        txn = await ledger_repo.transaction_by_id(session, existing.transaction_id)
        first = (
            existing.counterparty,
            txn.kind if txn else None,
            existing.agent_id,
            existing.mandate_id,
            existing.run_id,
        )
        _same_debit(
            destination=destination,
            kind=kind,
            who=who,
            first=first,
            first_amount=-int(existing.amount),
            amount=amount,
        )
        return DebitResult(
            existing.id,
            existing.transaction_id,
            user_id,
            shown,
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
        ledger_key("debit", user_id, reference),
        kind=kind,
        description=description,
        metadata=metadata_of(user_id, shown, who),
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
        reference=shown,
        transaction_id=result.transaction_id,
        counterparty=destination,
        refunded=0,
        parent_id=None,
        lot_id=None,
        description=description,
        created_at=now,
        agent_id=who.agent_id,
        mandate_id=who.mandate_id,
        run_id=who.run_id,
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
        announce_low_balance(user_id, threshold, available_after)
    return DebitResult(
        entry_id, result.transaction_id, user_id, shown, amount, available_after, created_at, created=True
    )


async def deduct(factory: SessionFactory, **kwargs: Any) -> DebitResult:
    """A deduct on its own: one autocommitted call of the PL/pgSQL function (atomic by itself, so
    BEGIN and COMMIT round trips are saved); with USE_PG_FUNCTION off, a unit of work around the
    statement-by-statement path."""
    async with factory() as session:
        if USE_PG_FUNCTION:
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            return await debit_wallet(session, **kwargs)
    async with unit_of_work(factory) as session:
        return await debit_wallet(session, **kwargs)


def announce_low_balance(user_id: str, threshold: int, balance: int) -> None:
    LOW_BALANCE_EVENTS.inc()
    log.warning("credits low balance", extra={"user_id": user_id, "threshold": threshold, "balance": balance})


async def find_debit(session: AsyncSession, user_id: str, reference: str) -> CreditEntry | None:
    return await repo.entry_by_key(session, user_id, entry_key("debit", reference))
