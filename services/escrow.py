"""Escrow money moves and the row mirror, each one DB transaction, each safe to run twice.

Money leaves or enters `escrow:{contract_id}:{cur}` only here, through services.ledger.transfer with
the business keys built in contracts/escrow.py (`esc:{contract_id}:fund`, `…:release`, `…:resolve`,
`…:refund:{n}`; the workflow builds them with the same helpers) — so a retried activity (a worker
killed after the commit) finds the key already posted and moves nothing again.

Credits (see domain/escrow.py for the currency choice): funding debits the payer's lots through
services.credits.debit_wallet (destination: the holding account); money going back to a credits
payer goes through services.credits.credit_wallet as a refund lot (ledger key = the escrow key).
Money going back to a card / PayPal / crypto payer is not moved here: the workflow
calls the payments activity `refund_payment` with the key, and that activity posts holding →
`clearing:{provider}:{cur}` and refunds at the provider.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.metrics import ESCROW_MOVES
from contracts.escrow import (
    CloseUnfundedInput,
    CloseUnfundedResult,
    EscrowEvent,
    EscrowView,
    FundWithCreditsInput,
    MoneyResult,
    ReturnToPayerInput,
    SettleInput,
    fund_key,
)
from db.models.escrow import Escrow
from db.repositories import escrow as repo
from domain.errors import CurrencyMismatch, InvalidState
from domain.events import EVENT_TYPES
from domain.ledger import Posting, earnings, escrow_holding, system
from services import credits, events, ledger

CREDITS = "credits"


async def fund_with_credits(session: AsyncSession, inp: FundWithCreditsInput) -> MoneyResult:
    if inp.currency != "CREDIT":
        raise CurrencyMismatch(
            f"an escrow in {inp.currency} cannot be funded with credits",
            param="provider",
            code="currency_not_credits",
        )
    result = await credits.debit_wallet(
        session,
        user_id=inp.payer_id,
        amount=inp.amount,
        reference=fund_key(inp.contract_id),
        destination=escrow_holding(inp.contract_id, inp.currency),
        kind="escrow_fund",
        description=f"escrow funding for contract {inp.contract_id}",
    )
    return MoneyResult(transaction_id=result.transaction_id, created=result.created)


async def settle(session: AsyncSession, inp: SettleInput) -> MoneyResult:
    """Release (all to the payee, fee to revenue) or an arbiter's split, in one DB transaction.

    The payee's part and the fee are one balanced ledger transaction under `inp.key`; a credits
    payer's part goes back through credit_wallet (a refund lot) in the same DB transaction. (A card /
    PayPal / crypto payer's part is not moved here: payments' refund_payment posts it.)
    """
    holding = escrow_holding(inp.contract_id, inp.currency)
    postings: list[Posting] = []
    if inp.payee_net > 0:
        postings.append(Posting(earnings(inp.payee_id, inp.currency), inp.payee_net, inp.currency))
    if inp.fee > 0:
        postings.append(Posting(system("revenue", inp.currency), inp.fee, inp.currency))
    txn_id, created = "", False
    if postings:
        postings.insert(0, Posting(holding, -sum(p.amount for p in postings), inp.currency))
        result = await ledger.transfer(
            session,
            postings,
            inp.key,
            kind=f"escrow_{inp.kind}",
            description=f"escrow {inp.kind} for contract {inp.contract_id}",
            metadata={"contract_id": inp.contract_id, "payee_id": inp.payee_id, "payer_id": inp.payer_id},
        )
        txn_id, created = result.transaction_id, result.created
    if inp.payer_refund > 0 and inp.funding_provider == CREDITS:
        back = await _credit_payer(session, inp, inp.payer_refund, f"{inp.key}:payer")
        txn_id, created = txn_id or back.transaction_id, created or back.created
    return MoneyResult(transaction_id=txn_id, created=created)


async def return_to_payer(session: AsyncSession, inp: ReturnToPayerInput) -> MoneyResult:
    """A refund (full or partial) of what is held to a credits payer, as a refund lot, under
    `esc:{contract_id}:refund:{n}`. Provider-funded escrows refund through payments instead."""
    if inp.funding_provider != CREDITS:
        raise InvalidState("a provider-funded escrow refunds through its payment", code="refund_via_payment")
    back = await _credit_payer(session, inp, inp.amount, inp.key)
    return MoneyResult(transaction_id=back.transaction_id, created=back.created)


async def _credit_payer(
    session: AsyncSession, inp: SettleInput | ReturnToPayerInput, amount: int, key: str
) -> credits.CreditResult:
    return await credits.credit_wallet(
        session,
        user_id=inp.payer_id,
        amount=amount,
        reference=key,
        source="refund",
        from_account=escrow_holding(inp.contract_id, inp.currency),
        description=f"escrow refund for contract {inp.contract_id}",
        ledger_key=key,
    )


# ---- funding by a provider payment vs. leaving `created` ----------------------------------------
#
# A card / PayPal / crypto payment can complete at any time, also after the escrow has expired, been
# cancelled or been funded by another payment. Both sides decide on the locked escrow row: the
# payment's completion claims the funding (sets funding_payment_id) only while the row is `created`
# and unclaimed; the workflow's expiry / cancel closes the row only while it is unclaimed. Whoever
# locks first wins; the other sees it.

ESCROW_CLOSED = "escrow_closed"


async def claim_funding(
    session: AsyncSession, *, contract_id: str, payment_id: str, amount: int, currency: str, provider: str
) -> str | None:
    """Claim the escrow's funding for this payment; None if it is this payment's, else why not.

    Called by the payment's completion in its own DB transaction, before it posts anything: only a
    claimed escrow gets the money in its holding account. Idempotent for the same payment."""
    row = await repo.lock_by_contract(session, contract_id)
    if row is None:
        return "escrow_not_found"
    if row.funding_payment_id == payment_id:
        return None
    if row.status != "created" or row.funding_payment_id is not None or row.funding_provider is not None:
        return ESCROW_CLOSED
    if (row.amount, row.currency) != (amount, currency):
        return "escrow_amount_mismatch"
    await repo.set_fields(session, row.id, funding_payment_id=payment_id, funding_provider=provider)
    return None


async def close_unfunded(session: AsyncSession, inp: CloseUnfundedInput) -> CloseUnfundedResult:
    """The workflow's expiry / cancel: close the row unless a payment has claimed the funding."""
    row = await repo.lock_by_contract(session, inp.contract_id)
    if row is None:
        return CloseUnfundedResult(closed=True)
    if row.funding_payment_id is not None and row.status == "created":
        return CloseUnfundedResult(False, row.funding_payment_id, row.funding_provider)
    if row.status == "created":
        await repo.set_fields(session, row.id, status=inp.status)
    return CloseUnfundedResult(closed=True)


