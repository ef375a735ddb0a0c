"""Payout application service: destinations, creating a payout (the earnings hold), and each step's
ledger move. Every function runs inside the caller's unit of work and is safe to call twice.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from contracts.payouts import PayoutInput
from db.base import utcnow
from db.models.payouts import Payout, PayoutDestination
from db.repositories import payouts as repo
from domain import payouts as rules
from domain.errors import Conflict, InsufficientFunds, InvalidAmount, InvalidState, NotFound
from domain.ledger import earnings
from domain.money import check_currency, format_amount, parse_amount
from services import events, ledger

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class PayoutPolicy:
    minimum: Decimal
    reserve_percent: Decimal

    def minimum_minor(self, currency: str) -> int:
        return parse_amount(str(self.minimum), currency, param="payout_minimum", allow_zero=True)

    def minimums(self) -> dict[str, int]:
        return {cur: self.minimum_minor(cur) for cur in rules.PAYOUT_CURRENCIES}


def workflow_input(payout: Payout, settings: Settings) -> PayoutInput:
    """The PayoutWorkflow's input for a created payout (the API and the weekly run start the same)."""
    return PayoutInput(
        payout_id=payout.id,
        payee_id=payout.payee_id,
        currency=payout.currency,
        provider=payout.provider,
        net_amount=payout.net_amount,
        reserve_amount=payout.reserve_amount,
        reserve_release_seconds=settings.payout_reserve_hold_days * 86400,
        poll_interval_seconds=settings.payout_poll_interval_seconds,
        search_attributes=settings.payouts_search_attributes,
    )


def new_payout_id() -> str:
    return f"po_{uuid.uuid4().hex[:24]}"


def batch_payout_id(batch_key: str, payee_id: str, currency: str) -> str:
    """A scheduled payout's id is derived from its business key: the same run never pays twice."""
    digest = hashlib.sha256(f"{batch_key}|{payee_id}|{currency}".encode()).hexdigest()
    return f"po_{digest[:24]}"


async def add_destination(
    session: AsyncSession,
    *,
    payee_id: str,
    provider: str,
    account_ref: str,
    cooling_off_seconds: int,
    make_default: bool = True,
) -> PayoutDestination:
    """Add (or find) a destination. A new one receives no payout for `cooling_off_seconds` — a stolen
    token cannot add an account and be paid at once — and its arrival is an event the payee sees
    (payout_destination.created). Adding an existing destination again changes neither its
    usable_from nor its history."""
    if provider not in rules.PROVIDERS:
        raise InvalidAmount(
            f"provider must be one of {rules.PROVIDERS}", param="provider", code="invalid_provider"
        )
    account_ref = account_ref.strip()
    if provider == "stripe" and not re.fullmatch(r"acct_[A-Za-z0-9]{4,60}", account_ref):
        raise InvalidAmount(
            "a Stripe destination is a connected account id (acct_...)",
            param="account",
            code="invalid_destination",
        )
    if provider == "paypal" and not _EMAIL.match(account_ref):
        raise InvalidAmount(
            "a PayPal destination is the receiver's email", param="account", code="invalid_destination"
        )
    now = utcnow()
    created = await repo.insert_destination(
        session,
        {
            "id": f"pd_{uuid.uuid4().hex[:24]}",
            "payee_id": payee_id,
            "provider": provider,
            "account_ref": account_ref,
            "is_default": False,
            "created_at": now,
            "usable_from": now + timedelta(seconds=cooling_off_seconds),
        },
    )
    dest = await repo.destination_by_ref(session, payee_id, provider, account_ref)
    assert dest is not None
    if make_default or await repo.default_destination(session, payee_id) is None:
        await repo.clear_default(session, payee_id)
        await repo.set_default(session, dest.id)
        await session.refresh(dest)
    if created:
        await events.emit(
            session,
            "payout_destination.created",
            account_id=payee_id,
            object_type="payout_destination",
            object_id=dest.id,
            data={
                "destination_id": dest.id,
                "provider": provider,
                "account": account_ref,
                "default": dest.is_default,
                "usable_from": dest.usable_from.isoformat() if dest.usable_from else None,
            },
        )
    return dest


async def earnings_summary(session: AsyncSession, payee_id: str) -> dict[str, dict[str, int]]:
    """Per currency: available (earnings), reserved (rolling reserve), in_transit."""
    names = {"earnings": "available", "reserve": "reserved", "payout_transit": "in_transit"}
    out: dict[str, dict[str, int]] = {}
    for kind, currency, bal in await repo.owner_balances(session, payee_id, list(names)):
        row = out.setdefault(currency, {"available": 0, "reserved": 0, "in_transit": 0})
        row[names[kind]] = bal
    return out


