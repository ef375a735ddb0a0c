"""Payment application services: rows, status moves, completion (ledger + purpose), refunds, crypto.

Everything here runs inside the caller's unit of work (an activity's or a request's) and is safe to
run twice: ledger keys, guarded status moves and unique keys make a repeat a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from contracts.payments import PaymentInput, payment_key
from db.base import utcnow
from db.models.payments import Payment, Refund
from db.repositories import payments as repo
from domain import ledger as accounts
from domain import payments as rules
from domain.errors import Conflict, InvalidAmount, InvalidState, NotFound
from domain.ledger import Posting, transfer_postings
from services import ledger, payment_events

ACTIVE = ("pending", "requires_action", "processing", "partially_paid")
# A payment for an escrow that no longer takes funding (expired, cancelled, funded by another
# payment, gone, or a different amount): its money is parked here instead of the holding account
# and refunded in full to its method under ESCROW_REFUND_STEP.
ESCROW_CLOSED = "escrow_closed"
ESCROW_REFUND_STEP = "refund:escrow_closed"
UNPLACED = "payments_unallocated"
# A payment for an invoice that took none of it (voided, paid meanwhile, another currency) or only
# part of it (dunning paid some first): what did not apply is parked in UNPLACED and refunded.
INVOICE_CLOSED = "invoice_closed"
INVOICE_SURPLUS = "invoice_surplus"
INVOICE_REFUND_STEP = "refund:invoice_surplus"


def escrow_refund_key(payment_id: str) -> str:
    return payment_key(payment_id, ESCROW_REFUND_STEP)  # pay:{id}:refund:escrow_closed


def invoice_refund_key(payment_id: str) -> str:
    return payment_key(payment_id, INVOICE_REFUND_STEP)  # pay:{id}:refund:invoice_surplus


def placed_account(row: Payment) -> str:
    """Where a completed payment's money went (its refunds take it back from there)."""
    if row.purpose_kind == "escrow" and row.failure_code == ESCROW_CLOSED:
        return accounts.system(UNPLACED, row.currency)
    if row.purpose_kind == "invoice" and row.failure_code == INVOICE_CLOSED:
        return accounts.system(UNPLACED, row.currency)
    return destination_account(row.purpose_kind, row.purpose_reference, row.currency)


def refund_source(row: Payment, refund: Refund) -> str:
    """The account a refund takes its money back from: the invoice surplus came to UNPLACED."""
    if refund.idempotency_key == invoice_refund_key(row.id):
        return accounts.system(UNPLACED, row.currency)
    return placed_account(row)


def new_payment_id() -> str:
    import uuid

    return f"pay_{uuid.uuid4().hex}"


def destination_account(purpose_kind: str, reference: str | None, currency: str) -> str:
    """Where a completed payment's money goes (the agreed cross-area accounts)."""
    if purpose_kind == "escrow":
        if not reference:
            raise InvalidAmount("an escrow payment needs purpose.reference", param="purpose.reference")
        return accounts.escrow_holding(reference, currency)
    if purpose_kind == "credits":
        return accounts.system("credit_sales", currency)
    if purpose_kind == "invoice":
        return accounts.system("receivables", currency)
    return accounts.system("payments_unallocated", currency)


async def ensure_payment(
    session: AsyncSession,
    inp: PaymentInput,
    *,
    expires_at: datetime | None = None,
    quote_id: str | None = None,
) -> tuple[Payment, bool]:
    """Write the payment row from the workflow input (the source of truth) if it is not there yet.

    (row, created). A row with the same id but a different amount/currency/payer is a Conflict.
    """
    created = await repo.insert_payment(
        session,
        {
            "id": inp.payment_id,
            "payer_id": inp.payer_id,
            "amount": inp.amount,
            "currency": inp.currency,
            "provider": inp.provider,
            "status": "pending",
            "purpose_kind": inp.purpose.kind,
            "purpose_reference": inp.purpose.reference,
            "purpose_user_id": inp.purpose.user_id,
            "purpose_credits": inp.purpose.credits,
            "payment_method_id": inp.payment_method_id,
            "off_session": inp.off_session,
            "crypto_chain": inp.crypto_chain,
            "quote_id": quote_id,
            "expires_at": expires_at or utcnow() + timedelta(seconds=inp.expires_in_seconds),
        },
    )
    row = await repo.get_payment(session, inp.payment_id)
    assert row is not None
    if created:
        await payment_events.announce(session, row)
    if (row.payer_id, row.amount, row.currency, row.provider) != (
        inp.payer_id,
        inp.amount,
        inp.currency,
        inp.provider,
    ):
        raise Conflict(
            "a different payment already uses this payment_id", code="payment_id_reused", param="payment_id"
        )
    return row, created


