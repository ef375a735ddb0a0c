"""Webhook signature checks: cheap refusals first, nothing that can raise a 500, PayPal asked at most
once per distinct delivery, chain-watcher deliveries bound to a time window."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from config.settings import DEV_WEBHOOK_SECRET
from providers.signatures import (
    SignatureError,
    paypal_verdicts,
    sign_crypto_webhook,
    verify_crypto_webhook,
    verify_paypal,
)
from tests.support.crypto_webhooks import crypto_signed
from tests.support.paypal_standin import CLIENT_ID, CLIENT_SECRET, WEBHOOK_ID, PayPalStandIn, paypal_event

CRYPTO = "/api/v1/payments/webhooks/crypto"
PAYPAL = "/api/v1/payments/webhooks/paypal"
BODY = b'{"chain":"BTC"}'

# ------------------------------------------------------------------ the chain watcher


def test_a_fresh_signed_delivery_verifies() -> None:
    h = sign_crypto_webhook("s3cret", BODY)
    verify_crypto_webhook(BODY, h["X-Meshpay-Signature"], h["X-Meshpay-Timestamp"], "s3cret", tolerance=300)


NOW = "NOW"  # the current time
SIGN = "SIGN"  # a valid signature for the timestamp used


@pytest.mark.parametrize(
    ("signature", "timestamp"),
    [
        ("é" * 64, NOW),  # non-ASCII: was a TypeError (500) inside compare_digest
        ("sha256=" + "é" * 64, NOW),
        ("\u00ff" * 10, NOW),
        ("sha256=" + "0" * 64, NOW),  # well formed, wrong
        ("sha256=" + "zz" * 32, NOW),
        (None, NOW),  # no signature
        (SIGN, None),  # no timestamp
        ("", NOW),
        (SIGN, "abc"),
        (SIGN, "1" * 30),
        (SIGN, "-301"),  # stale (seconds from now)
        (SIGN, "+301"),  # from the future
    ],
)
def test_bad_crypto_deliveries_are_signature_errors(signature: str | None, timestamp: str | None) -> None:
    ts = str(int(time.time())) if timestamp == NOW else timestamp
    if ts and ts[0] in "+-":
        ts = str(int(time.time()) + int(ts))
    if signature == SIGN:
        signed_at = int(ts) if ts and ts.isdigit() and len(ts) < 15 else 0
        signature = sign_crypto_webhook("s3cret", BODY, signed_at)["X-Meshpay-Signature"]
    with pytest.raises(SignatureError):
        verify_crypto_webhook(BODY, signature, ts, "s3cret", tolerance=300)


def test_a_body_only_signature_no_longer_verifies() -> None:
    """The old scheme (HMAC of the body alone) could be replayed forever."""
    import hashlib
    import hmac

    old = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    with pytest.raises(SignatureError):
        verify_crypto_webhook(BODY, old, str(int(time.time())), "s3cret", tolerance=300)


@pytest.fixture
async def webhook_client(make_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(temporal_client=object())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        yield c


async def test_non_ascii_signature_header_is_a_400_not_a_500(webhook_client: httpx.AsyncClient) -> None:
    body, headers = crypto_signed({"chain": "BTC"})
    headers = {**headers, "X-Meshpay-Signature": "sha256=é".encode("latin-1")}  # type: ignore[dict-item]
    r = await webhook_client.post(CRYPTO, content=body, headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_signature"


async def test_a_replayed_old_crypto_delivery_is_refused(webhook_client: httpx.AsyncClient) -> None:
    body, headers = crypto_signed({"chain": "BTC"}, timestamp=int(time.time()) - 3600)
    r = await webhook_client.post(CRYPTO, content=body, headers=headers)
    assert r.status_code == 400 and "window" in r.json()["error"]["message"]


# ------------------------------------------------------------------ PayPal


@pytest.fixture(scope="module")
def standin() -> Iterator[PayPalStandIn]:
    s = PayPalStandIn().start()
    try:
        yield s
    finally:
        s.stop()


def _verify(standin: PayPalStandIn, headers: dict[str, str], event: dict[str, Any], body: bytes) -> Any:
    return verify_paypal(
        headers,
        event,
        webhook_id=WEBHOOK_ID,
        api_base=standin.base,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        cert_hosts=["api.paypal.com", "api-m.paypal.com"],
        tolerance=900,
        raw_body=body,
    )


def _event() -> dict[str, Any]:
    return paypal_event("CHECKOUT.ORDER.APPROVED", {"id": f"O-{uuid.uuid4().hex[:12]}"})


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("missing header", {"PAYPAL-TRANSMISSION-SIG": ""}),
        ("foreign certificate host", {"PAYPAL-CERT-URL": "https://evil.example/v1/notifications/certs/X"}),
        (
            "plain http on PayPal's host",
            {"PAYPAL-CERT-URL": "http://api.paypal.com/v1/notifications/certs/X"},
        ),
        ("certificate outside the certs path", {"PAYPAL-CERT-URL": "https://api.paypal.com/v1/oauth2/token"}),
        ("stale transmission", {"PAYPAL-TRANSMISSION-TIME": "2020-01-01T00:00:00Z"}),
        ("garbage transmission time", {"PAYPAL-TRANSMISSION-TIME": "yesterday"}),
        ("unknown algorithm", {"PAYPAL-AUTH-ALGO": "none"}),
        ("odd transmission id", {"PAYPAL-TRANSMISSION-ID": "../../x y"}),
        ("non-ASCII header", {"PAYPAL-TRANSMISSION-SIG": "é" * 10}),
    ],
)
async def test_cheap_checks_refuse_without_asking_paypal(
    standin: PayPalStandIn, name: str, change: dict[str, str]
) -> None:
    event = _event()
    body, headers = standin.sign_webhook(event)
    before = standin.verify_calls
    with pytest.raises(SignatureError):
        await _verify(standin, {**headers, **change}, event, body)
    assert standin.verify_calls == before, name


async def test_paypal_is_asked_once_per_distinct_delivery(standin: PayPalStandIn) -> None:
    paypal_verdicts.clear()
    event = _event()
    body, headers = standin.sign_webhook(event)
    before = standin.verify_calls
    for _ in range(5):
        await _verify(standin, headers, event, body)
    assert standin.verify_calls == before + 1
    # The same transmission id with another body is a different question, and PayPal says no.
    other = {**event, "id": "WH-OTHER"}
    with pytest.raises(SignatureError):
        await _verify(standin, headers, other, b'{"id":"WH-OTHER"}')
    assert standin.verify_calls == before + 2
    # A refusal is remembered too: replaying a forged delivery does not reach PayPal again.
    with pytest.raises(SignatureError):
        await _verify(standin, headers, other, b'{"id":"WH-OTHER"}')
    assert standin.verify_calls == before + 2


async def test_paypal_route_refuses_unasked_deliveries_not_from_paypal(
    make_app: Any, standin: PayPalStandIn
) -> None:
    app = make_app(temporal_client=object(), paypal_api_base=standin.base)
    event = _event()
    body, headers = standin.sign_webhook(event, at=datetime.now(UTC) - timedelta(hours=1))
    before = standin.verify_calls
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        r = await c.post(PAYPAL, content=body, headers=headers)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_signature"
        forged = {**headers, "PAYPAL-CERT-URL": "https://evil.example/v1/notifications/certs/X"}
        r = await c.post(PAYPAL, content=body, headers=forged)
        assert r.status_code == 400
    assert standin.verify_calls == before


def test_the_dev_secret_signs_what_the_tests_send() -> None:
    body, headers = crypto_signed({"a": 1})
    verify_crypto_webhook(
        body, headers["X-Meshpay-Signature"], headers["X-Meshpay-Timestamp"], DEV_WEBHOOK_SECRET, tolerance=5
    )
