"""Read-only SQL for the invariant checker. Each query returns the rows that VIOLATE an invariant."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# name -> (description, SQL returning violating rows). Tables of areas that are absent are skipped.
LEDGER_CHECKS: dict[str, tuple[str, str]] = {
    "transactions_balance": (
        "every ledger transaction's postings sum to zero per currency",
        "SELECT transaction_id, currency, SUM(amount) AS total FROM postings "
        "GROUP BY transaction_id, currency HAVING SUM(amount) <> 0",
    ),
    "balances_match_postings": (
        "every balance row equals the sum of its account's postings",
        "SELECT b.account_code, b.balance, COALESCE(p.total, 0) AS postings FROM balances b "
        "LEFT JOIN (SELECT account_code, SUM(amount) AS total FROM postings GROUP BY account_code) p "
        "ON p.account_code = b.account_code WHERE b.balance <> COALESCE(p.total, 0)",
    ),
    "non_negative_accounts": (
        "no account flagged non-negative is below zero",
        "SELECT account_code, balance FROM balances WHERE non_negative AND balance < 0",
    ),
    "transactions_have_postings": (
        "every ledger transaction has at least two postings",
        "SELECT t.id FROM ledger_transactions t LEFT JOIN postings p ON p.transaction_id = t.id "
        "GROUP BY t.id HAVING COUNT(p.id) < 2",
    ),
}


async def table_exists(session: AsyncSession, table: str) -> bool:
    def _has(sync_session) -> bool:  # type: ignore[no-untyped-def]
        from sqlalchemy import inspect

        return inspect(sync_session.connection()).has_table(table)

    return bool(await session.run_sync(_has))


async def violations(session: AsyncSession, sql: str, limit: int = 20) -> list[tuple]:
    rows = (await session.execute(text(sql))).all()
    return [tuple(r) for r in rows[:limit]]


# name -> (description, tables it needs, SQL returning violating rows). Filled in per area.
AREA_CHECKS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "terminal_escrows_empty": (
        "every terminal escrow's holding account is zero",
        ("escrows",),
        "SELECT e.contract_id, e.status, b.balance FROM escrows e "
        "JOIN balances b ON b.account_code = 'escrow:' || e.contract_id || ':' || e.currency "
        "WHERE e.status IN ('released', 'resolved', 'refunded', 'cancelled', 'expired') AND b.balance <> 0",
    ),
    "escrow_payments_placed": (
        "every completed escrow payment is its escrow's funding, or is refunded in full (escrow_closed)",
        ("escrows", "payments"),
        "SELECT p.id, p.purpose_reference, p.captured_amount, p.refunded_amount FROM payments p "
        "LEFT JOIN escrows e ON e.contract_id = p.purpose_reference "
        "WHERE p.purpose_kind = 'escrow' AND p.status IN ('completed', 'overpaid') "
        "AND e.funding_payment_id IS DISTINCT FROM p.id AND p.refunded_amount < p.captured_amount",
    ),
    "refunds_within_captures": (
        "refunds never exceed what was captured, for every payment",
        ("payments", "payment_refunds"),
        "SELECT p.id, p.captured_amount, p.refunded_amount, COALESCE(r.total, 0) AS refunds FROM payments p "
        "LEFT JOIN (SELECT payment_id, SUM(amount) AS total FROM payment_refunds "
        "WHERE status NOT IN ('failed', 'canceled', 'cancelled') GROUP BY payment_id) r "
        "ON r.payment_id = p.id "
        "WHERE p.refunded_amount > p.captured_amount OR COALESCE(r.total, 0) > p.captured_amount",
    ),
    "crypto_deposits_resolved": (
        "every confirmed crypto deposit on an ended payment was counted toward it or credited",
        ("payments", "crypto_deposits"),
        "SELECT d.id, d.payment_id, p.status, d.confirmations FROM crypto_deposits d "
        "JOIN payments p ON p.id = d.payment_id "
        "WHERE p.provider = 'crypto' AND d.status = 'seen' "
        "AND p.status IN ('completed', 'overpaid', 'underpaid', 'failed', 'expired', 'cancelled') "
        "AND p.crypto_confirmations IS NOT NULL AND d.confirmations >= p.crypto_confirmations",
    ),
    # payments at the money boundary (helper "pay"): invoice_payments rows are what payments
    # actually settled; a refund adds a 'refund' row that takes its amount back off.
    "invoices_paid_within_total": (
        "no invoice is paid beyond its total (net of refunds), and amount_paid agrees with its payments",
        ("invoices", "invoice_payments"),
        "SELECT i.id, i.total, i.amount_paid, p.net FROM invoices i JOIN (SELECT invoice_id, "
        "SUM(CASE WHEN source = 'refund' THEN -amount ELSE amount END) AS net FROM invoice_payments "
        "GROUP BY invoice_id) p ON p.invoice_id = i.id "
        "WHERE p.net > i.total OR i.amount_paid > i.total OR p.net <> i.amount_paid",
    ),
    "invoice_payments_in_invoice_currency": (
        "nothing is paid to an invoice in another currency (applied, or completed and kept)",
        ("invoices", "invoice_payments", "payments"),
        "SELECT ip.invoice_id, ip.payment_id, p.currency, i.currency FROM invoice_payments ip "
        "JOIN invoices i ON i.id = ip.invoice_id JOIN payments p ON p.id = ip.payment_id "
        "WHERE p.currency <> i.currency "
        "UNION ALL "
        "SELECT i.id, p.id, p.currency, i.currency FROM payments p "
        "JOIN invoices i ON i.id = p.purpose_reference "
        "WHERE p.purpose_kind = 'invoice' AND p.status IN ('completed', 'overpaid') "
        "AND p.currency <> i.currency AND p.refunded_amount < p.captured_amount",
    ),
    "one_invoice_per_account_period": (
        "one invoice per account and period",
        ("invoices",),
        "SELECT account_id, period, COUNT(*) FROM invoices GROUP BY account_id, period HAVING COUNT(*) > 1",
    ),
    "lots_sum_to_wallet": (
        "credit lot remainders sum to the wallet's ledger balance",
        ("credit_lots",),
        "SELECT b.account_code, b.balance, COALESCE(l.total, 0) AS lots FROM balances b "
        "LEFT JOIN (SELECT 'wallet:' || user_id || ':' || 'CREDIT' AS code, SUM(remaining) AS total "
        "FROM credit_lots GROUP BY user_id) l ON l.code = b.account_code "
        "WHERE b.account_code LIKE 'wallet:%' AND b.currency = 'CREDIT' "
        "AND b.balance <> COALESCE(l.total, 0)",
    ),
    # Spending mandates (issue #11): what the ledger rows say a mandate moved stays within its caps,
    # per charge, per UTC day and per UTC month; and the usage counters that enforce the caps never
    # show less than the ledger (a lower counter would let more through).
    "mandate_spend_within_caps": (
        "no mandate moved more than its caps per charge, per UTC day and per UTC month",
        ("mandates", "credit_entries"),
        "WITH spend AS (SELECT mandate_id, created_at AT TIME ZONE 'UTC' AS at, -amount AS amount "
        "FROM credit_entries WHERE type = 'deduct' AND mandate_id IS NOT NULL) "
        "SELECT m.id, 'charge' AS cap, s.amount, m.max_per_charge FROM spend s "
        "JOIN mandates m ON m.id = s.mandate_id WHERE s.amount > m.max_per_charge "
        "UNION ALL SELECT m.id, 'day', d.total, m.max_per_day FROM (SELECT mandate_id, "
        "to_char(at, 'YYYY-MM-DD') AS p, SUM(amount) AS total FROM spend GROUP BY 1, 2) d "
        "JOIN mandates m ON m.id = d.mandate_id WHERE d.total > m.max_per_day "
        "UNION ALL SELECT m.id, 'month', d.total, m.max_per_month FROM (SELECT mandate_id, "
        "to_char(at, 'YYYY-MM') AS p, SUM(amount) AS total FROM spend GROUP BY 1, 2) d "
        "JOIN mandates m ON m.id = d.mandate_id WHERE d.total > m.max_per_month",
    ),
    "mandate_usage_covers_ledger": (
        "each mandate's usage counter per day and month is at least what the ledger shows it moved",
        ("mandate_usage", "credit_entries"),
        "SELECT d.mandate_id, d.period, d.total, COALESCE(u.spent, 0) FROM (SELECT mandate_id, "
        "'D' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS period, SUM(-amount) AS total "
        "FROM credit_entries WHERE type = 'deduct' AND mandate_id IS NOT NULL GROUP BY 1, 2 "
        "UNION ALL SELECT mandate_id, 'M' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM'), "
        "SUM(-amount) FROM credit_entries WHERE type = 'deduct' AND mandate_id IS NOT NULL GROUP BY 1, 2) d "
        "LEFT JOIN mandate_usage u ON u.mandate_id = d.mandate_id AND u.period = d.period "
        "WHERE COALESCE(u.spent, 0) < d.total",
    ),
    "wallet_summary_matches_ledger": (
        "each credit wallet's summary balance equals its ledger balance",
        ("credit_wallets",),
        "SELECT w.user_id, w.balance, COALESCE(b.balance, 0) FROM credit_wallets w "
        "LEFT JOIN balances b ON b.account_code = 'wallet:' || w.user_id || ':' || 'CREDIT' "
        "WHERE w.balance <> COALESCE(b.balance, 0)",
    ),
}
