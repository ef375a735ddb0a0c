"""PayPal Orders v2 through the official paypal-server-sdk (synchronous: run in a thread).

create → an order (intent CAPTURE) whose rel "approve" link is the caller's `approval_url`; after the
buyer approves, `confirm` captures it; `refund` refunds the capture. Every write carries a
`PayPal-Request-Id` derived from the payment id (pay:{id}:create, pay:{id}:capture,
pay:{id}:refund:{n}): PayPal answers a repeated id with the first result and does nothing twice, so a
create or capture retried after a lost answer never makes a second order or a second capture.

The SDK's Environment knows only SANDBOX/PRODUCTION: `_Configuration` overrides get_base_uri() to
reach MESHPAY_PAYPAL_API_BASE (a local stand-in in tests).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from paypalserversdk.configuration import Configuration, Environment, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from domain.money import format_amount, parse_amount
from providers.base import CreateParams, ProviderDeclined, ProviderIntent, ProviderRefund

# Orders v2 status → provider-neutral status. APPROVED: the buyer said yes; we have not captured.
_STATUS = {
    "CREATED": "requires_action",
    "SAVED": "requires_action",
    "PAYER_ACTION_REQUIRED": "requires_action",
    "APPROVED": "approved",
    "COMPLETED": "succeeded",
    "VOIDED": "canceled",
}
_NOT_CAPTURABLE_YET = {"ORDER_NOT_APPROVED", "PAYER_ACTION_REQUIRED"}


class _Configuration(Configuration):
    """The SDK's Configuration pointed at any base URL (a stand-in), else the named environment."""

    def __init__(self, *, base_uri: str | None, **kwargs: Any) -> None:
        self._base_uri = base_uri.rstrip("/") if base_uri else None
        super().__init__(**kwargs)

    def get_base_uri(self, server: Server = Server.DEFAULT) -> str:
        return self._base_uri or super().get_base_uri(server)


def _environment(name: str) -> Environment:
    return Environment.PRODUCTION if name.lower() in ("live", "production") else Environment.SANDBOX


def _issue(exc: ApiException) -> str:
    try:
        doc = json.loads(exc.response.text or "{}")
    except (ValueError, AttributeError):
        return "paypal_error"
    details = doc.get("details") or []
    if details and details[0].get("issue"):
        return str(details[0]["issue"])
    return str(doc.get("name") or "paypal_error")


