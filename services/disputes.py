"""Chargebacks: record a provider dispute, hold the disputed amount, and close it won or lost.

A loss claws back from the agent when the disputed payment funded an escrow that has already released
money to them: up to min(disputed, released) from `earnings:{payee}:{cur}`, then `reserve:{payee}:{cur}`;
what cannot be recovered stays the platform's loss (recorded as the shortfall).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.disputes import DisputeInput
from db.base import utcnow
from db.models.disputes import Dispute
from db.repositories import disputes as repo
from db.repositories import payouts as payout_repo
from domain import disputes as rules
from domain.errors import NotFound
from domain.ledger import earnings
from domain.money import check_currency
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
    if not rules.check_close(row.status, outcome):
        return CloseResult(row.status, row.loss_amount, row.clawback_amount, row.clawback_shortfall)
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
        return CloseResult(rules.WON)

    if held:
        await ledger.transfer(
            session,
            rules.lost_postings(row.id, row.currency, held),
            f"dsp:{row.id}:lost",
            kind="dispute_lost",
            metadata={"dispute_id": row.id},
        )
    clawed, shortfall, payee = 0, 0, None
    if row.escrow_contract_id:
        escrow = await repo.escrow_by_contract(session, row.escrow_contract_id)
        if escrow is not None and escrow.released > 0 and escrow.currency == row.currency:
            payee = escrow.payee_id
            needed = min(row.amount, escrow.released)
            e_code, r_code = earnings(payee, row.currency), f"reserve:{payee}:{row.currency}"
            balances = await payout_repo.lock_balances(session, [e_code, r_code])
            from_e, from_r, shortfall = rules.clawback_split(
                needed, balances.get(e_code, 0), balances.get(r_code, 0)
            )
            clawed = from_e + from_r
            if clawed:
                await ledger.transfer(
                    session,
                    rules.clawback_postings(payee, row.currency, from_e, from_r),
                    f"dsp:{row.id}:clawback",
                    kind="chargeback_clawback",
                    metadata={"dispute_id": row.id, "payee_id": payee},
                )
    await repo.close_dispute(
        session,
        row.id,
        rules.LOST,
        held=0,
        provider_status="lost",
        loss_amount=held,
        payee_id=payee,
        clawback_amount=clawed,
        clawback_shortfall=shortfall,
    )
    return CloseResult(rules.LOST, held, clawed, shortfall)


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
