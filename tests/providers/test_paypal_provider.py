"""The PayPal provider through the real paypal-server-sdk against the in-process stand-in: the
PayPal-Request-Id keys derived from the payment id make a repeated create/capture/refund a replay,
never a second order, capture or refund; refunds never exceed the capture."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from contracts.payments import payment_key, refund_key
from providers.base import CreateParams, ProviderDeclined
from providers.paypal_provider import PayPalProvider
from tests.support.paypal_standin import CLIENT_ID, CLIENT_SECRET, PayPalStandIn, paypal_standin  # noqa: F401
from tests.support.tokens import uid


@pytest.fixture
def provider(paypal_standin: PayPalStandIn) -> PayPalProvider:  # noqa: F811
    return PayPalProvider(CLIENT_ID, CLIENT_SECRET, paypal_standin.base)


def params(pid: str, amount: int = 1000) -> CreateParams:
    return CreateParams(pid, amount, "USD", payment_key(pid, "create"), description="meshpay test")


async def test_same_request_id_never_creates_or_captures_twice(
    provider: PayPalProvider,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    pid = uid("pay")
    first, again = await asyncio.gather(provider.create(params(pid)), provider.create(params(pid)))
    assert first.object_id == again.object_id  # one order for the payment
    assert first.status == "requires_action" and first.amount == 1000 and first.currency == "USD"
    assert first.next_action["approval_url"].endswith(first.object_id)

    # Not approved: nothing is captured, the order is reported as it is.
    early = await provider.confirm(
        first.object_id, payment_method_id=None, idempotency_key=payment_key(pid, "capture")
    )
    assert early.status == "requires_action" and early.capture_id is None

    assert httpx.get(first.next_action["approval_url"]).json()["approved"]
    assert (await provider.retrieve(first.object_id)).status == "approved"
    before = paypal_standin.capture_calls
    key = payment_key(pid, "capture")
    a, b = await asyncio.gather(
        provider.confirm(first.object_id, payment_method_id=None, idempotency_key=key),
        provider.confirm(first.object_id, payment_method_id=None, idempotency_key=key),
    )
    # The raw SDK call with the same PayPal-Request-Id replays the first capture too.
    raw = await asyncio.to_thread(
        provider._client.orders.capture_order, {"id": first.object_id, "paypal_request_id": key}
    )
    assert a.status == b.status == "succeeded"
    assert a.capture_id == b.capture_id == raw.body.purchase_units[0].payments.captures[0].id
    # A different key on a captured order is refused by PayPal; the provider reports the capture.
    other = await provider.confirm(first.object_id, payment_method_id=None, idempotency_key="another-key")
    assert other.capture_id == a.capture_id
    assert paypal_standin.capture_calls - before == 1
    assert len(paypal_standin.captures_of(first.object_id)) == 1


async def test_refunds_replay_by_key_and_never_exceed_the_capture(
    provider: PayPalProvider,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    pid = uid("pay")
    order = await provider.create(params(pid, 2500))
    assert paypal_standin.approve(order.object_id)
    captured = await provider.confirm(
        order.object_id, payment_method_id=None, idempotency_key=payment_key(pid, "capture")
    )
    assert captured.status == "succeeded" and captured.capture_id

    r1 = await provider.refund(captured, amount=1000, idempotency_key=refund_key(pid, 1))
    r1_again = await provider.refund(captured, amount=1000, idempotency_key=refund_key(pid, 1))
    assert r1 == r1_again and r1.status == "succeeded" and r1.amount == 1000
    with pytest.raises(ProviderDeclined) as refused:
        await provider.refund(captured, amount=1501, idempotency_key=refund_key(pid, 2))
    assert "refund_amount_exceeded" in refused.value.code
    # Knowing only the order (no capture id), the provider finds the capture itself.
    by_order = type(captured)(order.object_id, "succeeded", 2500, "USD", capture_id=None)
    r3 = await provider.refund(by_order, amount=1500, idempotency_key=refund_key(pid, 3))
    assert r3.amount == 1500
    assert str(paypal_standin.refunded(captured.capture_id)) == "25.00"


async def test_cancel_of_an_uncaptured_order_takes_nothing(
    provider: PayPalProvider,
    paypal_standin: PayPalStandIn,  # noqa: F811
) -> None:
    pid = uid("pay")
    order = await provider.create(params(pid))
    assert paypal_standin.approve(order.object_id)
    cancelled = await provider.cancel(order.object_id, idempotency_key=payment_key(pid, "cancel"))
    assert cancelled.status == "canceled"
    assert paypal_standin.captures_of(order.object_id) == []


async def test_bad_credentials_are_not_a_decline(paypal_standin: PayPalStandIn) -> None:  # noqa: F811
    wrong = PayPalProvider(CLIENT_ID, "not-the-secret", paypal_standin.base)
    with pytest.raises(Exception) as exc:
        await wrong.create(params(uid("pay")))
    assert not isinstance(exc.value, ProviderDeclined)  # retried by Temporal, not a refusal
