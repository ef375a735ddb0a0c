"""Signed chain-watcher deliveries for tests (the one signing scheme: providers.signatures)."""

from __future__ import annotations

import json
from typing import Any

from config.settings import DEV_WEBHOOK_SECRET
from providers.signatures import sign_crypto_webhook


def crypto_signed(
    doc: dict[str, Any], secret: str = DEV_WEBHOOK_SECRET, *, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(doc).encode()
    return body, {**sign_crypto_webhook(secret, body, timestamp), "Content-Type": "application/json"}
