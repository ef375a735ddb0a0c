"""Refunds of deductions: credits back into the lots they were drawn from, in the caller's DB
transaction; never more than was deducted; a refund key repeated for another deduction or amount is
a 409. The refund carries the deduct's agent, mandate and run (entry and ledger metadata)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.repositories import credits as repo
from domain import credits as rules
from domain.errors import NotFound
from domain.ledger import transfer_postings, wallet
from services import ledger
from services.credits_debit import Attribution, find_debit, metadata_of
from services.credits_keys import check_amount, entry_key, key_conflict, ledger_key


@dataclass(frozen=True, slots=True)
class RefundResult:
    entry_id: int
    transaction_id: str
    amount: int
    refunded_total: int  # of the deduction, after this refund
    created: bool


async def refund_debit(
    session: AsyncSession,
    *,
    user_id: str,
    reference: str,
    amount: int | None,
    refund_reference: str,
    refund_display: str | None = None,
) -> RefundResult:
    """Give back all (amount=None) or part of a deduction, into the lots it drew from.

    Never more than was deducted in total (checked here and by CHECK constraints); idempotent on
    (user_id, refund_reference): a repeat for another deduction or another amount is a 409. The
    history shows `refund_display` (an API caller's own reference) when given. A lot
    whose expiry has passed gets its credits back as expired: they do not count and the expiry sweep
    moves them out again.
    """
    if amount is not None:
        check_amount(amount)
    now = utcnow()
    w = await repo.lock_wallet(session, user_id)
    debit = None if w is None else await find_debit(session, user_id, reference)
    if w is None or debit is None:
        raise NotFound("no such deduction for this user", param="reference", code="deduction_not_found")
    key = entry_key("refund", refund_reference)
    existing = await repo.entry_by_key(session, user_id, key)
    if existing is not None:
        if existing.parent_id != debit.id or (amount is not None and int(existing.amount) != amount):
            raise key_conflict("refund_reference", "refund_reference")
        return RefundResult(
            existing.id, existing.transaction_id, int(existing.amount), int(debit.refunded), False
        )
    plan = rules.plan_refund(await repo.draws_of(session, debit.id), amount)
    total = sum(give for _, give in plan)
    refunded_before = int(debit.refunded)
    shown = debit.reference or reference
    result = await ledger.transfer(
        session,
        transfer_postings(debit.counterparty, wallet(user_id), total, rules.CURRENCY),
        ledger_key("refund", user_id, refund_reference),
        kind="credits.refund",
        description=f"refund of deduction {shown}",
        metadata=metadata_of(user_id, shown, Attribution(debit.agent_id, debit.mandate_id, debit.run_id)),
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
        reference=refund_display or refund_reference,
        transaction_id=result.transaction_id,
        counterparty=debit.counterparty,
        refunded=0,
        parent_id=debit.id,
        lot_id=None,
        description=f"refund of deduction {shown}",
        created_at=now,
        agent_id=debit.agent_id,
        mandate_id=debit.mandate_id,
        run_id=debit.run_id,
    )
    await repo.update_wallet(session, user_id, balance=balance, next_expiry=nxt, now=now)
    return RefundResult(entry_id, result.transaction_id, total, refunded_before + total, True)