async def create_payout(
    session: AsyncSession,
    policy: PayoutPolicy,
    *,
    payee_id: str,
    currency: str,
    amount: int | None = None,
    payout_id: str | None = None,
    batch_key: str | None = None,
    destination_id: str | None = None,
    requested_by: str | None = None,
) -> tuple[Payout, bool]:
    """Create a pending payout and hold its funds (earnings → transit + reserve) in one transaction.

    Returns (payout, created). The same payout id, or the same payee/currency/batch, returns the first.
    Refuses below the minimum (422), more than is available (409 insufficient_earnings), no
    destination (409 no_payout_destination).
    """
    currency = check_currency(currency)
    if currency not in rules.PAYOUT_CURRENCIES:
        raise InvalidAmount(f"{currency} is not paid out", param="currency", code="unsupported_currency")
    if batch_key is not None:
        payout_id = payout_id or batch_payout_id(batch_key, payee_id, currency)
        existing = await repo.payout_in_batch(session, payee_id, currency, batch_key)
        if existing is not None:
            return existing, False
    payout_id = payout_id or new_payout_id()
    existing = await repo.payout(session, payout_id)
    if existing is not None:
        return existing, False

    dest = await (
        repo.destination(session, destination_id)
        if destination_id
        else repo.default_destination(session, payee_id)
    )
    if dest is None or dest.payee_id != payee_id:
        raise Conflict(
            "no payout destination: add one first", param="destination_id", code="no_payout_destination"
        )
    if dest.usable_from is not None and dest.usable_from > utcnow():
        raise Conflict(
            f"this payout destination is new: usable from {dest.usable_from.isoformat()}",
            param="destination_id",
            code="destination_cooling_off",
        )
    if amount is None:
        amount = await ledger.balance(session, earnings(payee_id, currency))
    rules.check_minimum(amount, policy.minimum_minor(currency), currency)
    net, held = rules.split_reserve(amount, policy.reserve_percent, currency)

    now = utcnow()
    hold_txn = ledger.new_transaction_id()
    created = await repo.insert_payout(
        session,
        {
            "id": payout_id,
            "payee_id": payee_id,
            "currency": currency,
            "amount": amount,
            "net_amount": net,
            "reserve_amount": held,
            "provider": dest.provider,
            "destination_id": dest.id,
            "account_ref": dest.account_ref,
            "status": rules.PENDING,
            "batch_key": batch_key,
            "hold_transaction_id": hold_txn,
            "requested_by": requested_by,
            "created_at": now,
            "updated_at": now,
        },
    )
    if not created:  # lost a race with the same id or batch
        row = await (
            repo.payout_in_batch(session, payee_id, currency, batch_key)
            if batch_key
            else repo.payout(session, payout_id)
        )
        assert row is not None
        return row, False
    try:
        await ledger.transfer(
            session,
            rules.hold_postings(payee_id, currency, net, held),
            f"po:{payout_id}:hold",
            kind="payout_hold",
            description=f"payout {payout_id}",
            metadata={"payout_id": payout_id},
            txn_id=hold_txn,
        )
    except InsufficientFunds:
        raise InsufficientFunds(
            "the payout is more than the available earnings", param="amount", code="insufficient_earnings"
        ) from None
    if held:
        await repo.insert_reserve(
            session,
            {
                "payout_id": payout_id,
                "payee_id": payee_id,
                "currency": currency,
                "amount": held,
                "released_amount": 0,
                "status": "held",
                "created_at": now,
            },
        )
    row = await repo.payout(session, payout_id)
    assert row is not None
    await _announce(session, row, "payout.created")
    return row, True


async def get_payout(session: AsyncSession, payout_id: str, *, for_update: bool = False) -> Payout:
    row = await repo.payout(session, payout_id, for_update=for_update)
    if row is None:
        raise NotFound(f"no payout {payout_id}", param="payout_id", code="payout_not_found")
    return row


async def mark_in_transit(session: AsyncSession, payout_id: str, provider_ref: str) -> Payout:
    row = await get_payout(session, payout_id, for_update=True)
    if row.provider_ref is None and provider_ref:
        await repo.set_provider_ref(session, payout_id, provider_ref)
    if row.status == rules.PENDING:
        await repo.move_status(session, payout_id, [rules.PENDING], rules.IN_TRANSIT, in_transit_at=utcnow())
    elif row.status == rules.FAILED:
        raise InvalidState("the payout has already failed", code="invalid_payout_state")
    return await get_payout(session, payout_id)