# ---- the row mirror -----------------------------------------------------------------------------


def _row_values(view: EscrowView) -> dict[str, Any]:
    return {
        "status": view.status,
        "held": view.held,
        "released": view.released,
        "fee": view.fee,
        "refunded": view.refunded,
        "signatures_count": len(view.signatures),
        "delivered": view.delivered,
        "validation_score_ppm": view.validation_score_ppm,
        "funding_provider": view.funding_provider,
        "funding_payment_id": view.funding_payment_id,
        "snapshot": view_to_dict(view),
    }


async def record(
    session: AsyncSession,
    view: EscrowView,
    event: EscrowEvent | None,
    events: list[EscrowEvent] | None = None,
) -> None:
    """Mirror the workflow's state onto the row and append the event; idempotent (events by seq).

    The funding fields are never cleared by the mirror: a payment may have claimed the funding
    (claim_funding) before its signal reached the workflow."""
    values = _row_values(view)
    for name in ("funding_payment_id", "funding_provider"):
        if values[name] is None:
            values.pop(name)
    if await repo.mirror(session, view.escrow_id, values) == 0:
        await repo.insert_row(
            session,
            {
                **values,
                "id": view.escrow_id,
                "contract_id": view.contract_id,
                "payer_id": view.payer_id,
                "payee_id": view.payee_id,
                "amount": view.amount,
                "currency": view.currency,
                "fee_percent": Decimal(view.fee_percent),
                "signers": list(view.signers),
                "required_signatures": view.required_signatures,
                "threshold_ppm": view.threshold_ppm,
            },
        )
    await repo.add_signatures(session, view.escrow_id, view.signatures)
    for e in [*([event] if event is not None else []), *(events or [])]:
        added = await repo.add_event(
            session,
            escrow_id=view.escrow_id,
            seq=e.seq,
            kind=e.kind,
            actor=e.actor,
            detail=dict(e.detail),
            at=datetime.fromisoformat(e.at),
        )
        if added:  # once per escrow event, however often the mirror runs
            await _announce(session, view, e.kind)


async def _announce(session: AsyncSession, view: EscrowView, kind: str) -> None:
    """The change as an event for the payer and for the payee (each sees its own), and a metric."""
    ESCROW_MOVES.labels(kind).inc()
    type_ = f"escrow.{kind}"
    if type_ not in EVENT_TYPES:
        return
    data = {k: v for k, v in view_to_dict(view).items() if k != "events"}
    for account in dict.fromkeys((view.payer_id, view.payee_id)):
        await events.emit(
            session, type_, account_id=account, object_type="escrow", object_id=view.escrow_id, data=data
        )


def view_to_dict(view: EscrowView) -> dict[str, Any]:
    return dataclasses.asdict(view)


def view_from_dict(data: dict[str, Any]) -> EscrowView:
    events = [EscrowEvent(**e) for e in data.get("events", [])]
    fields = {f.name for f in dataclasses.fields(EscrowView)}
    return EscrowView(**{**{k: v for k, v in data.items() if k in fields}, "events": events})


def view_from_row(row: Escrow) -> EscrowView:
    """The last mirrored state (closed workflows), or the row as created (before the first mirror)."""
    if row.snapshot:
        return view_from_dict(row.snapshot)
    return EscrowView(
        escrow_id=row.id,
        contract_id=row.contract_id,
        status=row.status,
        payer_id=row.payer_id,
        payee_id=row.payee_id,
        amount=row.amount,
        currency=row.currency,
        held=row.held,
        released=row.released,
        fee=row.fee,
        refunded=row.refunded,
        signers=list(row.signers),
        required_signatures=row.required_signatures,
        threshold_ppm=row.threshold_ppm,
        fee_percent=f"{row.fee_percent.normalize():f}",
        delivered=row.delivered,
        validation_score_ppm=row.validation_score_ppm,
        funding_provider=row.funding_provider,
        funding_payment_id=row.funding_payment_id,
        created_at=row.created_at.isoformat(),
    )


async def open_escrow_count(session: AsyncSession, payee_id: str) -> int:
    return await repo.open_count_by_payee(session, payee_id)


async def abandon_funding(session: AsyncSession, *, contract_id: str, payment_id: str) -> bool:
    """The escrow's workflow is gone (terminated) and never took this payment: close the row so
    nothing else claims it; the caller refunds the payment from the holding account. True when this
    payment was the escrow's claimed funding (its money is in the holding account)."""
    row = await repo.lock_by_contract(session, contract_id)
    if row is None or row.funding_payment_id != payment_id:
        return False
    if row.status == "created":
        await repo.set_fields(session, row.id, status="cancelled")
    return True
