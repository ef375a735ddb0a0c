"""The rows an operator's timeline is built from: whatever mentions one business id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# (kind, table, how its row is found, the columns the summary shows)
OBJECTS: list[tuple[str, str, str, str]] = [
    (
        "payment",
        "payments",
        "id = :id",
        "id, status, amount, currency, provider, payer_id, purpose_kind, "
        "purpose_reference, provider_object_id, created_at",
    ),
    (
        "escrow",
        "escrows",
        "id = :id OR contract_id = :id",
        "id, contract_id, status, payer_id, payee_id, funding_payment_id, created_at",
    ),
    ("invoice", "invoices", "id = :id OR number = :id", "id, number, account_id, period, status, created_at"),
    ("payout", "payouts", "id = :id", "id, payee_id, status, destination_id, created_at"),
    (
        "dispute",
        "disputes",
        "id = :id",
        "id, payment_id, escrow_contract_id, status, amount, currency, opened_at AS created_at",
    ),
]


async def find_object(session: AsyncSession, object_id: str) -> tuple[str, dict[str, Any]] | None:
    for kind, table, where, columns in OBJECTS:
        row = (
            await session.execute(text(f"SELECT {columns} FROM {table} WHERE {where}"), {"id": object_id})
        ).first()
        if row is not None:
            return kind, dict(row._mapping)
    return None


async def ledger_transactions(session: AsyncSession, ids: list[str]) -> list[dict[str, Any]]:
    """Transactions whose business key names any of `ids` (`pay:{id}:…`, `esc:{contract}:…`)."""
    clauses = " OR ".join(f"t.idempotency_key LIKE :p{i}" for i in range(len(ids)))
    params = {f"p{i}": f"%{v}%" for i, v in enumerate(ids)}
    rows = await session.execute(
        text(
            "SELECT t.id, t.idempotency_key, t.kind, t.created_at, t.metadata, "
            "p.account_code, p.amount, p.currency "
            f"FROM ledger_transactions t JOIN postings p ON p.transaction_id = t.id WHERE {clauses} "
            "ORDER BY t.created_at, t.id"
        ),
        params,
    )
    by_txn: dict[str, dict[str, Any]] = {}
    for r in rows:
        txn = by_txn.setdefault(
            r.id,
            {
                "id": r.id,
                "key": r.idempotency_key,
                "kind": r.kind,
                "at": r.created_at,
                "cause": (r.metadata or {}).get("cause"),
                "postings": [],
            },
        )
        txn["postings"].append({"account": r.account_code, "amount": int(r.amount), "currency": r.currency})
    return list(by_txn.values())


async def events_of(session: AsyncSession, ids: list[str]) -> list[dict[str, Any]]:
    rows = await session.execute(
        text("SELECT id, type, created_at FROM events WHERE object_id = ANY(:ids) ORDER BY seq"), {"ids": ids}
    )
    return [dict(r._mapping) for r in rows]


async def deliveries_of(session: AsyncSession, event_ids: list[str]) -> list[dict[str, Any]]:
    if not event_ids:
        return []
    rows = await session.execute(
        text(
            "SELECT event_id, endpoint_id, status_code, succeeded, error, created_at FROM webhook_attempts "
            "WHERE event_id = ANY(:ids) ORDER BY id"
        ),
        {"ids": event_ids},
    )
    return [dict(r._mapping) for r in rows]


async def escrow_events(session: AsyncSession, escrow_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        text("SELECT seq, kind, actor, detail, at FROM escrow_events WHERE escrow_id = :id ORDER BY seq"),
        {"id": escrow_id},
    )
    return [dict(r._mapping) for r in rows]


async def refunds_of(session: AsyncSession, payment_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        text(
            "SELECT id, amount, currency, status, provider_refund_id, idempotency_key FROM payment_refunds "
            "WHERE payment_id = :id ORDER BY seq"
        ),
        {"id": payment_id},
    )
    return [dict(r._mapping) for r in rows]
