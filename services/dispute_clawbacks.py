"""What a lost chargeback takes back, besides the loss itself (services.disputes books that):

- the disputed payment funded an escrow: first what the escrow still holds (escrow holding →
  chargeback_recoveries; the escrow workflow is told, and was frozen while the dispute was open),
  then, for what the escrow had already released, the agent's earnings and reserve (as before);
- the disputed payment bought credits: the credits it bought, in proportion to the disputed amount,
  as far as they are unspent (wallet → credits_issued, retired); what was spent stays a loss (the
  fiat loss is booked on the dispute; the credits shortfall is recorded on the row).

Each move has its business key (`dsp:{dispute_id}:escrow`, `…:clawback`, `…:credits`), so a retried
close moves nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.disputes import Dispute
from db.models.payments import Payment
from db.repositories import escrow as escrow_repo
from db.repositories import payouts as payout_repo
from domain import credits as credits_rules
from domain import disputes as rules
from domain.errors import InsufficientFunds
from domain.ledger import earnings, escrow_holding
from domain.payments import credits_to_claw_back
from services import credits, ledger


@dataclass(frozen=True, slots=True)
class Clawback:
    escrow_taken: int = 0  # from the escrow's hold
    clawed_back: int = 0  # from the agent's earnings / reserve (an escrow already released)
    shortfall: int = 0  # what the agent no longer had
    payee_id: str | None = None
    credits_clawed_back: int = 0
    credits_shortfall: int = 0


async def escrow_funded_by(session: AsyncSession, row: Dispute) -> str | None:
    """The contract of the escrow this disputed payment funded (its claimed funding), if any."""
    if not row.escrow_contract_id or not row.payment_id:
        return None
    escrow = await escrow_repo.get_by_contract(session, row.escrow_contract_id)
    if escrow is None or escrow.currency != row.currency:
        return None
    if escrow.funding_payment_id not in (None, row.payment_id):  # None: rows from before the claim
        return None
    return escrow.contract_id


async def from_escrow(session: AsyncSession, row: Dispute) -> Clawback:
    contract = await escrow_funded_by(session, row)
    if contract is None:
        return Clawback()
    escrow = await escrow_repo.lock_by_contract(session, contract)
    assert escrow is not None
    holding = escrow_holding(contract, row.currency)
    held = max((await payout_repo.lock_balances(session, [holding])).get(holding, 0), 0)
    taken = min(row.amount, held)
    if taken:
        await ledger.transfer(
            session,
            rules.escrow_recovery_postings(holding, row.currency, taken),
            f"dsp:{row.id}:escrow",
            kind="chargeback_escrow",
            metadata={"dispute_id": row.id, "contract_id": contract},
        )
    needed = min(row.amount - taken, escrow.released)
    if needed <= 0:
        return Clawback(escrow_taken=taken)
    payee = escrow.payee_id
    e_code, r_code = earnings(payee, row.currency), f"reserve:{payee}:{row.currency}"
    balances = await payout_repo.lock_balances(session, [e_code, r_code])
    from_e, from_r, shortfall = rules.clawback_split(needed, balances.get(e_code, 0), balances.get(r_code, 0))
    if from_e + from_r:
        await ledger.transfer(
            session,
            rules.clawback_postings(payee, row.currency, from_e, from_r),
            f"dsp:{row.id}:clawback",
            kind="chargeback_clawback",
            metadata={"dispute_id": row.id, "payee_id": payee},
        )
    return Clawback(taken, from_e + from_r, shortfall, payee)


async def from_credits_purchase(session: AsyncSession, row: Dispute, payment: Payment) -> Clawback:
    """Take back the credits the disputed share of a purchase bought, as far as they are unspent."""
    if payment.purpose_kind != "credits" or payment.purpose_credits <= 0:
        return Clawback()
    refunded = payment.refunded_amount  # refunds already took their share of the credits back
    needed = credits_to_claw_back(
        payment.purpose_credits, payment.captured_amount, refunded, refunded + row.amount
    )
    user = payment.purpose_user_id or payment.payer_id
    for _ in range(5):  # a deduct racing us can spend between the read and the debit: read again
        available = max((await credits.balance_view(session, user)).balance, 0)
        take = min(needed, available)
        if take <= 0:
            return Clawback(credits_shortfall=needed)
        try:
            async with session.begin_nested():
                await credits.debit_wallet(
                    session,
                    user_id=user,
                    amount=take,
                    reference=f"dsp:{row.id}:credits",
                    destination=credits_rules.ISSUED,
                    kind="clawback",
                    description=f"credits taken back: chargeback {row.id} on payment {payment.id} lost",
                )
            return Clawback(credits_clawed_back=take, credits_shortfall=needed - take)
        except InsufficientFunds:
            continue
    # Not a refusal: a transient race. Temporal retries the activity.
    raise RuntimeError("credits kept moving while a chargeback took them back; retry")
