"""A small in-process stand-in of PayPal's REST API for tests that drive the real paypal-server-sdk.

Endpoints (the shapes paypal-server-sdk 2.4 reads):
- POST /v1/oauth2/token                          client credentials (HTTP Basic) → bearer token
- POST /v2/checkout/orders                       create (intent CAPTURE) → CREATED + rel "approve" link
- GET  /v2/checkout/orders/{id}
- POST /v2/checkout/orders/{id}/capture          only once APPROVED; COMPLETED with one capture
- GET  /v2/payments/captures/{id}
- POST /v2/payments/captures/{id}/refund         never beyond the captured amount (422)
- POST /v1/notifications/verify-webhook-signature  SUCCESS | FAILURE
- GET  /checkoutnow?token={order_id}             the buyer approves (what the approval_url opens)

Every POST honours `PayPal-Request-Id`: the same id on the same endpoint answers the first result
again and does nothing twice (PayPal's semantics). Webhooks are "signed" with a secret only this
stand-in knows, over PayPal's signed string `transmission_id|time|webhook_id|crc32(event)`; use
`sign_webhook` to produce a delivery and the verification endpoint to check it.

Usage: `def test_x(paypal_standin: PayPalStandIn)` (session-scoped fixture; import it into the test
module: `from tests.support.paypal_standin import paypal_standin`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

CLIENT_ID = "meshpay-dev-client"
CLIENT_SECRET = "meshpay-dev-secret"
WEBHOOK_ID = "meshpay-dev-webhook"
_SIGNING_SECRET = b"paypal-standin-signing-secret"
STALE_AFTER_SECONDS = 300


def _canonical(event: Any) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode()


def _sig(transmission_id: str, at: str, webhook_id: str, event: Any) -> str:
    crc = zlib.crc32(_canonical(event))
    msg = f"{transmission_id}|{at}|{webhook_id}|{crc}".encode()
    return base64.b64encode(hmac.new(_SIGNING_SECRET, msg, hashlib.sha256).digest()).decode()


@dataclass
class _State:
    tokens: set[str] = field(default_factory=set)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    captures: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    replies: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    capture_calls: int = 0  # captures actually executed (a replayed request id is not one)
    verify_calls: int = 0  # verify-webhook-signature requests answered
    # What PayPal answers next (a test sets them, then resets): PENDING captures and refunds,
    # FAILED / CANCELLED refunds.
    next_capture_status: str = "COMPLETED"
    next_refund_status: str = "COMPLETED"
    lock: threading.Lock = field(default_factory=threading.Lock)


def _err(status: int, name: str, issue: str, message: str = "") -> tuple[int, dict[str, Any]]:
    return status, {
        "name": name,
        "message": message or issue,
        "debug_id": uuid.uuid4().hex[:13],
        "details": [{"issue": issue, "description": message or issue}],
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:
        return

    @property
    def st(self) -> _State:
        return self.server.state

    def _reply(self, code: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _authed(self) -> bool:
        auth = self.headers.get("Authorization") or ""
        return auth.startswith("Bearer ") and auth[7:] in self.st.tokens

    # --- GET ------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        if parts == ["checkoutnow"]:  # the buyer opens the approval_url and approves
            token = (parse_qs(url.query).get("token") or [""])[0]
            ok = self.server.approve(token)
            return self._reply(200 if ok else 404, {"approved": ok, "order_id": token})
        if not self._authed():
            return self._reply(*_err(401, "AUTHENTICATION_FAILURE", "INVALID_TOKEN"))
        with self.st.lock:
            if parts[:3] == ["v2", "checkout", "orders"] and len(parts) == 4:
                order = self.st.orders.get(parts[3])
                return (
                    self._reply(200, order)
                    if order
                    else self._reply(*_err(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))
                )
            if parts[:3] == ["v2", "payments", "refunds"] and len(parts) == 4:
                refund = self.st.refunds.get(parts[3])
                if refund is None:
                    return self._reply(*_err(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))
                return self._reply(200, {k: v for k, v in refund.items() if k != "capture_id"})
            if parts[:3] == ["v2", "payments", "captures"] and len(parts) == 4:
                cap = self.st.captures.get(parts[3])
                return (
                    self._reply(200, cap)
                    if cap
                    else self._reply(*_err(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))
                )
        self._reply(*_err(404, "NOT_FOUND", "NOT_FOUND"))

    # --- POST -----------------------------------------------------------------------------------

    def do_POST(self) -> None:
        parts = [p for p in urlparse(self.path).path.split("/") if p]
        raw = self._body()
        if parts == ["v1", "oauth2", "token"]:
            return self._reply(*self._token(raw))
        if not self._authed():
            return self._reply(*_err(401, "AUTHENTICATION_FAILURE", "INVALID_TOKEN"))
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return self._reply(*_err(400, "INVALID_REQUEST", "MALFORMED_REQUEST_JSON"))
        if parts == ["v1", "notifications", "verify-webhook-signature"]:
            with self.st.lock:
                self.st.verify_calls += 1
            return self._reply(200, {"verification_status": self._verify(body)})
        rid = self.headers.get("PayPal-Request-Id")
        endpoint = "/".join(parts)
        with self.st.lock:
            if rid and (endpoint, rid) in self.st.replies:
                return self._reply(*self.st.replies[(endpoint, rid)])
            if parts == ["v2", "checkout", "orders"]:
                answer = self._create(body)
            elif parts[:3] == ["v2", "checkout", "orders"] and parts[4:] == ["capture"]:
                answer = self._capture(parts[3])
            elif parts[:3] == ["v2", "payments", "captures"] and parts[4:] == ["refund"]:
                answer = self._refund(parts[3], body)
            else:
                answer = _err(404, "NOT_FOUND", "NOT_FOUND")
            if rid and answer[0] < 500:
                self.st.replies[(endpoint, rid)] = answer
        self._reply(*answer)

    def _token(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        auth = self.headers.get("Authorization") or ""
        want = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        form = parse_qs(raw.decode())
        if auth != f"Basic {want}" or form.get("grant_type") != ["client_credentials"]:
            return 401, {"error": "invalid_client", "error_description": "Client Authentication failed"}
        token = f"A21AA{uuid.uuid4().hex}"
        with self.st.lock:
            self.st.tokens.add(token)
        return 200, {
            "scope": "https://uri.paypal.com/services/payments/payment",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-STANDIN",
            "expires_in": 32400,
            "nonce": uuid.uuid4().hex,
        }

    def _create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        units = body.get("purchase_units") or []
        if body.get("intent") != "CAPTURE" or len(units) != 1:
            return _err(422, "UNPROCESSABLE_ENTITY", "INVALID_PARAMETER_VALUE", "one CAPTURE unit")
        amount = units[0].get("amount") or {}
        try:
            if Decimal(str(amount["value"])) <= 0:
                raise ValueError
        except (KeyError, ArithmeticError, ValueError):
            return _err(422, "UNPROCESSABLE_ENTITY", "INVALID_PARAMETER_VALUE", "amount.value")
        oid = uuid.uuid4().hex[:17].upper()
        base = self.server.base
        order = {
            "id": oid,
            "intent": "CAPTURE",
            "status": "CREATED",
            "purchase_units": [
                {
                    "reference_id": units[0].get("reference_id", "default"),
                    "custom_id": units[0].get("custom_id"),
                    "description": units[0].get("description"),
                    "amount": {"currency_code": amount["currency_code"], "value": str(amount["value"])},
                }
            ],
            "create_time": datetime.now(UTC).isoformat(),
            "links": [
                {"href": f"{base}/v2/checkout/orders/{oid}", "rel": "self", "method": "GET"},
                {"href": f"{base}/checkoutnow?token={oid}", "rel": "approve", "method": "GET"},
                {"href": f"{base}/v2/checkout/orders/{oid}/capture", "rel": "capture", "method": "POST"},
            ],
        }
        self.st.orders[oid] = order
        return 201, order

    def _capture(self, oid: str) -> tuple[int, dict[str, Any]]:
        order = self.st.orders.get(oid)
        if order is None:
            return _err(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        if order["status"] == "COMPLETED":
            return _err(422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
        if order["status"] != "APPROVED":
            return _err(422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED", "the payer has not approved")
        unit = order["purchase_units"][0]
        cid = uuid.uuid4().hex[:17].upper()
        capture = {
            "id": cid,
            "status": self.st.next_capture_status,
            "amount": dict(unit["amount"]),
            "final_capture": True,
            "custom_id": unit.get("custom_id"),
            "supplementary_data": {"related_ids": {"order_id": oid}},
            "create_time": datetime.now(UTC).isoformat(),
            "links": [
                {"href": f"{self.server.base}/v2/payments/captures/{cid}", "rel": "self", "method": "GET"},
                {
                    "href": f"{self.server.base}/v2/payments/captures/{cid}/refund",
                    "rel": "refund",
                    "method": "POST",
                },
            ],
        }
        self.st.captures[cid] = capture
        self.st.capture_calls += 1
        unit["payments"] = {"captures": [capture]}
        order["status"] = "COMPLETED"
        return 201, order

    def _refund(self, cid: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cap = self.st.captures.get(cid)
        if cap is None:
            return _err(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        captured = Decimal(cap["amount"]["value"])
        done = sum(
            (
                Decimal(r["amount"]["value"])
                for r in self.st.refunds.values()
                if r["capture_id"] == cid and r["status"] not in ("FAILED", "CANCELLED")
            ),
            Decimal(0),
        )
        want = (body.get("amount") or {}).get("value")
        amount = Decimal(str(want)) if want is not None else captured - done
        if amount <= 0 or done + amount > captured:
            return _err(
                422, "UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED", "refund exceeds the captured amount"
            )
        rid = uuid.uuid4().hex[:17].upper()
        refund = {
            "id": rid,
            "status": self.st.next_refund_status,
            "amount": {"currency_code": cap["amount"]["currency_code"], "value": str(amount)},
            "capture_id": cid,
            "create_time": datetime.now(UTC).isoformat(),
        }
        self.st.refunds[rid] = refund
        cap["status"] = "REFUNDED" if done + amount == captured else "PARTIALLY_REFUNDED"
        return 201, {k: v for k, v in refund.items() if k != "capture_id"}

    def _verify(self, body: dict[str, Any]) -> str:
        try:
            tid, at = str(body["transmission_id"]), str(body["transmission_time"])
            sig, wid, event = str(body["transmission_sig"]), str(body["webhook_id"]), body["webhook_event"]
            sent = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except (KeyError, ValueError):
            return "FAILURE"
        if wid != self.server.webhook_id or abs(time.time() - sent.timestamp()) > STALE_AFTER_SECONDS:
            return "FAILURE"
        return "SUCCESS" if hmac.compare_digest(sig, _sig(tid, at, wid, event)) else "FAILURE"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, webhook_id: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = _State()
        self.webhook_id = webhook_id
        self.base = f"http://127.0.0.1:{self.server_address[1]}"

    def approve(self, order_id: str) -> bool:
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None or order["status"] not in ("CREATED", "APPROVED"):
                return False
            order["status"] = "APPROVED"
            order["payer"] = {"payer_id": "STANDINPAYER", "email_address": "buyer@example.com"}
            return True


class PayPalStandIn:
    """The running stand-in: its base URL, the buyer's approval, and what it holds (to count)."""

    def __init__(self, webhook_id: str = WEBHOOK_ID) -> None:
        self._server = _Server(webhook_id)
        self.base = self._server.base
        self.webhook_id = webhook_id
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> PayPalStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def approve(self, order_id: str) -> bool:
        return self._server.approve(order_id)

    def order(self, order_id: str) -> dict[str, Any]:
        with self._server.state.lock:
            return json.loads(json.dumps(self._server.state.orders[order_id]))

    def captures_of(self, order_id: str) -> list[dict[str, Any]]:
        with self._server.state.lock:
            st = self._server.state
            return [
                c
                for c in st.captures.values()
                if c["supplementary_data"]["related_ids"]["order_id"] == order_id
            ]

    def refunded(self, capture_id: str) -> Decimal:
        with self._server.state.lock:
            return sum(
                (
                    Decimal(r["amount"]["value"])
                    for r in self._server.state.refunds.values()
                    if r["capture_id"] == capture_id
                ),
                Decimal(0),
            )

    def answer(self, *, capture: str = "COMPLETED", refund: str = "COMPLETED") -> None:
        """What the next captures and refunds come back as (PENDING, FAILED, ...)."""
        with self._server.state.lock:
            self._server.state.next_capture_status = capture
            self._server.state.next_refund_status = refund

    def settle(self, *, capture_id: str | None = None, refund_id: str | None = None, status: str) -> None:
        """PayPal decides later: a PENDING capture or refund becomes `status`."""
        with self._server.state.lock:
            st = self._server.state
            if capture_id is not None:  # the order holds this same capture object
                st.captures[capture_id]["status"] = status
            if refund_id is not None:
                st.refunds[refund_id]["status"] = status

    def refunds_of(self, capture_id: str) -> list[dict[str, Any]]:
        with self._server.state.lock:
            return [dict(r) for r in self._server.state.refunds.values() if r["capture_id"] == capture_id]

    @property
    def capture_calls(self) -> int:
        return self._server.state.capture_calls

    @property
    def verify_calls(self) -> int:
        return self._server.state.verify_calls

    def sign_webhook(
        self, event: dict[str, Any], *, webhook_id: str | None = None, at: datetime | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and PAYPAL-* transmission headers PayPal would send for `event`."""
        tid = str(uuid.uuid4())
        when = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        sig = _sig(tid, when, webhook_id or self.webhook_id, event)
        return json.dumps(event).encode(), {
            "Content-Type": "application/json",
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": f"{self.base}/v1/notifications/certs/CERT-STANDIN",
            "PAYPAL-TRANSMISSION-ID": tid,
            "PAYPAL-TRANSMISSION-SIG": sig,
            "PAYPAL-TRANSMISSION-TIME": when,
        }


def paypal_event(event_type: str, resource: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"WH-{uuid.uuid4().hex[:20].upper()}",
        "event_version": "1.0",
        "create_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resource_type": "capture" if event_type.startswith("PAYMENT.CAPTURE") else "checkout-order",
        "event_type": event_type,
        "summary": event_type,
        "resource": resource,
    }


@pytest.fixture(scope="session")
def paypal_standin() -> Iterator[PayPalStandIn]:
    standin = PayPalStandIn().start()
    try:
        yield standin
    finally:
        standin.stop()
