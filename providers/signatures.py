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
