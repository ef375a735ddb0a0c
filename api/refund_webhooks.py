"""Provider events that say a refund we posted did not happen after all (issue #12 case 5).

Stripe `charge.refund.updated` / `refund.updated` / `refund.failed` with the refund failed or
canceled, and PayPal `PAYMENT.CAPTURE.REVERSED` naming one of our refunds: the money is with us
again, so the refund's ledger transaction is reversed (services.payment_refunds.reverse_refund).
Registered in api/webhook_handlers.py; each runs once per event inside the request's unit of work.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from config.settings import Settings
from services import payment_refunds

STRIPE_REFUND_EVENTS = ("charge.refund.updated", "refund.updated", "refund.failed")
_FAILED = ("failed", "canceled")


async def on_stripe_refund_event(
    session: AsyncSession, client: Client, settings: Settings, event: dict[str, Any]
) -> None:
    obj = (event.get("data") or {}).get("object") or {}
    if str(obj.get("status", "")) not in _FAILED or not obj.get("id"):
        return
    reason = str(obj.get("failure_reason") or obj.get("status"))
    await payment_refunds.reverse_refund(
        session, provider="stripe", provider_refund_id=str(obj["id"]), message=f"Stripe: {reason}"
    )


async def on_paypal_refund_reversed(session: AsyncSession, event: dict[str, Any]) -> bool:
    """PAYMENT.CAPTURE.REVERSED for one of our refunds; False when it names no refund of ours."""
    res = event.get("resource") or {}
    if not res.get("id"):
        return False
    done = await payment_refunds.reverse_refund(
        session,
        provider="paypal",
        provider_refund_id=str(res["id"]),
        message=f"PayPal: {event.get('event_type')} {res.get('status', '')}".strip(),
    )
    return done is not None
