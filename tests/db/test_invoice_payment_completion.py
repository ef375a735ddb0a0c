"""The completion re-checks an invoice payment on the locked invoice (issue #11 case 1), on real
PostgreSQL: a payment for an invoice voided meanwhile is parked and refunded in full; a credits
payment the invoice no longer takes moves nothing; refunds put the invoice back as it was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contracts.payments import PaymentInput, PaymentPurpose
from db.models.billing import Invoice
from db.repositories import billing as billing_repo
from db.repositories import payments as repo
from db.session import SessionFactory, unit_of_work
from domain.errors import InvalidState
from domain.ledger import clearing, system, wallet
from services import billing, credits, ledger, payment_refunds
from services import payments as svc
from tests.support.invariants import assert_invariants
from tests.support.tokens import uid


async def open_invoice(factory: SessionFactory, account: str, total: int, currency: str = "USD") -> str:
    inv_id, now = uid("inv"), datetime.now(UTC)
    async with unit_of_work(factory) as s:
        s.add(
            Invoice(
                id=inv_id,
                account_id=account,
                period="2026-03",
                period_start=now,
                period_end=now,
                status="open",
                currency=currency,
                number=uid("INV"),
                subtotal=total,
                total=total,
                issued_at=now,
            )
        )
    return inv_id


async def payment_for(
    factory: SessionFactory, account: str, inv: str, amount: int, provider: str, cur: str
) -> str:
    pid = f"pay_{uid('i')}"
    async with unit_of_work(factory) as s:
        await svc.ensure_payment(
            s, PaymentInput(pid, account, amount, cur, provider, PaymentPurpose("invoice", inv))
        )
    return pid


async def test_a_payment_for_an_invoice_voided_meanwhile_is_refunded_in_full(
    session_factory: SessionFactory,
) -> None:
    account = uid("acct")
    inv = await open_invoice(session_factory, account, 1_000)
    pid = await payment_for(session_factory, account, inv, 1_000, "stripe", "USD")
    async with unit_of_work(session_factory) as s:
        await billing.void_invoice(s, inv)
    async with session_factory() as s:
        parked_before = await ledger.balance(s, system("payments_unallocated", "USD"))
    for _ in range(2):  # a retried completion changes nothing more
        async with unit_of_work(session_factory) as s:
            done = await svc.complete(s, pid)
        assert done.status == "completed"
    async with session_factory() as s:
        row = await repo.get_payment(s, pid)
        assert row is not None
        assert (row.failure_code, row.captured_amount, row.refunded_amount) == (
            "invoice_closed",
            1_000,
            1_000,
        )
        [refund] = await repo.refunds_for(s, pid)
        assert refund.idempotency_key == svc.invoice_refund_key(pid)
        assert await ledger.balance(s, system("payments_unallocated", "USD")) - parked_before == 1_000
        inv_row = await billing_repo.get_invoice(s, inv)
        assert inv_row is not None and (inv_row.status, inv_row.amount_paid) == ("void", 0)
    # The provider refunded: the refund takes it back from where it was parked.
    async with unit_of_work(session_factory) as s:
        await payment_refunds.finish_refund(s, refund.id, provider_refund_id=uid("re"))
    async with session_factory() as s:
        assert await ledger.balance(s, system("payments_unallocated", "USD")) == parked_before
    await assert_invariants(session_factory)


async def test_a_credits_payment_the_invoice_no_longer_takes_moves_nothing(
    session_factory: SessionFactory,
) -> None:
    account = uid("acct")
    inv = await open_invoice(session_factory, account, 500 * 10**4, "CREDIT")
    async with unit_of_work(session_factory) as s:
        await credits.credit_wallet(
            s,
            user_id=account,
            amount=1_000 * 10**4,
            reference=uid("r"),
            source="adjustment",
            from_account="system:promotions:CREDIT",
        )
    pid = await payment_for(session_factory, account, inv, 500 * 10**4, "credits", "CREDIT")
    async with unit_of_work(session_factory) as s:  # paid another way first
        await billing.mark_invoice_paid(s, invoice_id=inv, payment_id="other", amount=100 * 10**4)
    with pytest.raises(InvalidState):
        async with unit_of_work(session_factory) as s:
            await svc.complete(s, pid)
    async with session_factory() as s:
        assert await ledger.balance(s, wallet(account)) == 1_000 * 10**4  # nothing left the wallet
        inv_row = await billing_repo.get_invoice(s, inv)
        assert inv_row is not None and inv_row.amount_paid == 100 * 10**4
    await assert_invariants(session_factory)


async def test_a_refund_reopens_the_invoice_and_a_reversed_refund_pays_it_again(
    session_factory: SessionFactory,
) -> None:
    account = uid("acct")
    inv = await open_invoice(session_factory, account, 1_000)
    pid = await payment_for(session_factory, account, inv, 1_000, "stripe", "USD")
    async with unit_of_work(session_factory) as s:
        await svc.complete(s, pid)
    async with unit_of_work(session_factory) as s:
        refund = await payment_refunds.reserve_refund(
            s, pid, amount=300, reason="r", idempotency_key=uid("k")
        )
        await repo.update_refund(s, refund.id, provider_refund_id=f"re_{refund.id}")
    async with unit_of_work(session_factory) as s:
        await payment_refunds.finish_refund(s, refund.id, provider_refund_id=f"re_{refund.id}")
    async with session_factory() as s:
        inv_row = await billing_repo.get_invoice(s, inv)
        assert inv_row is not None and (inv_row.status, inv_row.amount_paid) == ("open", 700)
    await assert_invariants(session_factory)
    async with session_factory() as s:
        owed_before = await ledger.balance(s, clearing("stripe", "USD"))
    for _ in range(2):  # the provider's late failure, delivered twice
        async with unit_of_work(session_factory) as s:
            await payment_refunds.reverse_refund(
                s, provider="stripe", provider_refund_id=f"re_{refund.id}", message="failed"
            )
    async with session_factory() as s:
        inv_row = await billing_repo.get_invoice(s, inv)
        assert inv_row is not None and (inv_row.status, inv_row.amount_paid) == ("paid", 1_000)
        row = await repo.get_payment(s, pid)
        assert row is not None and row.refunded_amount == 0
        assert await ledger.balance(s, clearing("stripe", "USD")) == owed_before - 300
    await assert_invariants(session_factory)
