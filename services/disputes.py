"""Chargebacks: record a provider dispute, hold the disputed amount, and close it won or lost.

A loss takes back what the disputed payment paid for (services.dispute_clawbacks): from the escrow it
funded (its hold first, then the agent's earnings for what was released) or the credits it bought
(as far as unspent). What cannot be recovered stays the platform's loss (recorded as the shortfall).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.disputes import DisputeInput
from db.base import utcnow
from db.models.disputes import Dispute
from db.repositories import disputes as repo
from db.repositories import payments as payment_repo
from domain import disputes as rules
from domain.errors import NotFound
from domain.money import check_currency
from services import dispute_clawbacks as clawbacks
from services import ledger


@dataclass(frozen=True, slots=True)
class DisputeFacts:
    dispute_id: str
    provider: str
    amount: int
    currency: str
    charge_id: str = ""
    payment_intent_id: str = ""
    reason: str = ""
    provider_status: str = "needs_response"
    evidence_due_by: datetime | None = None


def facts_from_input(inp: DisputeInput) -> DisputeFacts:
    due = datetime.fromisoformat(inp.evidence_due_by) if inp.evidence_due_by else None
    return DisputeFacts(
        dispute_id=inp.dispute_id,
        provider=inp.provider,
        amount=inp.amount,
        currency=inp.currency,
        charge_id=inp.charge_id,
        payment_intent_id=inp.payment_intent_id,
        reason=inp.reason,
        provider_status=inp.provider_status,
        evidence_due_by=due,
    )


@dataclass(frozen=True, slots=True)
class CloseResult:
    outcome: str
    loss: int = 0
    clawed_back: int = 0
    shortfall: int = 0
    escrow_taken: int = 0
    credits_clawed_back: int = 0
    credits_shortfall: int = 0
    escrow_contract_id: str | None = None  # the escrow to tell (its funding payment was disputed)


async def record_dispute(session: AsyncSession, facts: DisputeFacts) -> tuple[Dispute, bool]:
    """Insert the dispute row (idempotent on the provider's dispute id), linked to our payment."""
    currency = check_currency(facts.currency)
    payment = await repo.payment_for_provider_object(
        session, facts.provider, [facts.payment_intent_id, facts.charge_id]
    )
    escrow_contract = None
    if payment is not None and payment.purpose_kind == "escrow":
        escrow_contract = payment.purpose_reference
    now = utcnow()
    created = await repo.insert_dispute(
        session,
        {
            "id": facts.dispute_id,
            "provider": facts.provider,
            "charge_id": facts.charge_id or None,
            "payment_intent_id": facts.payment_intent_id or None,
            "payment_id": payment.id if payment is not None else None,
            "escrow_contract_id": escrow_contract,
            "amount": facts.amount,
            "currency": currency,
            "reason": facts.reason or None,
            "status": rules.OPEN,
            "provider_status": facts.provider_status,
            "evidence_due_by": facts.evidence_due_by,
            "held": 0,
            "opened_at": now,
            "updated_at": now,
        },
    )
    row = await repo.dispute(session, facts.dispute_id)
    assert row is not None
    return row, created


async def hold_disputed(session: AsyncSession, dispute_id: str) -> Dispute:
    """clearing:{provider} → dispute_hold:{dispute}: the disputed amount, once."""
    row = await get_dispute(session, dispute_id, for_update=True)
    result = await ledger.transfer(
        session,
        rules.hold_postings(row.id, row.provider, row.currency, row.amount),
        f"dsp:{row.id}:hold",
        kind="dispute_hold",
        metadata={"dispute_id": row.id},
    )
    if result.created:
        await repo.update_dispute(session, row.id, held=row.amount)
    return await get_dispute(session, dispute_id)


async def mark_evidence_overdue(session: AsyncSession, dispute_id: str) -> None:
    row = await get_dispute(session, dispute_id)
    if row.status == rules.OPEN and not row.evidence_overdue:
        await repo.update_dispute(session, dispute_id, evidence_overdue=True)


async def close(session: AsyncSession, dispute_id: str, outcome: str) -> CloseResult:
    """Won: the hold returns to clearing. Lost: the hold is booked as a loss and the agent is clawed
    back from when an already-released escrow was funded by the disputed payment. Idempotent."""
    row = await get_dispute(session, dispute_id, for_update=True)
    if not rules.check_close(row.status, outcome):  # a repeat: the same answer
        return CloseResult(
            row.status,
            row.loss_amount,
            row.clawback_amount,
            row.clawback_shortfall,
            row.escrow_taken,
            row.credits_clawed_back,
            row.credits_shortfall,
            await clawbacks.escrow_funded_by(session, row),
        )
    held = row.held
    if outcome == rules.WON:
        if held:
            await ledger.transfer(
                session,
                rules.won_postings(row.id, row.provider, row.currency, held),
                f"dsp:{row.id}:won",
                kind="dispute_won",
                metadata={"dispute_id": row.id},
            )
        await repo.close_dispute(session, row.id, rules.WON, held=0, provider_status="won")
        return CloseResult(rules.WON, escrow_contract_id=await clawbacks.escrow_funded_by(session, row))

    if held:
        await ledger.transfer(
            session,
            rules.lost_postings(row.id, row.currency, held),
            f"dsp:{row.id}:lost",
            kind="dispute_lost",
            metadata={"dispute_id": row.id},
        )
    back = await clawbacks.from_escrow(session, row)
    payment = await payment_repo.get_payment(session, row.payment_id) if row.payment_id else None
    if payment is not None and not row.escrow_contract_id:
        back = await clawbacks.from_credits_purchase(session, row, payment)
    await repo.close_dispute(
        session,
        row.id,
        rules.LOST,
        held=0,
        provider_status="lost",
        loss_amount=held,
        payee_id=back.payee_id,
        clawback_amount=back.clawed_back,
        clawback_shortfall=back.shortfall,
        escrow_taken=back.escrow_taken,
        credits_clawed_back=back.credits_clawed_back,
        credits_shortfall=back.credits_shortfall,
    )
    return CloseResult(
        rules.LOST,
        held,
        back.clawed_back,
        back.shortfall,
        back.escrow_taken,
        back.credits_clawed_back,
        back.credits_shortfall,
        await clawbacks.escrow_funded_by(session, row),
    )


async def get_dispute(session: AsyncSession, dispute_id: str, *, for_update: bool = False) -> Dispute:
    row = await repo.dispute(session, dispute_id, for_update=for_update)
    if row is None:
        raise NotFound(f"no dispute {dispute_id}", param="dispute_id", code="dispute_not_found")
    return row


async def list_disputes(
    session: AsyncSession, *, status: str | None, payee_id: str | None, limit: int, starting_after: str | None
) -> tuple[list[Dispute], bool]:
    cursor = None
    if starting_after:
        anchor = await repo.dispute(session, starting_after)
        if anchor is None:
            raise NotFound("unknown cursor", param="starting_after", code="invalid_cursor")
        cursor = (anchor.opened_at, anchor.id)
    rows = list(
        await repo.list_disputes(
            session, status=status, payee_id=payee_id, limit=limit + 1, starting_after=cursor
        )
    )
    return rows[:limit], len(rows) > limit