async def get_visible(session: AsyncSession, payment_id: str, principal_id: str, *, admin: bool) -> Payment:
    row = await repo.get_payment(session, payment_id)
    if row is None or (not admin and row.payer_id != principal_id):
        raise NotFound("no such payment", code="payment_not_found", param="payment_id")
    return row


async def record_status(
    session: AsyncSession, payment_id: str, status: str, *, failure_code: str = "", failure_message: str = ""
) -> None:
    """Move a payment to `status`; the state machine decides. Already there is a no-op (a retried
    step); an illegal move raises InvalidState — a refusal is never silent."""
    sources = [s for s, nxt in rules.TRANSITIONS.items() if status in nxt or s == status]
    sources = [s for s in sources if s not in rules.TERMINAL]
    extra = {}
    if failure_code:
        extra = {"failure_code": failure_code[:60], "failure_message": failure_message[:300] or None}
    if await repo.move_status(session, payment_id, status, sources, **extra):
        moved = await repo.get_payment(session, payment_id)
        if moved is not None:
            await payment_events.announce(session, moved, status)
        return
    row = await repo.get_payment(session, payment_id)
    if row is None:
        raise NotFound("no such payment", code="payment_not_found")
    if row.status != status:
        raise InvalidState(f"a {row.status} payment cannot become {status}", code="payment_invalid_state")


async def record_observed(session: AsyncSession, payment_id: str, status: str) -> None:
    """A provider observation (requires_action, processing): moves the row forward if that is legal;
    an observation older than what the row already knows changes nothing."""
    row = await repo.get_payment(session, payment_id, for_update=True)
    if row is not None and row.status != status and rules.can_move(row.status, status):
        await record_status(session, payment_id, status)


async def end_payment(
    session: AsyncSession,
    payment_id: str,
    status: str,
    settings: Settings,
    *,
    failure_code: str = "",
    failure_message: str = "",
) -> str:
    """End a payment that did not complete (failed | expired | cancelled); the status it ends in.

    A crypto payment is first evaluated on its deposits: a cancel after a partial deposit ends it
    underpaid (what arrived becomes credits) and one paid in full completes, so no received coin is
    left neither counted nor credited."""
    ending = status in ("failed", "expired", "cancelled")
    row = await repo.get_payment(session, payment_id, for_update=True)
    if row is None:
        raise NotFound("no such payment", code="payment_not_found")
    if ending and row.provider == "crypto" and row.status in (*rules.SUCCESS, "underpaid"):
        return row.status  # a retry: its deposits already decided how it ended
    if ending and row.provider == "crypto" and row.status not in rules.TERMINAL:
        decision, _, _ = await evaluate_crypto(session, payment_id, settings, expired=True)
        if decision in rules.SUCCESS:
            await complete(session, payment_id, status=decision)
        if decision in rules.SUCCESS or decision == "underpaid":
            await settle_crypto_excess(session, payment_id, settings)
            return decision
    await record_status(
        session, payment_id, status, failure_code=failure_code, failure_message=failure_message
    )
    if ending:
        await settle_crypto_excess(session, payment_id, settings)
    return status


async def record_provider_object(
    session: AsyncSession, payment_id: str, *, object_id: str, next_action: dict[str, str], status: str
) -> None:
    await repo.update_payment(
        session,
        payment_id,
        provider_object_id=object_id,
        client_secret=next_action.get("client_secret"),
        approval_url=next_action.get("approval_url"),
    )
    if status in ("requires_action", "processing"):
        await record_observed(session, payment_id, status)


@dataclass(frozen=True)
class Completion:
    status: str
    ledger_transaction_id: str
    newly_completed: bool
    purpose_kind: str
    purpose_reference: str | None
    amount: int
    currency: str
    provider: str


