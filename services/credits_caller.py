"""What an API caller may ask of the credits area (issue #11 cases 4 and 5).

- References typed by a caller live in that caller's namespace (services/credits_keys.py): a deduct,
  refund or grant can never reach an internal movement (`esc:{id}:fund`, `invoice:{id}:{due}`, ...)
  nor another caller's.
- An agent deducts only under a mandate the user granted it: the mandate row is locked, the charge
  checked, the debit written and the day's/month's usage raised within the caps — one DB transaction.
  A service (the orchestrator) or an admin may deduct without one; naming one applies it all the same.
- Every deduct records the agent it pays for and the orchestration run, for GET /credits/runs/{id}.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.session import SessionFactory, unit_of_work
from domain import credits as rules
from domain import mandates as mandate_rules
from domain.credits import DebitResult
from domain.errors import Forbidden
from services import credits_debit, mandates
from services.credits import CreditResult, grant_reward
from services.credits_debit import Attribution
from services.credits_keys import caller_reference, entry_key
from services.credits_refund import RefundResult, refund_debit

AGENT = "agent"
MAY_DEDUCT_WITHOUT_MANDATE = ("service", "admin")
MAY_REFUND_FOR_OTHERS = ("service", "admin")


@dataclass(frozen=True, slots=True)
class Caller:
    role: str  # api.auth.Role's value
    id: str


@dataclass(frozen=True, slots=True)
class DeductRequest:
    user_id: str
    amount: int
    reference: str
    mandate_id: str | None = None
    agent_id: str | None = None  # services: the agent the charge pays for
    run_id: str | None = None
    contract_id: str | None = None
    description: str | None = None


async def deduct(
    factory: SessionFactory, caller: Caller, req: DeductRequest, *, default_threshold: int
) -> tuple[DebitResult, Attribution]:
    """The deduct, and whom it was recorded for (the agent comes from the mandate when one is used)."""
    agent_id = req.agent_id
    if caller.role == AGENT:
        if agent_id not in (None, caller.id):
            raise Forbidden("an agent charges for itself only", param="agent_id", code="agent_mismatch")
        agent_id = caller.id
        if req.mandate_id is None:
            raise Forbidden(
                "an agent needs the user's mandate to charge their credits",
                param="mandate_id",
                code="mandate_required",
            )
    elif caller.role not in MAY_DEDUCT_WITHOUT_MANDATE:
        raise Forbidden(f"role {caller.role!r} may not deduct credits", code="forbidden")
    common = {
        "user_id": req.user_id,
        "amount": req.amount,
        "reference": caller_reference(caller.role, caller.id, req.reference),
        "display_reference": req.reference,
        "description": req.description or f"deducted by {caller.role} {caller.id}",
        "default_threshold": default_threshold,
    }
    if req.mandate_id is None:
        who = Attribution(agent_id=agent_id, run_id=req.run_id)
        return await credits_debit.deduct(factory, **common, attribution=who), who
    async with unit_of_work(factory) as session:
        return await _deduct_under_mandate(session, req, agent_id, common, utcnow())


async def _deduct_under_mandate(
    session: AsyncSession, req: DeductRequest, agent_id: str | None, common: dict, now: datetime
) -> tuple[DebitResult, Attribution]:
    assert req.mandate_id is not None
    m, replay = await mandates.authorize(
        session,
        req.mandate_id,
        user_id=req.user_id,
        agent_id=agent_id,
        entry_key=entry_key("debit", common["reference"]),
    )
    who = Attribution(agent_id=m.agent_id, mandate_id=m.id, run_id=req.run_id)
    if not replay:  # a new charge: refused clearly before anything is written
        mandate_rules.check_charge(
            m, amount=req.amount, currency=rules.CURRENCY, contract_id=req.contract_id, now=now
        )
    result = await credits_debit.debit_wallet(session, **common, attribution=who, now=now)
    if result.created:
        await mandates.record_charge(session, m, amount=req.amount, now=now)
    return result, who


async def refund(
    session: AsyncSession,
    caller: Caller,
    *,
    user_id: str,
    reference: str,
    amount: int | None,
    refund_reference: str,
    deducted_by: Caller | None,
) -> RefundResult:
    """Refund a deduct the caller made through the API (services and admins: or one `deducted_by`
    made). Deducts made by the platform itself (escrow funding, payments, invoices) are out of reach:
    they are refunded through what they paid for."""
    owner = deducted_by or caller
    if owner != caller and caller.role not in MAY_REFUND_FOR_OTHERS:
        raise Forbidden("only services and admins refund others' deducts", param="deducted_by")
    return await refund_debit(
        session,
        user_id=user_id,
        reference=caller_reference(owner.role, owner.id, reference),
        amount=amount,
        refund_reference=caller_reference(caller.role, caller.id, refund_reference),
        refund_display=refund_reference,
    )


async def grant(
    session: AsyncSession,
    caller: Caller,
    *,
    user_id: str,
    amount: int,
    reference: str,
    expires_at: datetime | None,
    reason: str,
) -> CreditResult:
    return await grant_reward(
        session,
        user_id=user_id,
        amount=amount,
        reference=caller_reference(caller.role, caller.id, reference),
        display_reference=reference,
        expires_at=expires_at,
        reason=reason,
    )