async def mark_paid(session: AsyncSession, payout_id: str, *, reserve_hold: timedelta) -> Payout:
    """transit → clearing:{provider}; starts the reserve's clock. A repeat is a no-op."""
    row = await get_payout(session, payout_id, for_update=True)
    if not rules.check_transition(row.status, rules.PAID):
        return row
    await ledger.transfer(
        session,
        rules.paid_postings(row.payee_id, row.currency, row.provider, row.net_amount),
        f"po:{payout_id}:paid",
        kind="payout_paid",
        metadata={"payout_id": payout_id},
    )
    now = utcnow()
    await repo.move_status(session, payout_id, [rules.PENDING, rules.IN_TRANSIT], rules.PAID, paid_at=now)
    await repo.update_reserve(session, payout_id, "held", release_at=now + reserve_hold)
    paid = await get_payout(session, payout_id)
    await _announce(session, paid, "payout.paid")
    return paid


async def fail_payout(session: AsyncSession, payout_id: str, code: str, message: str = "") -> Payout:
    """Return the funds to earnings (transit, and the reserve still held). A repeat is a no-op."""
    row = await get_payout(session, payout_id, for_update=True)
    if not rules.check_transition(row.status, rules.FAILED):
        return row
    reserve_back = 0
    reserve = await repo.reserve_of(session, payout_id, for_update=True)
    if reserve is not None and reserve.status == "held":
        code_ = rules.reserve(row.payee_id, row.currency)
        pooled = (await repo.lock_balances(session, [code_])).get(code_, 0)
        reserve_back = min(reserve.amount, pooled)  # a chargeback may have clawed some of it
    await ledger.transfer(
        session,
        rules.return_postings(row.payee_id, row.currency, row.net_amount, reserve_back),
        f"po:{payout_id}:return",
        kind="payout_return",
        metadata={"payout_id": payout_id, "code": code},
    )
    await repo.move_status(
        session,
        payout_id,
        [rules.PENDING, rules.IN_TRANSIT],
        rules.FAILED,
        failed_at=utcnow(),
        failure_code=code[:100],
        failure_message=message[:500] or None,
    )
    if reserve is not None:
        await repo.update_reserve(
            session, payout_id, "held", status="cancelled", released_amount=reserve_back
        )
    failed = await get_payout(session, payout_id)
    await _announce(session, failed, "payout.failed")
    return failed


async def _announce(session: AsyncSession, row: Payout, type_: str) -> None:
    """The payout as an event for its payee, in the transaction that changed it."""
    cur = row.currency
    data = {
        "payout_id": row.id,
        "status": row.status,
        "amount": format_amount(row.amount, cur),
        "net_amount": format_amount(row.net_amount, cur),
        "reserve_amount": format_amount(row.reserve_amount, cur),
        "currency": cur,
        "destination_id": row.destination_id,
        "failure_code": row.failure_code,
    }
    await events.emit(
        session, type_, account_id=row.payee_id, object_type="payout", object_id=row.id, data=data
    )


async def release_reserve(session: AsyncSession, payout_id: str) -> int:
    """The dispute window has passed: reserve → earnings (what a claw-back left of it)."""
    reserve = await repo.reserve_of(session, payout_id, for_update=True)
    if reserve is None or reserve.status != "held":
        return 0
    code = rules.reserve(reserve.payee_id, reserve.currency)
    pooled = (await repo.lock_balances(session, [code])).get(code, 0)
    amount = min(reserve.amount, pooled)
    if amount > 0:
        await ledger.transfer(
            session,
            rules.release_postings(reserve.payee_id, reserve.currency, amount),
            f"po:{payout_id}:reserve_release",
            kind="reserve_release",
            metadata={"payout_id": payout_id},
        )
    await repo.update_reserve(
        session, payout_id, "held", status="released", released_amount=amount, released_at=utcnow()
    )
    return amount


async def list_payouts(
    session: AsyncSession, *, payee_id: str | None, status: str | None, limit: int, starting_after: str | None
) -> tuple[list[Payout], bool]:
    cursor: tuple[datetime, str] | None = None
    if starting_after:
        anchor = await repo.payout(session, starting_after)
        if anchor is None or (payee_id is not None and anchor.payee_id != payee_id):
            raise NotFound("unknown cursor", param="starting_after", code="invalid_cursor")
        cursor = (anchor.created_at, anchor.id)
    rows = list(
        await repo.list_payouts(
            session, payee_id=payee_id, status=status, limit=limit + 1, starting_after=cursor
        )
    )
    return rows[:limit], len(rows) > limit


async def payable_page(
    session: AsyncSession, policy: PayoutPolicy, *, after: tuple[str, str] | None, limit: int
) -> list[tuple[str, str, int]]:
    return await repo.payable_earnings(session, policy.minimums(), after=after, limit=limit)
