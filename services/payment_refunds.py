"""Refunds of payments: reserved against the captured amount (DB-guarded), posted only when the
provider says the money went back, reversed when the provider later says it did not.

A refund goes through what the payment was for: a credits purchase takes its credits back first;
an invoice payment's refund reopens the invoice; an escrow's funding is refunded only by the escrow.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.payments import payment_key, refund_key
from db.models.payments import Payment, Refund
from db.repositories import payments as repo
from domain import credits as credits_rules
from domain import ledger as accounts
from domain import payments as rules
from domain.errors import Conflict, InsufficientFunds, InvalidAmount, InvalidState, NotFound
from domain.ledger import transfer_postings
from services import ledger, payment_events
from services.payments import ESCROW_CLOSED, invoice_refund_key, refund_source


async def reserve_refund(
    session: AsyncSession,
    payment_id: str,
    *,
    amount: int | None,
    reason: str,
    idempotency_key: str,
    force: bool = False,
    direct: bool = False,
) -> Refund:
    """Reserve a refund against the captured amount (DB-guarded); the same key returns the same refund.

    A refund of a credits purchase first takes the credits it bought back out of the wallet, in
    proportion to the refunded amount, in this same transaction: if they are no longer there the
    refund is refused (409 credits_already_spent) and nothing moves — unless `force` (an admin's
    explicit choice), which takes back what is left and refunds anyway.

    `direct`: asked for the payment itself (the refund endpoint), not by its purpose. A payment
    that funds an escrow is refunded only by the escrow (409 refund_through_escrow): refunding it
    directly would empty the holding account the escrow still settles from.
    """
    existing = await repo.refund_by_key(session, idempotency_key)
    if existing is not None:
        if existing.payment_id != payment_id or (amount is not None and existing.amount != amount):
            raise Conflict("this refund key was used for a different refund", code="refund_key_reused")
        return existing
    row = await repo.get_payment(session, payment_id)
    if row is None:
        raise NotFound("no such payment", code="payment_not_found")
    if direct and row.purpose_kind == "escrow" and row.failure_code != ESCROW_CLOSED:
        raise Conflict(
            "this payment funds an escrow: refund it through the escrow", code="refund_through_escrow"
        )
    amount = amount if amount is not None else row.captured_amount - row.refunded_amount
    rules.check_refundable(row.status, row.captured_amount, row.refunded_amount, amount)
    seq = await repo.reserve_refund_amount(session, payment_id, amount, sorted(rules.SUCCESS))
    if seq is None:  # a racing refund took it first: the database said no
        raise InvalidAmount(
            "refund exceeds the refundable amount", param="amount", code="refund_exceeds_captured"
        )
    refund_id = f"re_{payment_id.removeprefix('pay_')[:24]}_{seq}"
    created = await repo.insert_refund(
        session,
        {
            "id": refund_id,
            "payment_id": payment_id,
            "seq": seq,
            "idempotency_key": idempotency_key,
            "amount": amount,
            "currency": row.currency,
            "reason": reason[:300],
            "status": "pending",
        },
    )
    if not created:  # the same key raced us: undo our reservation, return theirs
        await repo.release_refund_amount(session, payment_id, amount)
        found = await repo.refund_by_key(session, idempotency_key)
        assert found is not None
        return found
    if row.purpose_kind == "credits" and row.purpose_credits > 0:
        await _claw_back_credits(session, row, seq=seq, amount=amount, force=force)
    refund = await repo.get_refund(session, refund_id)
    assert refund is not None
    return refund


def _clawback_reference(payment_id: str, seq: int) -> str:
    return f"{refund_key(payment_id, seq)}:credits"


async def _claw_back_credits(
    session: AsyncSession, row: Payment, *, seq: int, amount: int, force: bool
) -> int:
    """Debit the credits this refund un-buys: wallet → system:credits_issued:CREDIT, keyed on the
    refund. Cumulative rounding (up), so partial refunds add up to exactly the credits granted."""
    from services import credits

    after = await repo.refunded_amount(session, row.id)  # includes this refund; the row is locked
    take = rules.credits_to_claw_back(row.purpose_credits, row.captured_amount, after - amount, after)
    if take <= 0:
        return 0
    user = row.purpose_user_id or row.payer_id
    reference = _clawback_reference(row.id, seq)
    try:
        async with session.begin_nested():
            await credits.debit_wallet(
                session,
                user_id=user,
                amount=take,
                reference=reference,
                destination=credits_rules.ISSUED,
                kind="clawback",
                description=f"credits taken back by refund {seq} of payment {row.id}",
            )
        return take
    except InsufficientFunds as exc:
        if not force:
            raise Conflict(
                "the credits bought with this payment have already been spent",
                code="credits_already_spent",
                param="amount",
            ) from exc
    left = (await credits.balance_view(session, user)).balance
    if left <= 0:
        return 0
    await credits.debit_wallet(
        session,
        user_id=user,
        amount=min(left, take),
        reference=reference,
        destination=credits_rules.ISSUED,
        kind="clawback",
        description=f"credits taken back (forced, partial) by refund {seq} of payment {row.id}",
    )
    return min(left, take)


async def _return_clawed_back_credits(session: AsyncSession, row: Payment, seq: int) -> None:
    """A refund the provider refused gives the credits it took back to the wallet (their lots)."""
    from services import credits

    try:
        await credits.refund_debit(
            session,
            user_id=row.purpose_user_id or row.payer_id,
            reference=_clawback_reference(row.id, seq),
            amount=None,
            refund_reference=f"{_clawback_reference(row.id, seq)}:undo",
        )
    except NotFound:  # nothing was taken back (a forced refund of fully spent credits)
        return


async def finish_refund(session: AsyncSession, refund_id: str, *, provider_refund_id: str | None) -> Refund:
    """Mark a refund succeeded and post its own reversing ledger transaction. Idempotent."""
    refund = await repo.get_refund(session, refund_id, for_update=True)
    if refund is None:
        raise NotFound("no such refund", code="refund_not_found")
    if refund.status == "succeeded":
        return refund
    if refund.status == "failed":
        raise InvalidState("this refund already failed", code="refund_failed")
    row = await repo.get_payment(session, refund.payment_id)
    assert row is not None
    key = refund_key(row.id, refund.seq)
    if row.provider == "credits":
        from services import credits

        await credits.refund_debit(
            session,
            user_id=row.payer_id,
            reference=payment_key(row.id, "debit"),
            amount=refund.amount,
            refund_reference=key,
        )
        txn_id = None
    else:
        result = await ledger.transfer(
            session,
            transfer_postings(
                refund_source(row, refund),
                accounts.clearing(row.provider, row.currency),
                refund.amount,
                row.currency,
            ),
            key,
            kind="refund",
            description=f"refund {refund.id} of payment {row.id}",
            reverses_id=row.ledger_transaction_id,
            metadata={"payment_id": row.id, "refund_id": refund.id},
        )
        txn_id = result.transaction_id
    await _reopen_invoice(session, row, refund)
    await repo.update_refund(
        session,
        refund.id,
        status="succeeded",
        provider_refund_id=provider_refund_id,
        ledger_transaction_id=txn_id,
    )
    done = await repo.get_refund(session, refund.id)
    assert done is not None
    await session.refresh(row)
    await payment_events.announce_refund(session, row, done.id, done.amount)
    return done


async def fail_refund(session: AsyncSession, refund_id: str, message: str) -> Refund:
    """The provider refused: release the reservation so the amount can be refunded another way."""
    refund = await repo.get_refund(session, refund_id, for_update=True)
    if refund is None:
        raise NotFound("no such refund", code="refund_not_found")
    if refund.status == "pending":
        await repo.release_refund_amount(session, refund.payment_id, refund.amount)
        await repo.update_refund(session, refund.id, status="failed", failure_message=message[:300])
        row = await repo.get_payment(session, refund.payment_id)
        if row is not None and row.purpose_kind == "credits" and row.purpose_credits > 0:
            await _return_clawed_back_credits(session, row, refund.seq)
    done = await repo.get_refund(session, refund.id)
    assert done is not None
    return done


def _takes_from_invoice(row: Payment, refund: Refund) -> bool:
    """A refund of what an invoice payment settled (not of the surplus the invoice never took)."""
    return (
        row.purpose_kind == "invoice"
        and bool(row.purpose_reference)
        and refund.idempotency_key != invoice_refund_key(row.id)
    )


async def _reopen_invoice(session: AsyncSession, row: Payment, refund: Refund) -> None:
    """An invoice payment's refund takes its amount off the invoice (reopening it if it was paid);
    the refund of a surplus the invoice never took leaves the invoice alone."""
    if not _takes_from_invoice(row, refund):
        return
    from services import invoice_payments

    await invoice_payments.unapply(
        session,
        invoice_id=row.purpose_reference or "",
        payment_id=row.id,
        seq=refund.seq,
        amount=refund.amount,
    )


async def reverse_refund(
    session: AsyncSession, *, provider: str, provider_refund_id: str, message: str
) -> Refund | None:
    """The provider says, after the fact, that a refund failed (Stripe `charge.refund.updated`
    with status failed, PayPal `PAYMENT.CAPTURE.REVERSED`): the money is with us again.

    A pending refund simply fails; a posted one gets a reversing ledger transaction (clearing →
    where it came from), its amount becomes refundable again, an invoice takes the payment back
    and a credits purchase gets its credits back. Idempotent; None for a refund we do not know."""
    refund = await repo.refund_by_provider_id(session, provider_refund_id, for_update=True)
    if refund is None:
        return None
    row = await repo.get_payment(session, refund.payment_id, for_update=True)
    if row is None or row.provider != provider:
        return None
    if refund.status == "pending":
        return await fail_refund(session, refund.id, message)
    if refund.status != "succeeded":
        return refund
    key = f"{refund_key(row.id, refund.seq)}:reversed"
    await ledger.transfer(
        session,
        transfer_postings(
            accounts.clearing(row.provider, row.currency),
            refund_source(row, refund),
            refund.amount,
            row.currency,
        ),
        key,
        kind="refund_reversal",
        description=f"refund {refund.id} of payment {row.id} failed at the provider",
        reverses_id=refund.ledger_transaction_id,
        metadata={"payment_id": row.id, "refund_id": refund.id},
    )
    await repo.release_refund_amount(session, row.id, refund.amount)
    await repo.update_refund(
        session, refund.id, status="failed", failure_message=f"reversed: {message}"[:300]
    )
    if row.purpose_kind == "credits" and row.purpose_credits > 0:
        await _return_clawed_back_credits(session, row, refund.seq)
    if (
        row.purpose_kind == "invoice"
        and row.purpose_reference
        and refund.idempotency_key != invoice_refund_key(row.id)
    ):
        from services import invoice_payments

        await invoice_payments.reapply(
            session, invoice_id=row.purpose_reference, payment_id=row.id, seq=refund.seq
        )
    done = await repo.get_refund(session, refund.id)
    assert done is not None
    return done
