"""What a verified, first-time webhook event does. The Stripe route calls `handle_stripe_event`;
other areas register handlers for event types payments does not handle itself, e.g.

    STRIPE_EVENT_HANDLERS["charge.dispute.created"] = disputes_webhooks.on_dispute_created

Each handler runs once per event (only when the inbox row was newly created), inside the request's
unit of work: raising rolls the inbox row back, so the provider's retry gets another chance.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from config.settings import Settings
from contracts.payments import PAYMENT_CONFIRMED_SIGNAL, ProviderEvent
from contracts.temporal import payment_workflow_id
from db.repositories import payments as repo
from services import temporal_gateway as gateway

StripeHandler = Callable[[AsyncSession, Client, Settings, dict[str, Any]], Awaitable[None]]
STRIPE_EVENT_HANDLERS: dict[str, StripeHandler] = {}

_PI_EVENTS = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "failed",
    "payment_intent.canceled": "canceled",
}


async def signal_payment(client: Client, payment_id: str, event: ProviderEvent) -> bool:
    """Signal the payment's workflow; False if it has already finished (the event changes nothing)."""
    return await gateway.signal(client, payment_workflow_id(payment_id), PAYMENT_CONFIRMED_SIGNAL, event)


async def handle_stripe_event(
    session: AsyncSession, client: Client, settings: Settings, event: dict[str, Any]
) -> str:
    """processed | ignored."""
    etype = str(event.get("type", ""))
    kind = _PI_EVENTS.get(etype)
    if kind is None:
        handler = STRIPE_EVENT_HANDLERS.get(etype)
        if handler is None:
            return "ignored"
        await handler(session, client, settings, event)
        return "processed"
    obj = (event.get("data") or {}).get("object") or {}
    payment_id = (obj.get("metadata") or {}).get("payment_id")
    row = await repo.payment_by_provider_object(session, "stripe", str(obj.get("id", "")))
    if row is None and payment_id:
        row = await repo.get_payment(session, str(payment_id))
    if row is None or row.provider != "stripe":
        return "ignored"
    await repo.link_event(
        session, provider="stripe", event_id=str(event["id"]), event_type=etype, payment_id=row.id
    )
    delivered = await signal_payment(client, row.id, ProviderEvent(kind, str(event["id"]), etype))
    return "processed" if delivered else "ignored"


_PAYPAL_EVENTS = {
    "CHECKOUT.ORDER.APPROVED": "approved",  # the workflow captures (same key as a confirm)
    "PAYMENT.CAPTURE.COMPLETED": "succeeded",
    "PAYMENT.CAPTURE.DENIED": "failed",
    "PAYMENT.CAPTURE.DECLINED": "failed",
}


async def handle_paypal_event(
    session: AsyncSession, client: Client, settings: Settings, event: dict[str, Any]
) -> str:
    """processed | ignored. The resource is the order (CHECKOUT.*) or the capture (PAYMENT.CAPTURE.*);
    both carry our payment id as custom_id, and a capture names its order in related_ids."""
    etype = str(event.get("event_type", ""))
    kind = _PAYPAL_EVENTS.get(etype)
    if etype == "PAYMENT.CAPTURE.REVERSED":  # a refund of ours that did not happen (payments)
        return "processed" if await _refund_webhooks.on_paypal_refund_reversed(session, event) else "ignored"
    if kind is None:
        return "ignored"
    res = event.get("resource") or {}
    if etype.startswith("CHECKOUT."):
        order_id = str(res.get("id", ""))
        custom = ((res.get("purchase_units") or [{}])[0]).get("custom_id")
    else:
        order_id = str(((res.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id", ""))
        custom = res.get("custom_id")
    row = await repo.payment_by_provider_object(session, "paypal", order_id) if order_id else None
    if row is None and custom:
        row = await repo.get_payment(session, str(custom))
    if row is None or row.provider != "paypal":
        return "ignored"
    await repo.link_event(
        session, provider="paypal", event_id=str(event["id"]), event_type=etype, payment_id=row.id
    )
    if kind == "succeeded" and res.get("id") and not row.provider_capture_id:
        await repo.update_payment(session, row.id, provider_capture_id=str(res["id"]))
    delivered = await signal_payment(client, row.id, ProviderEvent(kind, str(event["id"]), etype))
    return "processed" if delivered else "ignored"


from api.routes import disputes as _disputes  # noqa: E402  (payouts/chargebacks; below: no import cycle)

STRIPE_EVENT_HANDLERS["charge.dispute.created"] = _disputes.on_dispute_created  # payouts/chargebacks
STRIPE_EVENT_HANDLERS["charge.dispute.closed"] = _disputes.on_dispute_closed  # payouts/chargebacks
from api import refund_webhooks as _refund_webhooks  # noqa: E402  (payments: refunds failing later)

for _etype in _refund_webhooks.STRIPE_REFUND_EVENTS:
    STRIPE_EVENT_HANDLERS[_etype] = _refund_webhooks.on_stripe_refund_event
