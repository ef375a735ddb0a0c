"""Provider webhooks: verify → inbox (deduplicated by the provider's event id) → act once.

A forged or stale event gets 400 and changes nothing; a duplicate gets 200 and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Request

from api.deps import SessionFactoryDep, SettingsDep, TemporalDep
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.schemas.common import ErrorResponse
from api.webhook_handlers import handle_paypal_event, handle_stripe_event, signal_payment
from contracts.payments import ProviderEvent
from db.repositories import payments as repo
from db.session import unit_of_work
from domain.errors import DomainError
from domain.money import parse_amount
from providers.signatures import (
    CRYPTO_SIGNATURE_HEADER,
    CRYPTO_TIMESTAMP_HEADER,
    SignatureError,
    paypal_api_url,
    verify_crypto_webhook,
    verify_paypal,
    verify_stripe,
)
from services import payments as svc
from services.reconcile import start_payment_reconcile

# A forged/stale/malformed event is a 400 (or 422 for a malformed deposit report), in the error shape.
_REFUSALS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}
router = APIRouter(tags=["webhooks"], route_class=ExactJSONRoute, responses=_REFUSALS)


def _bad_signature(exc: Exception) -> ApiError:
    return ApiError(
        400, "invalid_signature", f"webhook signature check failed: {exc}", type_="invalid_request"
    )


@router.post("/webhooks/stripe", include_in_schema=True)
async def stripe_webhook(
    request: Request,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> dict[str, Any]:
    payload = await request.body()
    try:
        event = verify_stripe(
            payload,
            stripe_signature,
            settings.stripe_webhook_secret,
            tolerance=settings.stripe_webhook_tolerance_seconds,
        )
    except SignatureError as exc:
        raise _bad_signature(exc) from exc
    if not event.get("id") or not event.get("type"):
        raise ApiError(400, "invalid_event", "event has no id or type")
    async with unit_of_work(factory) as s:
        created = await repo.record_inbox(
            s, provider="stripe", event_id=str(event["id"]), event_type=str(event["type"]), payload=event
        )
        if not created:
            return {"received": True, "duplicate": True}
        outcome = await handle_stripe_event(s, client, settings, event)
        await repo.mark_inbox(s, "stripe", str(event["id"]), outcome)
    return {"received": True, "duplicate": False}


@router.post("/webhooks/paypal")
async def paypal_webhook(
    request: Request, factory: SessionFactoryDep, client: TemporalDep, settings: SettingsDep
) -> dict[str, Any]:
    """Cheap checks (header shapes, certificate host, transmission time), then PayPal's
    verify-webhook-signature API for MESHPAY_PAYPAL_WEBHOOK_ID (once per distinct delivery), then the
    inbox (deduplicated by the event id), then the PaymentWorkflow is signalled once."""
    payload = await request.body()
    try:
        event = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise _bad_signature(exc) from exc
    if not isinstance(event, dict):
        raise _bad_signature(ValueError("the event is not an object"))
    try:
        await verify_paypal(
            request.headers,
            event,
            webhook_id=settings.paypal_webhook_id,
            api_base=paypal_api_url(settings.paypal_api_base, settings.paypal_environment),
            client_id=settings.paypal_client_id,
            client_secret=settings.paypal_client_secret,
            cert_hosts=settings.paypal_cert_hosts,
            tolerance=settings.paypal_webhook_tolerance_seconds,
            raw_body=payload,
            cache_size=settings.paypal_verify_cache_size,
        )
    except SignatureError as exc:
        raise _bad_signature(exc) from exc
    if not event.get("id") or not event.get("event_type"):
        raise ApiError(400, "invalid_event", "event has no id or event_type")
    async with unit_of_work(factory) as s:
        created = await repo.record_inbox(
            s,
            provider="paypal",
            event_id=str(event["id"]),
            event_type=str(event["event_type"]),
            payload=event,
        )
        if not created:
            return {"received": True, "duplicate": True}
        outcome = await handle_paypal_event(s, client, settings, event)
        await repo.mark_inbox(s, "paypal", str(event["id"]), outcome)
    return {"received": True, "duplicate": False}


@router.post("/webhooks/crypto")
async def crypto_webhook(
    request: Request,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    signature: Annotated[str | None, Header(alias=CRYPTO_SIGNATURE_HEADER)] = None,
    timestamp: Annotated[str | None, Header(alias=CRYPTO_TIMESTAMP_HEADER)] = None,
) -> dict[str, Any]:
    """A chain watcher's deposit report {"chain","address","txid","amount","confirmations"}, signed
    over "{X-Meshpay-Timestamp}.{body}" and refused outside the tolerance window."""
    payload = await request.body()
    try:
        verify_crypto_webhook(
            payload,
            signature,
            timestamp,
            settings.crypto_webhook_secret,
            tolerance=settings.crypto_webhook_tolerance_seconds,
        )
    except SignatureError as exc:
        raise _bad_signature(exc) from exc
    try:
        doc = orjson.loads(payload)
        chain = str(doc["chain"]).upper()
        address, txid = str(doc["address"]), str(doc["txid"])
        confirmations = int(doc["confirmations"])
        amount = parse_amount(Decimal(str(doc["amount"])), chain)
    except (KeyError, ValueError, TypeError, InvalidOperation, orjson.JSONDecodeError, DomainError) as exc:
        raise ApiError(422, "invalid_event", f"malformed deposit report: {type(exc).__name__}") from exc
    if chain not in ("BTC", "ETH") or confirmations < 0:
        raise ApiError(422, "invalid_event", "unsupported chain or confirmations")
    event_id = f"{chain}:{txid}:{address}:{confirmations}"
    async with unit_of_work(factory) as s:
        created = await repo.record_inbox(
            s, provider="crypto", event_id=event_id, event_type="deposit", payload=doc
        )
        if not created:
            return {"received": True, "duplicate": True}
        # A deposit on a payment that already ended is credited inside this transaction (a late
        # payment becomes credits); only a running payment's workflow is told about it.
        recorded = await svc.record_crypto_deposit(
            s, settings, chain=chain, address=address, txid=txid, amount=amount, confirmations=confirmations
        )
        payment_id = recorded.payment_id
        outcome = "ignored"
        if payment_id is not None:
            await repo.link_event(
                s, provider="crypto", event_id=event_id, event_type="deposit", payment_id=payment_id
            )
            outcome = "processed"
            if not recorded.payment_ended and not await signal_payment(
                client, payment_id, ProviderEvent("deposit", event_id, txid)
            ):  # a running payment whose workflow is gone: reconcile it (never left "seen")
                await start_payment_reconcile(
                    client, settings.task_queue, payment_id, f"crypto deposit {txid}"
                )
                outcome = "reconciling"
        await repo.mark_inbox(s, "crypto", event_id, outcome)
    return {"received": True, "duplicate": False}
