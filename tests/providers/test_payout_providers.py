"""The payout providers through their real clients (the stripe SDK, httpx) against small local
stand-ins: localstripe has no /v1/transfers (Connect), and there is no PayPal Payouts fake on PyPI.
The stand-ins honour Idempotency-Key / PayPal-Request-Id like the real APIs, so the tests prove we
send them."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import pytest

from providers.payouts import PayoutRejected, PayPalPayouts, StripeConnectPayouts


class StandIn(BaseHTTPRequestHandler):
    transfers: ClassVar[dict[str, dict]] = {}
    by_key: ClassVar[dict[str, str]] = {}
    batches: ClassVar[dict[str, dict]] = {}
    paypal_status: ClassVar[dict[str, str]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, code: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.path == "/v1/transfers":
            key = self.headers.get("Idempotency-Key", "")
            if key in self.by_key:
                return self._reply(200, self.transfers[self.by_key[key]])
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            if not form["destination"].startswith("acct_ok"):
                return self._reply(
                    400,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "resource_missing",
                            "message": "No such destination",
                        }
                    },
                )
            tr = {
                "id": f"tr_{uuid.uuid4().hex[:12]}",
                "object": "transfer",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "destination": form["destination"],
                "reversed": False,
                "amount_reversed": 0,
            }
            self.transfers[tr["id"]], self.by_key[key] = tr, tr["id"]
            return self._reply(200, tr)
        if self.path == "/v1/oauth2/token":
            return self._reply(200, {"access_token": "tok", "expires_in": 3600})
        if self.path == "/v1/payments/payouts":
            key = self.headers.get("PayPal-Request-Id", "")
            if key in self.by_key:
                return self._reply(201, self.batches[self.by_key[key]])
            body = json.loads(raw)
            if body["items"][0]["receiver"].startswith("bad"):
                return self._reply(422, {"name": "RECEIVER_UNREGISTERED", "message": "receiver unknown"})
            batch = {
                "batch_header": {"payout_batch_id": f"PB{uuid.uuid4().hex[:10]}", "batch_status": "PENDING"},
                "amount": body["items"][0]["amount"],
            }
            bid = batch["batch_header"]["payout_batch_id"]
            self.batches[bid], self.by_key[key] = batch, bid
            self.paypal_status[bid] = "PENDING"
            return self._reply(201, batch)
        self._reply(404, {"error": {"message": "not found"}})

    def do_GET(self) -> None:
        if self.path.startswith("/v1/transfers/"):
            return self._reply(200, self.transfers[self.path.rsplit("/", 1)[1]])
        if self.path.startswith("/v1/payments/payouts/"):
            bid = self.path.rsplit("/", 1)[1]
            return self._reply(
                200,
                {
                    "batch_header": self.batches[bid]["batch_header"],
                    "items": [{"transaction_status": self.paypal_status[bid]}],
                },
            )
        self._reply(404, {})


@pytest.fixture(scope="module")
def stand_in() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_stripe_transfer_is_idempotent_by_key(stand_in: str) -> None:
    stripe = StripeConnectPayouts("sk_test_x", stand_in)
    first = await stripe.send(
        payout_id="po_1", amount=4_500, currency="USD", destination="acct_ok1", idempotency_key="po:po_1:send"
    )
    again = await stripe.send(
        payout_id="po_1", amount=4_500, currency="USD", destination="acct_ok1", idempotency_key="po:po_1:send"
    )
    assert first.status == "paid" and first.provider_ref == again.provider_ref
    assert StandIn.transfers[first.provider_ref]["amount"] == 4_500
    assert StandIn.transfers[first.provider_ref]["currency"] == "usd"
    assert (await stripe.status(first.provider_ref)).status == "paid"


async def test_stripe_refusal_is_a_rejection(stand_in: str) -> None:
    with pytest.raises(PayoutRejected) as err:
        await StripeConnectPayouts("sk_test_x", stand_in).send(
            payout_id="po_2",
            amount=100,
            currency="USD",
            destination="acct_gone",
            idempotency_key="po:po_2:send",
        )
    assert err.value.code == "resource_missing"


async def test_paypal_payout_pending_then_paid_and_idempotent(stand_in: str) -> None:
    paypal = PayPalPayouts("id", "secret", stand_in)
    first = await paypal.send(
        payout_id="po_3",
        amount=1_234,
        currency="USD",
        destination="agent@example.com",
        idempotency_key="po:po_3:send",
    )
    again = await paypal.send(
        payout_id="po_3",
        amount=1_234,
        currency="USD",
        destination="agent@example.com",
        idempotency_key="po:po_3:send",
    )
    assert first.status == "pending" and again.provider_ref == first.provider_ref
    assert StandIn.batches[first.provider_ref]["amount"] == {"value": "12.34", "currency": "USD"}
    StandIn.paypal_status[first.provider_ref] = "SUCCESS"
    assert (await paypal.status(first.provider_ref)).status == "paid"
    StandIn.paypal_status[first.provider_ref] = "RETURNED"
    assert (await paypal.status(first.provider_ref)).status == "failed"
    with pytest.raises(PayoutRejected) as err:
        await paypal.send(
            payout_id="po_4",
            amount=100,
            currency="USD",
            destination="bad@example.com",
            idempotency_key="po:po_4:send",
        )
    assert err.value.code == "RECEIVER_UNREGISTERED"
