"""Payout providers: Stripe Connect transfers and PayPal Payouts, behind one Protocol.

Every send carries the business idempotency key `po:{payout_id}:send` (Stripe `Idempotency-Key`,
PayPal `PayPal-Request-Id`), so a retried activity never pays twice.

PayPal: the official `paypal-server-sdk` (2.4) has no Payouts API (its controllers are OAuth,
Orders, Payments, Subscriptions, Transaction Search and Vault), so the Payouts REST endpoint
(`POST /v1/payments/payouts`, `GET /v1/payments/payouts/{batch_id}`) is called with httpx.

Refusals by the provider (bad destination, validation, insufficient platform balance) raise
`PayoutRejected`; network errors and 5xx propagate so Temporal retries the activity.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import stripe

from domain.money import format_amount

PAID, PENDING, FAILED = "paid", "pending", "failed"


class PayoutRejected(Exception):
    """The provider refused the payout for good: the funds go back to earnings."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class ProviderPayout:
    provider_ref: str
    status: str  # paid | pending | failed
    failure_code: str = ""
    failure_message: str = ""


class PayoutProvider(Protocol):
    name: str

    async def send(
        self, *, payout_id: str, amount: int, currency: str, destination: str, idempotency_key: str
    ) -> ProviderPayout: ...

    async def status(self, provider_ref: str) -> ProviderPayout: ...


class StripeConnectPayouts:
    """A Transfer from the platform balance to a connected account (acct_...)."""

    name = "stripe"

    def __init__(self, api_key: str, api_base: str | None = None) -> None:
        base = {"api": api_base.rstrip("/")} if api_base else None
        self._client = stripe.StripeClient(api_key, base_addresses=base, max_network_retries=0)  # type: ignore[arg-type]

    async def send(
        self, *, payout_id: str, amount: int, currency: str, destination: str, idempotency_key: str
    ) -> ProviderPayout:
        try:
            transfer = await self._client.v1.transfers.create_async(
                params={
                    "amount": amount,
                    "currency": currency.lower(),
                    "destination": destination,
                    "transfer_group": payout_id,
                    "metadata": {"payout_id": payout_id},
                },
                options={"idempotency_key": idempotency_key},
            )
        except (stripe.InvalidRequestError, stripe.PermissionError) as exc:
            raise PayoutRejected(exc.code or "stripe_invalid_request", exc.user_message or str(exc)) from exc
        return _stripe_view(transfer)

    async def status(self, provider_ref: str) -> ProviderPayout:
        return _stripe_view(await self._client.v1.transfers.retrieve_async(provider_ref))


def _stripe_view(obj: Any) -> ProviderPayout:
    # A Transfer moves funds to the connected account at once; only a reversal undoes it.
    transfer: dict[str, Any] = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    reversed_ = bool(transfer.get("reversed")) and int(transfer.get("amount_reversed") or 0) >= int(
        transfer["amount"]
    )
    if reversed_:
        return ProviderPayout(transfer["id"], FAILED, "transfer_reversed", "the transfer was reversed")
    return ProviderPayout(transfer["id"], PAID)


_PAYPAL_ITEM_STATUS = {
    "SUCCESS": PAID,
    "FAILED": FAILED,
    "RETURNED": FAILED,
    "BLOCKED": FAILED,
    "REFUNDED": FAILED,
    "REVERSED": FAILED,
    "DENIED": FAILED,
    "CANCELED": FAILED,
}


class PayPalPayouts:
    """PayPal Payouts v1 (one item per batch: the payout id is the sender batch and item id)."""

    name = "paypal"
    SANDBOX = "https://api-m.sandbox.paypal.com"

    def __init__(
        self, client_id: str, client_secret: str, api_base: str | None = None, *, timeout: float = 20.0
    ) -> None:
        self._base = (api_base or self.SANDBOX).rstrip("/")
        self._auth = (client_id, client_secret)
        self._timeout = timeout
        self._token: tuple[str, float] | None = None

    async def _bearer(self, http: httpx.AsyncClient) -> str:
        if self._token and self._token[1] > time.monotonic() + 30:
            return self._token[0]
        resp = await http.post(
            f"{self._base}/v1/oauth2/token", auth=self._auth, data={"grant_type": "client_credentials"}
        )
        # Wrong credentials are a configuration error, not a refusal of this payout: raise, and
        # Temporal retries (visibly) until the configuration is fixed.
        resp.raise_for_status()
        body = resp.json()
        self._token = (body["access_token"], time.monotonic() + float(body.get("expires_in", 300)))
        return self._token[0]

    async def send(
        self, *, payout_id: str, amount: int, currency: str, destination: str, idempotency_key: str
    ) -> ProviderPayout:
        payload = {
            "sender_batch_header": {"sender_batch_id": payout_id, "email_subject": "You have a payout"},
            "items": [
                {
                    "recipient_type": "EMAIL",
                    "receiver": destination,
                    "amount": {"value": format_amount(amount, currency), "currency": currency},
                    "sender_item_id": payout_id,
                }
            ],
        }
        async with httpx.AsyncClient(timeout=self._timeout) as http:
            headers = {
                "Authorization": f"Bearer {await self._bearer(http)}",
                "PayPal-Request-Id": idempotency_key,
            }
            resp = await http.post(f"{self._base}/v1/payments/payouts", json=payload, headers=headers)
        if resp.status_code in (400, 403, 422):
            body = _json(resp)
            raise PayoutRejected(
                str(body.get("name") or "paypal_rejected"), str(body.get("message") or resp.text)
            )
        resp.raise_for_status()
        header = resp.json()["batch_header"]
        return _paypal_batch_view(header["payout_batch_id"], header.get("batch_status", "PENDING"), None)

    async def status(self, provider_ref: str) -> ProviderPayout:
        async with httpx.AsyncClient(timeout=self._timeout) as http:
            headers = {"Authorization": f"Bearer {await self._bearer(http)}"}
            resp = await http.get(f"{self._base}/v1/payments/payouts/{provider_ref}", headers=headers)
        resp.raise_for_status()
        body = resp.json()
        items = body.get("items") or []
        item = items[0] if items else None
        return _paypal_batch_view(provider_ref, body["batch_header"].get("batch_status", "PENDING"), item)


def _paypal_batch_view(batch_id: str, batch_status: str, item: dict[str, Any] | None) -> ProviderPayout:
    if item is not None:
        status = _PAYPAL_ITEM_STATUS.get(str(item.get("transaction_status", "")).upper(), PENDING)
        if status == FAILED:
            errors = item.get("errors") or {}
            return ProviderPayout(
                batch_id,
                FAILED,
                str(errors.get("name") or item["transaction_status"]).lower(),
                str(errors.get("message") or ""),
            )
        return ProviderPayout(batch_id, status)
    if batch_status.upper() in ("DENIED", "CANCELED"):
        return ProviderPayout(batch_id, FAILED, batch_status.lower(), "the payout batch was refused")
    return ProviderPayout(batch_id, PENDING)


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def build_provider(
    name: str,
    *,
    stripe_secret_key: str,
    stripe_api_base: str | None,
    paypal_client_id: str,
    paypal_client_secret: str,
    paypal_api_base: str | None,
) -> PayoutProvider:
    if name == "stripe":
        return StripeConnectPayouts(stripe_secret_key, stripe_api_base)
    if name == "paypal":
        return PayPalPayouts(paypal_client_id, paypal_client_secret, paypal_api_base)
    raise ValueError(f"unknown payout provider {name!r}")