async def complete(
    session: AsyncSession, payment_id: str, *, status: str = "completed", capture_id: str | None = None
) -> Completion:
    """Post clearing:{provider}:{cur} → destination, grant/mark the purpose, set the status. Once.

    An invoice payment is re-checked here, on the locked invoice: what the invoice no longer takes
    (voided, paid meanwhile, another currency) is parked in UNPLACED and refunded to the method; a
    credits payment that does not fit is refused whole (nothing leaves the wallet)."""
    row = await repo.get_payment(session, payment_id, for_update=True)
    if row is None:
        raise NotFound("no such payment", code="payment_not_found")
    if row.status in rules.SUCCESS:
        return _completion(row, row.ledger_transaction_id or "", newly=False)
    rules.check_move(row.status, status)
    dest = destination_account(row.purpose_kind, row.purpose_reference, row.currency)
    refused = await _claim_escrow(session, row)
    if refused is not None:
        dest = accounts.system(UNPLACED, row.currency)
    applied = await _apply_to_invoice(session, row)
    surplus = row.amount - applied if applied is not None else 0
    extra: dict[str, object] = {}
    if row.provider == "credits":
        if surplus:
            raise InvalidState(
                "the invoice no longer takes this payment (paid, voided or less due)",
                code="invoice_not_payable",
            )
        from services import credits

        debit = await credits.debit_wallet(
            session,
            user_id=row.payer_id,
            amount=row.amount,
            reference=payment_key(row.id, "debit"),
            destination=dest,
            kind="payment",
            description=f"payment {row.id}",
        )
        txn_id = str(getattr(debit, "transaction_id", "") or "")
    else:
        postings = transfer_postings(
            accounts.clearing(row.provider, row.currency), dest, row.amount, row.currency
        )
        if surplus:
            unplaced = accounts.system(UNPLACED, row.currency)
            postings = [postings[0], Posting(unplaced, surplus, row.currency)]
            if surplus < row.amount:
                postings.append(Posting(dest, row.amount - surplus, row.currency))
            extra.update(
                failure_code=INVOICE_CLOSED if surplus == row.amount else INVOICE_SURPLUS,
                failure_message="the invoice did not take all of this payment; the rest is refunded",
            )
        result = await ledger.transfer(
            session,
            postings,
            payment_key(row.id, "complete"),
            kind="payment",
            description=f"payment {row.id} ({row.provider})",
            metadata={"payment_id": row.id, "purpose": row.purpose_kind},
        )
        txn_id = result.transaction_id
    await _fulfil_purpose_in_db(session, row)
    if capture_id and row.provider == "paypal":
        extra["provider_capture_id"] = capture_id
    if refused is not None:
        extra.update(failure_code=ESCROW_CLOSED, failure_message=refused)
    await repo.update_payment(
        session,
        row.id,
        status=status,
        captured_amount=row.amount,
        ledger_transaction_id=txn_id,
        completed_at=utcnow(),
        **extra,
    )
    await session.refresh(row)
    await payment_events.announce(session, row, status)
    from services.payment_refunds import reserve_refund

    if refused is not None:  # the whole amount goes back to the method; refund_payment does it
        await reserve_refund(
            session, row.id, amount=None, reason=ESCROW_CLOSED, idempotency_key=escrow_refund_key(row.id)
        )
    if surplus:  # what the invoice did not take goes back to the method
        await reserve_refund(
            session,
            row.id,
            amount=surplus,
            reason=INVOICE_SURPLUS,
            idempotency_key=invoice_refund_key(row.id),
        )
    row = await repo.get_payment(session, payment_id)
    assert row is not None
    return _completion(row, txn_id, newly=True)


async def _apply_to_invoice(session: AsyncSession, row: Payment) -> int | None:
    """For an invoice payment: apply it to the locked invoice (never beyond what is due, never in
    another currency); what was applied. None for other purposes."""
    if row.purpose_kind != "invoice" or not row.purpose_reference:
        return None
    from services import invoice_payments

    return await invoice_payments.apply(
        session,
        invoice_id=row.purpose_reference,
        payment_id=row.id,
        amount=row.amount,
        currency=row.currency,
        source="credits" if row.provider == "credits" else "card",
    )