class PayPalProvider:
    name = "paypal"

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        api_base: str | None = None,
        *,
        environment: str = "sandbox",
        timeout: int = 30,
    ) -> None:
        config = _Configuration(
            base_uri=api_base,
            environment=_environment(environment),
            timeout=timeout,
            # Writes are idempotent by PayPal-Request-Id; the SDK retries only GET/PUT anyway.
            max_retries=0,
            client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
                o_auth_client_id=client_id, o_auth_client_secret=client_secret
            ),
        )
        self._client = PaypalServersdkClient(config=config)

    # --- the Protocol ---------------------------------------------------------------------------

    async def create(self, params: CreateParams) -> ProviderIntent:
        unit = PurchaseUnitRequest(
            amount=AmountWithBreakdown(
                currency_code=params.currency, value=format_amount(params.amount, params.currency)
            ),
            reference_id=params.payment_id,
            custom_id=params.payment_id,
            description=params.description or None,
        )
        body = OrderRequest(intent=CheckoutPaymentIntent.CAPTURE, purchase_units=[unit])
        doc = await self._call(
            self._client.orders.create_order,
            {"body": body, "paypal_request_id": params.idempotency_key, "prefer": "return=representation"},
            refused="order_refused",
        )
        return self._intent(doc)

    async def find(self, payment_id: str) -> ProviderIntent | None:
        # Orders cannot be searched by custom_id; the create's PayPal-Request-Id already makes a
        # repeated create answer the first order, so a retried create is the reconciliation.
        return None

    async def retrieve(self, object_id: str) -> ProviderIntent:
        return self._intent(await self._call(self._client.orders.get_order, {"id": object_id}))

    async def confirm(
        self, object_id: str, *, payment_method_id: str | None, idempotency_key: str
    ) -> ProviderIntent:
        """Capture an approved order. Not approved yet: the order as it is (the buyer may still
        approve); already captured: the capture there is (never a second one)."""
        current = await self.retrieve(object_id)
        if current.status in ("succeeded", "canceled", "requires_action"):
            return current
        try:
            doc = await self._sync(
                self._client.orders.capture_order,
                {"id": object_id, "paypal_request_id": idempotency_key, "prefer": "return=representation"},
            )
        except ApiException as exc:
            issue = _issue(exc)
            if issue in _NOT_CAPTURABLE_YET or issue == "ORDER_ALREADY_CAPTURED":
                return await self.retrieve(object_id)
            if exc.response_code >= 500 or exc.response_code == 401:
                raise
            raise ProviderDeclined(issue.lower(), f"PayPal refused the capture: {issue}") from exc
        return self._intent(doc)

    async def cancel(self, object_id: str, *, idempotency_key: str) -> ProviderIntent:
        """Orders v2 has no cancel: an uncaptured order is simply never captured (PayPal voids it
        after its own expiry). Report what it is; a completed one stays succeeded."""
        current = await self.retrieve(object_id)
        if current.status in ("succeeded", "processing"):  # captured, or a PENDING capture: not ours to end
            return current
        return ProviderIntent(
            current.object_id, "canceled", current.amount, current.currency, capture_id=current.capture_id
        )

    async def refund(
        self, intent: ProviderIntent, *, amount: int, idempotency_key: str, reason: str = ""
    ) -> ProviderRefund:
        capture_id = intent.capture_id
        if not capture_id or capture_id == intent.object_id:  # only the order is known: look it up
            capture_id = (await self.retrieve(intent.object_id)).capture_id
        if not capture_id:
            raise ProviderDeclined("not_captured", "the PayPal order has no capture to refund")
        body = RefundRequest(
            amount=Money(currency_code=intent.currency, value=format_amount(amount, intent.currency)),
            note_to_payer=reason[:255] or None,
        )
        doc = await self._call(
            self._client.payments.refund_captured_payment,
            {
                "capture_id": capture_id,
                "body": body,
                "paypal_request_id": idempotency_key,
                "prefer": "return=representation",
            },
            refused="refund_refused",
        )
        return self._refund(doc, amount, intent.currency)

    @staticmethod
    def _refund(doc: dict[str, Any], amount: int, currency: str) -> ProviderRefund:
        """COMPLETED → succeeded, PENDING → pending; FAILED, CANCELLED (anything else) → failed."""
        status = {"COMPLETED": "succeeded", "PENDING": "pending"}.get(str(doc.get("status")), "failed")
        money = doc.get("amount") or {}
        cur = str(money.get("currency_code") or currency)
        value = money.get("value")
        refunded = parse_amount(str(value), cur) if value is not None and cur else amount
        return ProviderRefund(str(doc["id"]), status, refunded)

    async def retrieve_refund(self, refund_id: str) -> ProviderRefund:
        """A refund's current status (a PENDING one is asked again until PayPal decides)."""
        doc = await self._call(self._client.payments.get_refund, {"refund_id": refund_id})
        return self._refund(doc, 0, "")

    # --- plumbing -------------------------------------------------------------------------------

    async def _sync(self, fn: Any, options: dict[str, Any]) -> dict[str, Any]:
        response = await asyncio.to_thread(fn, options)
        return dict(json.loads(response.text or "{}"))

    async def _call(self, fn: Any, options: dict[str, Any], *, refused: str = "") -> dict[str, Any]:
        """4xx (other than auth) → ProviderDeclined (not retried); 5xx/401/network → raised (retried)."""
        try:
            return await self._sync(fn, options)
        except ApiException as exc:
            if not refused or exc.response_code >= 500 or exc.response_code in (401, 404, 409, 429):
                raise
            issue = _issue(exc)
            raise ProviderDeclined(f"{refused}:{issue.lower()}"[:60], f"PayPal refused: {issue}") from exc

    def _intent(self, doc: dict[str, Any]) -> ProviderIntent:
        unit = (doc.get("purchase_units") or [{}])[0]
        money = unit.get("amount") or {}
        currency = str(money.get("currency_code") or "USD").upper()
        amount = parse_amount(str(money.get("value") or "0"), currency) if money.get("value") else 0
        captures = ((unit.get("payments") or {}).get("captures")) or []
        capture = next((c for c in captures if c.get("status") not in ("DECLINED", "FAILED")), None)
        status = _STATUS.get(str(doc.get("status")), "processing")
        if status == "succeeded" and capture is not None and capture.get("status") == "PENDING":
            status = "processing"
        approve = next(
            (
                link["href"]
                for link in doc.get("links") or []
                if link.get("rel") in ("approve", "payer-action")
            ),
            "",
        )
        next_action = {"type": "approval_url", "approval_url": approve} if approve else {}
        return ProviderIntent(
            object_id=str(doc["id"]),
            status=status,
            amount=amount,
            currency=currency,
            next_action=next_action,
            capture_id=str(capture["id"]) if capture else None,
        )
