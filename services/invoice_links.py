"""Signed, unguessable links to a hosted invoice page: the invoice id and an HMAC-SHA256 of it under
the billing link secret, so a link cannot be forged or pointed at another invoice, and no token has
to be stored. The secret is refused at start-up outside dev if it is the default."""

from __future__ import annotations

import base64
import hashlib
import hmac

from config.settings import Settings
from domain.errors import NotFound

_PURPOSE = b"meshpay-hosted-invoice-v1:"


def _mac(secret: str, invoice_id: str) -> str:
    digest = hmac.new(secret.encode(), _PURPOSE + invoice_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hosted_token(settings: Settings, invoice_id: str) -> str:
    return f"{invoice_id}.{_mac(settings.billing_link_secret, invoice_id)}"


def hosted_url(settings: Settings, invoice_id: str) -> str:
    base = settings.billing_public_url.rstrip("/")
    return f"{base}/api/v1/payments/invoices/hosted/{hosted_token(settings, invoice_id)}"


def invoice_of(settings: Settings, token: str) -> str:
    """The invoice id of a valid token; anything else is 'not found' (nothing to learn by probing)."""
    invoice_id, _, mac = token.rpartition(".")
    if not invoice_id or not hmac.compare_digest(mac, _mac(settings.billing_link_secret, invoice_id)):
        raise NotFound("invoice not found", param="token")
    return invoice_id
