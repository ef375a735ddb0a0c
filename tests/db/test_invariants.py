"""The invariant checker passes on a consistent ledger and catches each kind of corruption."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.ledger import earnings, transfer_postings
from services import ledger
from services.invariants import check, failures
from tests.support.tokens import uid


async def _names_failing(session) -> set[str]:
    return {r.name for r in failures(await check(session))}


async def test_consistent_ledger_passes(db_session) -> None:
    acct = earnings(uid(), "CREDIT")
    await ledger.transfer(db_session, transfer_postings("system:issued:CREDIT", acct, 10, "CREDIT"), uid("k"))
    assert await _names_failing(db_session) == set()


@pytest.mark.parametrize(
    ("corruption", "expected"),
    [
        ("UPDATE balances SET balance = balance + 1 WHERE account_code = :acct", "balances_match_postings"),
        ("UPDATE postings SET amount = amount + 1 WHERE account_code = :acct", "transactions_balance"),
        (
            "ALTER TABLE balances DROP CONSTRAINT ck_balances_non_negative; "
            "UPDATE balances SET balance = -5 WHERE account_code = :acct",
            "non_negative_accounts",
        ),
    ],
)
async def test_corruption_is_caught(db_session, settings, corruption: str, expected: str) -> None:
    acct = earnings(uid(), "CREDIT")
    await ledger.transfer(db_session, transfer_postings("system:issued:CREDIT", acct, 10, "CREDIT"), uid("k"))
    for stmt in corruption.split("; "):
        await db_session.execute(text(stmt), {"acct": acct} if ":acct" in stmt else {})
    assert expected in await _names_failing(db_session)


async def test_lot_remainders_must_match_wallet(db_session) -> None:
    from services import credits

    user = uid()
    await credits.credit_wallet(
        db_session,
        user_id=user,
        amount=500,
        reference=uid("r"),
        source="adjustment",
        from_account="system:promotions:CREDIT",
    )
    assert await _names_failing(db_session) == set()
    await db_session.execute(
        text("UPDATE credit_lots SET remaining = remaining - 1 WHERE user_id = :u"), {"u": user}
    )
    assert "lots_sum_to_wallet" in await _names_failing(db_session)


async def test_terminal_escrow_with_money_held_is_caught(db_session) -> None:
    from decimal import Decimal

    from db.models.escrow import Escrow
    from domain.ledger import escrow_holding

    contract = uid("c")
    db_session.add(
        Escrow(
            id=uid("esc"),
            contract_id=contract,
            payer_id="p",
            payee_id="q",
            amount=100,
            currency="USD",
            status="released",
            fee_percent=Decimal("10"),
            signers=["p"],
            required_signatures=1,
            threshold_ppm=800000,
        )
    )
    await db_session.flush()
    await ledger.transfer(
        db_session,
        transfer_postings("clearing:stripe:USD", escrow_holding(contract, "USD"), 100, "USD"),
        uid("k"),
    )
    assert "terminal_escrows_empty" in await _names_failing(db_session)


async def test_refunds_beyond_capture_are_caught(db_session, settings) -> None:
    pid = uid("pay")
    # The table's own CHECK refuses this; drop it inside the rolled-back test transaction to prove
    # the checker would still see it (e.g. on a database restored from an older schema).
    await db_session.execute(text("ALTER TABLE payments DROP CONSTRAINT ck_payments_refund_le_captured"))
    await db_session.execute(
        text(
            "INSERT INTO payments (id, payer_id, amount, currency, provider, status, purpose_kind, "
            "purpose_credits, off_session, crypto_received, captured_amount, refunded_amount, "
            "refund_count, created_at, updated_at) VALUES (:id, 'u', 100, 'USD', 'stripe', 'completed', "
            "'none', 0, false, 0, 100, 150, 1, now(), now())"
        ),
        {"id": pid},
    )
    assert "refunds_within_captures" in await _names_failing(db_session)


async def test_confirmed_crypto_deposit_left_unsettled_on_an_ended_payment_is_caught(db_session) -> None:
    pid = uid("pay")
    await db_session.execute(
        text(
            "INSERT INTO payments (id, payer_id, amount, currency, provider, status, purpose_kind, "
            "purpose_credits, off_session, crypto_chain, crypto_amount, crypto_confirmations, "
            "crypto_received, captured_amount, refunded_amount, refund_count, created_at, updated_at) "
            "VALUES (:id, 'u', 6000, 'USD', 'crypto', 'completed', 'none', 0, false, 'BTC', 100000, 2, "
            "100000, 6000, 0, 0, now(), now())"
        ),
        {"id": pid},
    )

    async def deposit(confirmations: int, status: str) -> None:
        await db_session.execute(
            text(
                "INSERT INTO crypto_deposits (chain, txid, address, payment_id, amount, confirmations, "
                "status, created_at, updated_at) "
                "VALUES ('BTC', :txid, :addr, :pid, 10000, :n, :st, now(), now())"
            ),
            {"txid": uid("tx"), "addr": f"bc1q{pid}", "pid": pid, "n": confirmations, "st": status},
        )

    await deposit(6, "applied")
    await deposit(3, "credited")
    await deposit(1, "seen")  # not confirmed yet: not money, not a violation
    assert "crypto_deposits_resolved" not in await _names_failing(db_session)
    await deposit(2, "seen")  # confirmed on an ended payment, neither counted nor credited: lost
    assert "crypto_deposits_resolved" in await _names_failing(db_session)


async def _invoice(db_session, total: int = 1000, currency: str = "USD") -> str:
    inv = uid("inv")
    await db_session.execute(
        text(
            "INSERT INTO invoices (id, account_id, period, period_start, period_end, status, currency, "
            "number, subtotal, tax, total, amount_paid, carried_credit, tax_inclusive, attempt_count, "
            "created_at, updated_at) VALUES (:id, :acct, '2026-03', now(), now(), 'open', :cur, :num, "
            ":total, 0, :total, 0, 0, false, 0, now(), now())"
        ),
        {"id": inv, "acct": uid("acct"), "cur": currency, "num": uid("INV"), "total": total},
    )
    return inv


async def test_an_invoice_paid_beyond_its_total_is_caught(db_session) -> None:
    from services import invoice_payments

    inv = await _invoice(db_session)
    for pid in ("pay_a", "pay_b"):  # the second finds nothing due: nothing applied
        await invoice_payments.apply(
            db_session, invoice_id=inv, payment_id=pid, amount=1000, currency="USD", source="card"
        )
    assert "invoices_paid_within_total" not in await _names_failing(db_session)
    # What the old code did: a racing payment recorded against an already paid invoice.
    await db_session.execute(
        text(
            "INSERT INTO invoice_payments (invoice_id, payment_id, source, amount, created_at) "
            "VALUES (:inv, 'pay_late', 'card', 1000, now())"
        ),
        {"inv": inv},
    )
    assert "invoices_paid_within_total" in await _names_failing(db_session)


async def test_a_payment_applied_to_an_invoice_in_another_currency_is_caught(db_session) -> None:
    inv = await _invoice(db_session, currency="USD")
    pid = uid("pay")
    await db_session.execute(
        text(
            "INSERT INTO payments (id, payer_id, amount, currency, provider, status, purpose_kind, "
            "purpose_reference, purpose_credits, off_session, crypto_received, captured_amount, "
            "refunded_amount, refund_count, created_at, updated_at) VALUES (:id, 'u', 10000, 'CREDIT', "
            "'credits', 'completed', 'invoice', :inv, 0, false, 0, 10000, 0, 0, now(), now())"
        ),
        {"id": pid, "inv": inv},
    )
    assert "invoice_payments_in_invoice_currency" in await _names_failing(db_session)
    # Refunded in full (what completion now does with a payment in the wrong currency): fine.
    await db_session.execute(text("UPDATE payments SET refunded_amount = 10000 WHERE id = :id"), {"id": pid})
    assert "invoice_payments_in_invoice_currency" not in await _names_failing(db_session)
    # Applied to the invoice (10000 CREDIT minor units counted as 10000 cents): caught.
    await db_session.execute(
        text(
            "INSERT INTO invoice_payments (invoice_id, payment_id, source, amount, created_at) "
            "VALUES (:inv, :pid, 'credits', 1000, now())"
        ),
        {"inv": inv, "pid": pid},
    )
    assert "invoice_payments_in_invoice_currency" in await _names_failing(db_session)