async def _claim_escrow(session: AsyncSession, row: Payment) -> str | None:
    """For an escrow payment: claim the escrow's funding on its locked row (services.escrow), in
    this completion's transaction. None: post to the holding account; else why not."""
    if row.purpose_kind != "escrow" or not row.purpose_reference:
        return None
    from services import escrow

    reason = await escrow.claim_funding(
        session,
        contract_id=row.purpose_reference,
        payment_id=row.id,
        amount=row.amount,
        currency=row.currency,
        provider=row.provider,
    )
    if reason is None:
        return None
    messages = {
        "escrow_not_found": "no escrow for this contract; refunded in full",
        "escrow_amount_mismatch": "the escrow is for a different amount; refunded in full",
    }
    return messages.get(reason, "the escrow no longer accepted funding; refunded in full")


def _completion(row: Payment, txn_id: str, *, newly: bool) -> Completion:
    return Completion(
        row.status,
        txn_id,
        newly,
        row.purpose_kind,
        row.purpose_reference,
        row.amount,
        row.currency,
        row.provider,
    )


async def _fulfil_purpose_in_db(session: AsyncSession, row: Payment) -> None:
    if row.purpose_kind == "credits" and row.purpose_credits > 0:
        from services import credits

        await credits.grant_purchased_credits(
            session,
            user_id=row.purpose_user_id or row.payer_id,
            credits=row.purpose_credits,
            payment_id=row.id,
        )


# --- crypto -------------------------------------------------------------------------------------


def crypto_rate(rates: dict[str, Decimal], chain: str) -> Decimal:
    try:
        return Decimal(rates[chain])
    except KeyError:
        raise InvalidAmount(f"no rate configured for {chain}", param="currency") from None


def crypto_next_action(row: Payment) -> dict[str, str]:
    from domain.money import format_amount

    chain = row.crypto_chain or "BTC"
    return {
        "type": "crypto_deposit",
        "chain": chain,
        "address": row.crypto_address or "",
        "crypto_amount": format_amount(row.crypto_amount or 0, chain),
        "crypto_currency": chain,
        "rate": row.crypto_rate or "",
        "expires_at": row.expires_at.isoformat() if row.expires_at else "",
    }


def required_confirmations(settings: Settings, chain: str) -> int:
    return settings.crypto_btc_confirmations if chain == "BTC" else settings.crypto_eth_confirmations


def _needed(row: Payment, settings: Settings) -> int:
    """The confirmations locked on the payment at quote time (the settings for an older row)."""
    if row.crypto_confirmations is not None:
        return row.crypto_confirmations
    return required_confirmations(settings, row.crypto_chain or "BTC")


async def evaluate_crypto(
    session: AsyncSession, payment_id: str, settings: Settings, *, expired: bool
) -> tuple[str, int, int]:
    """Apply the confirmed deposits seen before expiry to the payment: (decision, received, expected).

    An underpaid payment at expiry ends `underpaid` and what arrived becomes credits.
    """
    row = await repo.get_payment(session, payment_id, for_update=True)
    if row is None or row.provider != "crypto":
        raise NotFound("no such crypto payment", code="payment_not_found")
    expected = row.crypto_amount or 0
    if row.status in rules.TERMINAL:
        return row.status, row.crypto_received, expected
    need = _needed(row, settings)
    deposits = await repo.deposits_for(session, payment_id, for_update=True)
    counted = [
        d
        for d in deposits
        if d.status in ("seen", "applied")
        and d.confirmations >= need
        and (row.expires_at is None or d.created_at <= row.expires_at)
    ]
    received = sum(d.amount for d in counted)
    decision = rules.crypto_decision(expected, received, expired=expired)
    await repo.mark_deposits(session, [d.id for d in counted if d.status != "applied"], "applied")
    await repo.update_payment(session, payment_id, crypto_received=received)
    if decision == "underpaid":
        await record_status(
            session,
            payment_id,
            "underpaid",
            failure_code="underpaid",
            failure_message="received less than quoted; credited as credits",
        )
        await settle_crypto_excess(session, payment_id, settings)
    elif decision == "partially_paid":
        await record_status(session, payment_id, "partially_paid")
    return decision, received, expected


