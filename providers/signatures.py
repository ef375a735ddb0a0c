"""Webhook signature checks — the only part of providers/ the API may use (verify, never call out)."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

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


# --- the chain watcher: a Standard-Webhooks-style HMAC over "{timestamp}.{body}" -----------------

CRYPTO_SIGNATURE_HEADER = "X-Meshpay-Signature"
CRYPTO_TIMESTAMP_HEADER = "X-Meshpay-Timestamp"
_HEX_SIGNATURE = re.compile(r"(?:sha256=)?([0-9a-f]{64})")


def sign_crypto_webhook(secret: str, payload: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a chain watcher sends: the timestamp is signed with the body, so a captured
    delivery cannot be replayed outside the window."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = hmac_sha256_hex(secret, ts.encode() + b"." + payload)
    return {CRYPTO_TIMESTAMP_HEADER: ts, CRYPTO_SIGNATURE_HEADER: f"sha256={sig}"}


def verify_crypto_webhook(
    payload: bytes,
    signature: str | None,
    timestamp: str | None,
    secret: str,
    *,
    tolerance: int,
    now: float | None = None,
) -> None:
    """Cheap shape checks first, then the timestamp window, then one constant-time comparison."""
    if not signature or not timestamp:
        raise SignatureError(f"missing {CRYPTO_SIGNATURE_HEADER} or {CRYPTO_TIMESTAMP_HEADER} header")
    match = _HEX_SIGNATURE.fullmatch(signature.strip().lower())
    if match is None:  # non-ASCII, wrong length, not hex: refused before any comparison
        raise SignatureError("malformed signature")
    ts = timestamp.strip()
    if not (ts.isascii() and ts.isdigit() and len(ts) <= 12):
        raise SignatureError("malformed timestamp")
    if abs((time.time() if now is None else now) - int(ts)) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")
    expected = hmac_sha256_hex(secret, ts.encode() + b"." + payload)
    if not hmac.compare_digest(match.group(1).encode(), expected.encode()):
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


_TRANSMISSION_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
_PAYPAL_ALGOS = frozenset({"SHA256withRSA"})
_PAYPAL_HEADER_MAX = 2048


def check_paypal_headers(
    headers: Any,
    *,
    webhook_id: str,
    api_base: str,
    cert_hosts: list[str],
    tolerance: int,
    now: float | None = None,
) -> dict[str, str]:
    """Everything we can refuse without asking PayPal: the five headers' presence and shape, the
    algorithm, the certificate URL's host (PayPal's, or the configured API base for a stand-in),
    the transmission time within the window, and our own webhook id being configured."""
    if not webhook_id.strip():
        raise SignatureError("no PayPal webhook id is configured")
    fields = {name: headers.get(header) for name, header in PAYPAL_HEADERS.items()}
    if not all(fields.values()):
        raise SignatureError("missing PAYPAL-TRANSMISSION-* headers")
    values: dict[str, str] = {k: str(v) for k, v in fields.items()}
    if any(len(v) > _PAYPAL_HEADER_MAX or not v.isascii() for v in values.values()):
        raise SignatureError("malformed PAYPAL-* header")
    if values["auth_algo"] not in _PAYPAL_ALGOS:
        raise SignatureError("unsupported PAYPAL-AUTH-ALGO")
    if not _TRANSMISSION_ID.fullmatch(values["transmission_id"]):
        raise SignatureError("malformed PAYPAL-TRANSMISSION-ID")
    cert = urlsplit(values["cert_url"])
    base = urlsplit(api_base)
    paypal_host = cert.scheme == "https" and (cert.hostname or "") in cert_hosts
    own_base = (cert.scheme, cert.netloc) == (base.scheme, base.netloc)
    if not (paypal_host or own_base) or not cert.path.startswith("/v1/notifications/certs/"):
        raise SignatureError("PAYPAL-CERT-URL is not PayPal's")
    try:
        sent = datetime.fromisoformat(values["transmission_time"].replace("Z", "+00:00"))
        age = (time.time() if now is None else now) - sent.timestamp()
    except (ValueError, OverflowError, OSError):
        raise SignatureError("malformed PAYPAL-TRANSMISSION-TIME") from None
    if sent.tzinfo is None or abs(age) > tolerance:
        raise SignatureError("PAYPAL-TRANSMISSION-TIME outside the tolerance window")
    return values


class _VerdictCache:
    """PayPal's answers, remembered for the tolerance window by a digest of everything it judged
    (headers, webhook id and body): a redelivery is not asked twice, and the same transmission id
    with another body or signature is a different question."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[bool, float]] = OrderedDict()

    def get(self, key: str) -> bool | None:
        hit = self._items.get(key)
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def put(self, key: str, ok: bool, ttl: float, max_size: int) -> None:
        self._items[key] = (ok, time.monotonic() + ttl)
        self._items.move_to_end(key)
        while len(self._items) > max_size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


paypal_verdicts = _VerdictCache()


async def verify_paypal(
    headers: Any,
    event: dict[str, Any],
    *,
    webhook_id: str,
    api_base: str,
    client_id: str,
    client_secret: str,
    cert_hosts: list[str] | None = None,
    tolerance: int = 900,
    raw_body: bytes = b"",
    cache_size: int = 10_000,
    timeout: float = 10.0,
) -> None:
    """Cheap checks, then (once per distinct delivery) PayPal's verify-webhook-signature API for our
    webhook id; SignatureError unless SUCCESS.

    A transport error or a 5xx propagates (the route answers 5xx and PayPal redelivers later) and is
    not remembered.
    """
    import httpx

    fields = check_paypal_headers(
        headers,
        webhook_id=webhook_id,
        api_base=api_base,
        cert_hosts=list(cert_hosts or []),
        tolerance=tolerance,
    )
    digest = hashlib.sha256(
        "\n".join([webhook_id, *(fields[k] for k in sorted(fields))]).encode() + b"\n" + raw_body
    ).hexdigest()
    cached = paypal_verdicts.get(digest)
    if cached is None:
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
        cached = r.status_code == 200 and r.json().get("verification_status") == "SUCCESS"
        paypal_verdicts.put(digest, cached, ttl=2 * tolerance, max_size=cache_size)
    if not cached:
        raise SignatureError("PayPal did not verify the signature")
