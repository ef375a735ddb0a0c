"""Webhook signature checks — the only part of providers/ the API may use (verify, never call out)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import stripe


class SignatureError(Exception):
    """Forged, stale or malformed: the event is refused (400) and changes nothing."""


def verify_stripe(payload: bytes, header: str | None, secret: str, *, tolerance: int = 300) -> dict[str, Any]:
    """stripe.Webhook.construct_event: HMAC-SHA256 over "{t}.{body}", timestamp within `tolerance` s."""
    if not header:
        raise SignatureError("missing Stripe-Signature header")
    try:
        event = stripe.Webhook.construct_event(payload, header, secret, tolerance=tolerance)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise SignatureError(str(exc)) from exc
    return event.to_dict()


def hmac_sha256_hex(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def verify_hmac(payload: bytes, header: str | None, secret: str) -> None:
    """The chain watcher's X-Meshpay-Signature: hex HMAC-SHA256 of the raw body (sha256= prefix allowed)."""
    if not header:
        raise SignatureError("missing signature header")
    given = header.strip().removeprefix("sha256=")
    if not hmac.compare_digest(given, hmac_sha256_hex(secret, payload)):
        raise SignatureError("signature mismatch")


# --- PayPal: verification is PayPal's own API (POST /v1/notifications/verify-webhook-signature) ----

PAYPAL_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}
_paypal_tokens: dict[tuple[str, str], tuple[str, float]] = {}


def paypal_api_url(api_base: str | None, environment: str = "sandbox") -> str:
    if api_base:
        return api_base.rstrip("/")
    live = environment.lower() in ("live", "production")
    return "https://api-m.paypal.com" if live else "https://api-m.sandbox.paypal.com"


async def _paypal_token(http: Any, base: str, client_id: str, client_secret: str) -> str:
    import time

    cached = _paypal_tokens.get((base, client_id))
    if cached and cached[1] > time.monotonic() + 60:
        return cached[0]
    r = await http.post(
        f"{base}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, client_secret),
    )
    r.raise_for_status()
    doc = r.json()
    _paypal_tokens[(base, client_id)] = (str(doc["access_token"]), time.monotonic() + int(doc["expires_in"]))
    return str(doc["access_token"])


async def verify_paypal(
    headers: Any,
    event: dict[str, Any],
    *,
    webhook_id: str,
    api_base: str,
    client_id: str,
    client_secret: str,
    timeout: float = 10.0,
) -> None:
    """Ask PayPal whether this delivery was signed for our webhook id; SignatureError unless SUCCESS.

    A transport error or a 5xx propagates (the route answers 5xx and PayPal redelivers later).
    """
    import httpx

    fields = {name: headers.get(header) for name, header in PAYPAL_HEADERS.items()}
    if not all(fields.values()):
        raise SignatureError("missing PAYPAL-TRANSMISSION-* headers")
    async with httpx.AsyncClient(timeout=timeout) as http:
        token = await _paypal_token(http, api_base, client_id, client_secret)
        r = await http.post(
            f"{api_base}/v1/notifications/verify-webhook-signature",
            json={**fields, "webhook_id": webhook_id, "webhook_event": event},
            headers={"Authorization": f"Bearer {token}"},
        )
        if r.status_code == 401:
            _paypal_tokens.pop((api_base, client_id), None)
        if r.status_code >= 500 or r.status_code == 401:
            r.raise_for_status()
    if r.status_code != 200 or r.json().get("verification_status") != "SUCCESS":
        raise SignatureError("PayPal did not verify the signature")