async def settle_crypto_excess(session: AsyncSession, payment_id: str, settings: Settings) -> int:
    """Turn crypto that the payment did not use into credits for the payer — never lost money.

    Excess over the quote (overpaid), everything received (underpaid), and every confirmed deposit
    not counted toward the payment (late, or arriving after it ended). Idempotent per key; returns
    the credits granted by this call.
    """
    row = await repo.get_payment(session, payment_id, for_update=True)
    if row is None or row.provider != "crypto" or row.status not in rules.TERMINAL:
        return 0
    chain = row.crypto_chain or "BTC"
    rate = Decimal(row.crypto_rate or crypto_rate(settings.crypto_rates, chain))
    granted = 0
    if row.status == "overpaid" and row.crypto_received > (row.crypto_amount or 0):
        granted += await _crypto_to_credits(
            session, row, settings, row.crypto_received - (row.crypto_amount or 0), rate, "excess"
        )
    if row.status == "underpaid" and row.crypto_received > 0:
        granted += await _crypto_to_credits(session, row, settings, row.crypto_received, rate, "underpaid")
    need = _needed(row, settings)
    for dep in await repo.deposits_for(session, payment_id, for_update=True):
        if dep.status == "seen" and dep.confirmations >= need:
            granted += await _crypto_to_credits(session, row, settings, dep.amount, rate, f"late:{dep.id}")
            await repo.mark_deposits(session, [dep.id], "credited")
    return granted


async def _crypto_to_credits(
    session: AsyncSession, row: Payment, settings: Settings, crypto_minor: int, rate: Decimal, tag: str
) -> int:
    from services import credits

    chain = row.crypto_chain or "BTC"
    fiat = rules.crypto_to_fiat(crypto_minor, chain, rate, row.currency)
    from services.payment_purpose import credits_worth

    amount = credits_worth(settings, fiat, row.currency)
    if fiat <= 0 or amount <= 0:
        return 0
    key = payment_key(row.id, f"crypto:{tag}")
    await ledger.transfer(
        session,
        transfer_postings(
            accounts.clearing("crypto", row.currency),
            accounts.system("credit_sales", row.currency),
            fiat,
            row.currency,
        ),
        key,
        kind="payment",
        description=f"crypto {tag} on payment {row.id} → credits",
        metadata={"payment_id": row.id, "crypto_minor": str(crypto_minor), "chain": chain},
    )
    result = await credits.credit_wallet(
        session,
        user_id=row.payer_id,
        amount=amount,
        reference=key,
        source="purchase",
        from_account=accounts.system("credits_issued", "CREDIT"),
        description=f"crypto {tag} on payment {row.id}",
    )
    return amount if result.created else 0


@dataclass(frozen=True)
class DepositRecorded:
    payment_id: str | None  # None: not one of our addresses
    payment_ended: bool = False  # the payment had already ended: the deposit was settled here


async def record_crypto_deposit(
    session: AsyncSession,
    settings: Settings,
    *,
    chain: str,
    address: str,
    txid: str,
    amount: int,
    confirmations: int,
) -> DepositRecorded:
    """Store a watcher's deposit report and, if its payment has already ended, settle it here.

    Locks the payment row first: evaluate_crypto and settle_crypto_excess lock payment → deposits,
    and reports for one payment arriving together (every confirmation count at once) deadlocked
    when this took the deposit row first and the payment (its FK check) second.

    Every move of a crypto payment to a terminal status settles its deposits in the same
    transaction, under the same lock (complete, evaluate at expiry, record_status). So with the
    payment locked either it has not ended — the deposit is committed before the terminal move can
    run, and that move's settle counts or credits it — or it has ended, and the deposit is credited
    right here (a late payment → credits, keyed per deposit). Never left to a signal: a workflow
    past its completion step, but not yet closed, accepts the signal and does nothing with it.
    """
    payment_id = await repo.payment_for_address(session, chain, address)
    row = None
    if payment_id is not None:
        row = await repo.get_payment(session, payment_id, for_update=True)
    await repo.upsert_deposit(
        session,
        chain=chain,
        txid=txid,
        address=address,
        payment_id=payment_id,
        amount=amount,
        confirmations=confirmations,
    )
    if payment_id is None or row is None:
        return DepositRecorded(None)
    if row.status in rules.TERMINAL:
        await settle_crypto_excess(session, payment_id, settings)
        return DepositRecorded(payment_id, payment_ended=True)
    return DepositRecorded(payment_id)
