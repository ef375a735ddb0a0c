"""Stripe through the official SDK (async methods over httpx). Every write carries an idempotency key.

Real Stripe honours the keys for 24 h; a local stand-in (localstripe) does not, so `find` reconciles
by the `payment_id` metadata before a create is repeated, and our database holds the unique keys.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import stripe

from providers.base import CreateParams, ProviderDeclined, ProviderIntent, ProviderRefund

_STATUS = {
    "requires_payment_method": "requires_action",
    "requires_confirmation": "requires_action",
    "requires_action": "requires_action",
    "processing": "processing",
    "requires_capture": "processing",
    "succeeded": "succeeded",
    "canceled": "canceled",
}


@contextlib.contextmanager
def _refusals(code: str) -> Iterator[None]:
    """Stripe's 4xx answers are refusals, answered at once and never retried (bad parameters, an
    unknown or unusable payment method, a declined card); outages (5xx, network), 401 (our key),
    409 (a concurrent request under the same key) and 429 propagate, to be retried."""
    try:
        yield
    except stripe.CardError as exc:
        raise ProviderDeclined(exc.code or "card_declined", exc.user_message or "card declined") from exc
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        if 400 <= status < 500 and status not in (401, 409, 429):
            raise ProviderDeclined(exc.code or code, str(exc.user_message or exc)) from exc
        raise


class StripeProvider:
    name = "stripe"

    def __init__(self, secret_key: str, api_base: str | None = None, *, timeout: float = 30) -> None:
        self._local = api_base is not None
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            http_client=stripe.HTTPXClient(timeout=timeout),
            # Without key enforcement (a local stand-in) a network retry could charge twice.
            max_network_retries=0 if self._local else 2,
        )

    @property
    def client(self) -> stripe.StripeClient:
        return self._client

    async def create(self, params: CreateParams) -> ProviderIntent:
        body: dict[str, Any] = {
            "amount": params.amount,
            "currency": params.currency.lower(),
            "metadata": {"payment_id": params.payment_id},
            "payment_method_types": ["card"],
        }
        if params.customer_id:
            body["customer"] = params.customer_id
        if params.payment_method_id:
            body["payment_method"] = params.payment_method_id
            if params.off_session:
                body["confirm"] = True
                body["off_session"] = True
        with _refusals("create_refused"):
            pi = await self._client.v1.payment_intents.create_async(
                body,  # type: ignore[arg-type]
                {"idempotency_key": params.idempotency_key},  # type: ignore[arg-type]
            )
        return self._intent(pi)

    async def find(self, payment_id: str) -> ProviderIntent | None:
        if not self._local:
            found = await self._client.v1.payment_intents.search_async(
                {"query": f"metadata['payment_id']:'{payment_id}'", "limit": 1}
            )
            return self._intent(found.data[0]) if found.data else None
        page = await self._client.v1.payment_intents.list_async({"limit": 100})
        async for pi in page.auto_paging_iter():
            if (pi.to_dict().get("metadata") or {}).get("payment_id") == payment_id:
                return self._intent(pi)
        return None

    async def retrieve(self, object_id: str) -> ProviderIntent:
        return self._intent(await self._client.v1.payment_intents.retrieve_async(object_id))

    async def confirm(
        self, object_id: str, *, payment_method_id: str | None, idempotency_key: str
    ) -> ProviderIntent:
        with _refusals("confirm_refused"):
            current = await self.retrieve(object_id)
        if current.status in ("succeeded", "processing", "canceled"):
            return current  # already confirmed (a retry after a lost answer): do nothing twice
        with _refusals("confirm_refused"):
            if payment_method_id:
                # localstripe refuses confirm(payment_method=...): set it first, then confirm.
                await self._client.v1.payment_intents.update_async(
                    object_id,
                    {"payment_method": payment_method_id},
                    {"idempotency_key": f"{idempotency_key}:pm"},
                )
            pi = await self._client.v1.payment_intents.confirm_async(
                object_id, {}, {"idempotency_key": idempotency_key}
            )
        return self._intent(pi)

    async def cancel(self, object_id: str, *, idempotency_key: str) -> ProviderIntent:
        current = await self.retrieve(object_id)
        if current.status in ("succeeded", "canceled"):
            return current
        try:
            pi = await self._client.v1.payment_intents.cancel_async(
                object_id, {}, {"idempotency_key": idempotency_key}
            )
        except stripe.InvalidRequestError as exc:
            raise ProviderDeclined("cancel_refused", str(exc.user_message or exc)) from exc
        return self._intent(pi)

    async def refund(
        self, intent: ProviderIntent, *, amount: int, idempotency_key: str, reason: str = ""
    ) -> ProviderRefund:
        try:
            refund = await self._client.v1.refunds.create_async(
                {
                    "payment_intent": intent.object_id,
                    "amount": amount,
                    "metadata": {"key": idempotency_key, "reason": reason[:200]},
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.InvalidRequestError as exc:
            raise ProviderDeclined("refund_refused", str(exc.user_message or exc)) from exc
        return ProviderRefund(refund.id, refund.status or "pending", int(refund.amount))

    async def retrieve_refund(self, refund_id: str) -> ProviderRefund:
        """A refund's current status (a pending one is asked again until Stripe decides)."""
        r = await self._client.v1.refunds.retrieve_async(refund_id)
        return ProviderRefund(r.id, r.status or "pending", int(r.amount))

    async def find_refund(self, intent: ProviderIntent, idempotency_key: str) -> ProviderRefund | None:
        """The refund an earlier attempt made under this key, if any (its answer was lost, or the
        worker died before recording it). Real Stripe replays the key for 24 h; a local stand-in
        does not, so look it up by the key in its metadata before refunding again."""
        page = await self._client.v1.refunds.list_async({"payment_intent": intent.object_id, "limit": 100})
        async for r in page.auto_paging_iter():
            if (r.to_dict().get("metadata") or {}).get("key") == idempotency_key:
                return ProviderRefund(r.id, r.status or "pending", int(r.amount))
        return None

    # --- customers and stored methods ---------------------------------------------------------

    async def create_customer(self, user_id: str, *, idempotency_key: str) -> str:
        cus = await self._client.v1.customers.create_async(
            {"metadata": {"user_id": user_id}}, {"idempotency_key": idempotency_key}
        )
        return str(cus.id)

    async def attach_method(self, method_id: str, customer_id: str) -> dict[str, Any]:
        """Attach a provider token to the customer; its display data (brand, last4, expiry)."""
        try:
            pm = await self._client.v1.payment_methods.attach_async(method_id, {"customer": customer_id})
        except stripe.InvalidRequestError as exc:
            raise ProviderDeclined("payment_method_invalid", str(exc.user_message or exc)) from exc
        card = pm.to_dict().get("card") or {}
        return {
            "brand": card.get("brand"),
            "last4": card.get("last4"),
            "exp_month": card.get("exp_month"),
            "exp_year": card.get("exp_year"),
        }

    def _intent(self, pi: Any) -> ProviderIntent:
        data = pi.to_dict()
        status = _STATUS.get(data.get("status", ""), "processing")
        error = data.get("last_payment_error") or None
        if status == "requires_action" and error:
            status = "failed"
        return ProviderIntent(
            object_id=pi.id,
            status=status,
            amount=int(pi.amount),
            currency=str(pi.currency).upper(),
            next_action={"type": "client_secret", "client_secret": pi.client_secret or ""},
            capture_id=pi.id,
            failure_code=(error or {}).get("code") or "",
            failure_message=(error or {}).get("message") or "",
        )
