"""Payments as events and metrics: created, succeeded, failed/expired/cancelled, refunded — emitted
in the transaction that made the change, with the payment as the API shows it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.metrics import PAYMENTS
from db.models.payments import Payment
from domain.money import format_amount
from services import events

_TYPES = {
    "pending": "payment.created",
    "completed": "payment.succeeded",
    "overpaid": "payment.succeeded",
    "underpaid": "payment.succeeded",
    "failed": "payment.failed",
    "expired": "payment.expired",
    "cancelled": "payment.cancelled",
}


def payment_object(row: Payment) -> dict[str, Any]:
    return {
        "payment_id": row.id,
        "status": row.status,
        "amount": format_amount(row.amount, row.currency),
        "currency": row.currency,
        "provider": row.provider,
        "purpose": {"kind": row.purpose_kind, "reference": row.purpose_reference},
        "captured_amount": format_amount(row.captured_amount or 0, row.currency),
        "refunded_amount": format_amount(row.refunded_amount or 0, row.currency),
        "failure_code": row.failure_code,
    }


async def announce(session: AsyncSession, row: Payment, status: str | None = None) -> None:
    """`row` has just moved to `status` (its current status by default)."""
    status = status or row.status
    type_ = _TYPES.get(status)
    if type_ is None:
        return
    if status != "pending":
        PAYMENTS.labels(row.provider, status).inc()
    await events.emit(
        session,
        type_,
        account_id=row.payer_id,
        object_type="payment",
        object_id=row.id,
        data=payment_object(row),
    )


async def announce_refund(session: AsyncSession, row: Payment, refund_id: str, amount: int) -> None:
    PAYMENTS.labels(row.provider, "refunded").inc()
    data = {**payment_object(row), "refund": {"id": refund_id, "amount": format_amount(amount, row.currency)}}
    await events.emit(
        session,
        "payment.refunded",
        account_id=row.payer_id,
        object_type="payment",
        object_id=row.id,
        data=data,
    )
