"""A mixed money workload driven through the HTTP API, for the crash campaign.

Each scenario is one business story (a credits purchase through Stripe, grants and deducts, an escrow
down one path, a card payment refunded, a billing run) that retries what a crashed worker leaves
hanging — with the same Idempotency-Key, the way a careful client would — and records what the end
state must be. The campaign then checks the records against the database, Temporal and the provider.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import stripe
from sqlalchemy import select

from config.settings import DEV_WEBHOOK_SECRET
from db.models.escrow import Escrow
from db.models.payments import Payment
from db.session import SessionFactory
from tests.support.payments_env import stripe_event, stripe_signed
from tests.support.tokens import auth

ADMIN = auth("cc_admin", "admin")
SERVICE = auth("cc_service", "service")
CREDIT = 10**4  # one credit in minor units (exponent 4)


class ScenarioFailed(AssertionError):
    pass


@dataclass
class Expectations:
    wallets: Counter[str] = field(default_factory=Counter)  # user -> credits (minor) at the end
    escrows: dict[str, str] = field(default_factory=dict)  # contract_id -> terminal status
    payments: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (status, refunded)
    invoices: dict[str, str] = field(default_factory=dict)  # account -> invoice status
    credits_first: dict[str, int] = field(default_factory=dict)  # account -> credits before the invoice
    done: Counter[str] = field(default_factory=Counter)  # scenario -> completed count


@dataclass
class Workload:
    http: httpx.AsyncClient
    factory: SessionFactory
    localstripe: str
    run: str  # a prefix for every id this workload makes
    rng: random.Random
    expect: Expectations = field(default_factory=Expectations)
    calls: Counter[str] = field(default_factory=Counter)
    _n: int = 0

    def name(self, kind: str) -> str:
        self._n += 1
        return f"{self.run}_{kind}{self._n}"

    # --- HTTP with client-side retries -------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        who: dict[str, str],
        body: Any = None,
        *,
        ok: tuple[int, ...] = (200, 201, 202, 204),
        key: str | None = None,
    ) -> httpx.Response:
        headers = dict(who)
        if method == "POST":
            headers["Idempotency-Key"] = key or uuid.uuid4().hex
        last: httpx.Response | None = None
        for _ in range(120):
            self.calls["http"] += 1
            try:
                r = await self.http.request(method, f"/api/v1/payments{path}", json=body, headers=headers)
            except httpx.TransportError:
                self.calls["retried"] += 1
                await asyncio.sleep(0.5)
                continue
            last = r
            if r.status_code in ok:
                return r
            code = _code(r)
            if r.status_code >= 500 or code == "idempotency_key_in_use":
                self.calls["retried"] += 1
                await asyncio.sleep(0.5)
                continue
            raise ScenarioFailed(f"{method} {path} → {r.status_code} {r.text[:300]}")
        raise ScenarioFailed(f"{method} {path} kept failing: {last.status_code if last else '-'}")

    async def until(self, what: str, check: Callable[[], Awaitable[bool]], seconds: float = 240) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if await check():
                return
            await asyncio.sleep(0.3)
        raise ScenarioFailed(f"timed out waiting for {what}")

    async def payment_row(self, pid: str) -> Payment | None:
        async with self.factory() as s:
            return await s.get(Payment, pid)

    async def escrow_row(self, contract_id: str) -> Escrow | None:
        async with self.factory() as s:
            return (
                await s.execute(select(Escrow).where(Escrow.contract_id == contract_id))
            ).scalar_one_or_none()

    async def payment_status(self, pid: str, *want: str) -> None:
        async def check() -> bool:
            row = await self.payment_row(pid)
            return row is not None and row.status in want

        await self.until(f"payment {pid} {want}", check)

    async def escrow_status(self, contract_id: str, *want: str) -> None:
        async def check() -> bool:
            row = await self.escrow_row(contract_id)
            return row is not None and row.status in want

        await self.until(f"escrow {contract_id} {want}", check)

    # --- provider side (the customer's browser, Stripe's webhook) --------------------------------

    def sdk(self) -> stripe.StripeClient:
        return stripe.StripeClient("sk_test_x", base_addresses={"api": self.localstripe})

    async def card(self) -> str:
        def make() -> str:
            pm = self.sdk().v1.payment_methods.create(
                {
                    "type": "card",
                    "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
                }
            )
            return str(pm.id)

        return await asyncio.to_thread(make)

    async def client_confirms(self, pi_id: str) -> dict[str, Any]:
        def confirm() -> dict[str, Any]:
            sdk = self.sdk()
            pm = sdk.v1.payment_methods.create(
                {
                    "type": "card",
                    "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"},
                }
            )
            sdk.v1.payment_intents.update(pi_id, {"payment_method": str(pm.id)})
            return sdk.v1.payment_intents.confirm(pi_id).to_dict()

        return await asyncio.to_thread(confirm)

    async def webhook(self, obj: dict[str, Any], times: int = 2) -> None:
        event = stripe_event("payment_intent.succeeded", obj)
        for _ in range(times):  # Stripe delivers at least once
            body, headers = stripe_signed(event, DEV_WEBHOOK_SECRET)
            for _ in range(60):
                r = await self.http.post("/api/v1/payments/webhooks/stripe", content=body, headers=headers)
                if r.status_code == 200:
                    break
                await asyncio.sleep(0.5)  # a 5xx rolls the inbox row back: Stripe would retry
            else:
                raise ScenarioFailed(f"webhook kept failing: {r.status_code} {r.text[:200]}")

    async def next_action(self, pid: str, who: dict[str, str]) -> dict[str, Any]:
        """Wait for the payment's provider object (a create answered before it existed)."""
        doc: dict[str, Any] = {}

        async def check() -> bool:
            nonlocal doc
            doc = (await self.call("GET", f"/{pid}", who)).json()
            return bool(doc["next_action"].get("client_secret")) or doc["status"] not in ("pending",)

        await self.until(f"next action of {pid}", check)
        return doc

    # --- scenarios -------------------------------------------------------------------------------

    async def credits_purchase(self) -> None:
        """Buy credits with a card: client-side confirm on the provider, then its signed webhook."""
        user = self.name("buyer")
        me = auth(user)
        doc = (await self.call("POST", "/credits/purchase", me, {"amount": "10.00"})).json()
        pid = doc["payment_id"]
        if not doc["next_action"].get("client_secret"):
            doc = await self.next_action(pid, me)
        pi_id = doc["next_action"]["client_secret"].split("_secret_")[0]
        pi = await self.client_confirms(pi_id)
        assert pi["status"] == "succeeded", pi
        await self.webhook(pi)
        await self.payment_status(pid, "completed")
        self.expect.wallets[user] += 10 * CREDIT
        self.expect.payments[pid] = ("completed", 0)

    async def grants_and_deducts(self) -> None:
        user = self.name("spender")
        await self.call(
            "POST",
            "/credits/grant",
            ADMIN,
            {"user_id": user, "amount": "50", "reason": "welcome", "reference": "g1"},
        )
        for ref in ("job1", "job2", "job3", "job1"):  # job1 twice: deducted once
            await self.call(
                # the orchestrator (a service) charges per execution; an agent would need a mandate
                "POST",
                "/credits/deduct",
                SERVICE,
                {"user_id": user, "amount": "5", "reference": ref},
            )
        await self.call(
            "POST",
            "/credits/refund",
            SERVICE,
            {"user_id": user, "reference": "job2", "refund_reference": "job2-back"},
        )
        self.expect.wallets[user] += (50 - 15 + 5) * CREDIT

    async def _funded_escrow(self, kind: str, **create: Any) -> tuple[str, str, str, str]:
        payer, payee, contract = self.name(f"{kind}payer"), self.name(f"{kind}payee"), self.name(f"{kind}ct")
        await self.call(
            "POST",
            "/credits/grant",
            ADMIN,
            {"user_id": payer, "amount": "30", "reason": "escrow", "reference": "g"},
        )
        eid = await self._create_escrow(payer, payee, contract, **create)
        await self.call(
            "POST", f"/escrow/{eid}/fund", auth(payer), {"provider": "credits"}, key=f"fund-{eid}"
        )
        await self.escrow_status(contract, "funded")
        self.expect.wallets[payer] += 10 * CREDIT  # 30 granted, 20 held
        return payer, payee, contract, eid

    async def _create_escrow(self, payer: str, payee: str, contract: str, **extra: Any) -> str:
        body = {"contract_id": contract, "amount": extra.pop("amount", "20"), "payee_id": payee, **extra}
        r = await self.call("POST", "/escrow/create", auth(payer), body, key=f"create-{contract}")
        return str(r.json()["escrow_id"])

    async def escrow_score_release(self) -> None:
        _, payee, contract, eid = await self._funded_escrow("score")
        await self.call("POST", f"/escrow/{eid}/deliver", auth(payee), {"evidence_url": "s3://w"})
        # The payee delivers; the validator (the orchestrator, role service) scores and releases.
        await self.call("POST", f"/escrow/{eid}/validate", SERVICE, {"validation_score": "0.95"})
        await self.escrow_status(contract, "released")
        self.expect.escrows[contract] = "released"

    async def escrow_signatures(self) -> None:
        cosigner = self.name("cosigner")
        payer, payee, contract, eid = await self._signed_escrow(cosigner)
        await self.call("POST", f"/escrow/{eid}/deliver", auth(payee), {})
        await self.escrow_status(contract, "delivered")
        signs = await asyncio.gather(
            self.call("POST", f"/escrow/{eid}/sign", auth(payer), {}),
            self.call("POST", f"/escrow/{eid}/sign", auth(cosigner), {}),
        )
        assert all(s.status_code == 200 for s in signs)
        await self.escrow_status(contract, "released")
        self.expect.escrows[contract] = "released"

    async def _signed_escrow(self, cosigner: str) -> tuple[str, str, str, str]:
        payer, payee, contract = self.name("sigpayer"), self.name("sigpayee"), self.name("sigct")
        await self.call(
            "POST",
            "/credits/grant",
            ADMIN,
            {"user_id": payer, "amount": "30", "reason": "escrow", "reference": "g"},
        )
        eid = await self._create_escrow(
            payer, payee, contract, signers=[payer, cosigner], required_signatures=2
        )
        await self.call(
            "POST", f"/escrow/{eid}/fund", auth(payer), {"provider": "credits"}, key=f"fund-{eid}"
        )
        await self.escrow_status(contract, "funded")
        self.expect.wallets[payer] += 10 * CREDIT
        return payer, payee, contract, eid

    async def escrow_dispute_resolve(self) -> None:
        payer, _, contract, eid = await self._funded_escrow("disp")
        await self.call("POST", f"/escrow/{eid}/dispute", auth(payer), {"reason": "not what we agreed"})
        await self.escrow_status(contract, "disputed")
        await self.call("POST", f"/escrow/{eid}/resolve", ADMIN, {"payee_amount": "12", "note": "split"})
        await self.escrow_status(contract, "resolved")
        self.expect.escrows[contract] = "resolved"
        self.expect.wallets[payer] += 8 * CREDIT  # the payer's part comes back as credits

    async def escrow_refund(self) -> None:
        payer, payee, contract, eid = await self._funded_escrow("refund")
        await self.call("POST", f"/escrow/{eid}/refund", auth(payee), {"amount": "5"}, key=f"r1-{eid}")
        await self.escrow_status(contract, "partially_refunded")
        await self.call("POST", f"/escrow/{eid}/refund", ADMIN, {}, key=f"r2-{eid}")
        await self.escrow_status(contract, "refunded")
        self.expect.escrows[contract] = "refunded"
        self.expect.wallets[payer] += 20 * CREDIT

    async def escrow_cancel(self) -> None:
        payer, payee, contract = self.name("cpayer"), self.name("cpayee"), self.name("cct")
        eid = await self._create_escrow(payer, payee, contract)
        await self.call("POST", f"/escrow/{eid}/cancel", auth(payer), {"reason": "changed plans"})
        await self.escrow_status(contract, "cancelled")
        self.expect.escrows[contract] = "cancelled"

    async def escrow_expire(self) -> None:
        payer, payee, contract = self.name("xpayer"), self.name("xpayee"), self.name("xct")
        deadline = (datetime.now(UTC) + timedelta(seconds=4)).isoformat()
        await self._create_escrow(payer, payee, contract, funding_deadline=deadline)
        await self.escrow_status(contract, "expired")
        self.expect.escrows[contract] = "expired"

    async def escrow_card_refund(self) -> None:
        """A USD escrow funded by card (payments signals the escrow), then refunded to the card."""
        payer, payee, contract = self.name("kpayer"), self.name("kpayee"), self.name("kct")
        eid = await self._create_escrow(payer, payee, contract, amount="15.00", currency="USD")
        r = await self.call(
            "POST",
            f"/escrow/{eid}/fund",
            auth(payer),
            {"provider": "stripe", "payment_method_id": await self.card()},
            key=f"fund-{eid}",
        )
        pid = r.json()["payment"]["payment_id"]
        await self._confirm(pid, auth(payer))
        await self.escrow_status(contract, "funded")
        await self.call("POST", f"/escrow/{eid}/refund", auth(payee), {}, key=f"r-{eid}")
        await self.escrow_status(contract, "refunded")
        self.expect.escrows[contract] = "refunded"
        self.expect.payments[pid] = ("completed", 1500)

    async def _confirm(self, pid: str, who: dict[str, str]) -> None:
        await self.next_action(pid, who)
        for _ in range(60):
            row = await self.payment_row(pid)
            if row is not None and row.status == "completed":
                return
            r = await self.http.post(
                f"/api/v1/payments/{pid}/confirm",
                json={},
                headers={**who, "Idempotency-Key": uuid.uuid4().hex},
            )
            self.calls["http"] += 1
            if r.status_code == 200 and r.json()["status"] == "completed":
                return
            await asyncio.sleep(1)  # a confirm cut short by a crash: ask again (confirm is idempotent)
        await self.payment_status(pid, "completed")

    async def card_payment_refunds(self) -> None:
        payer = self.name("cardpayer")
        me = auth(payer)
        r = await self.call(
            "POST",
            "/create",
            me,
            {
                "amount": "10.00",
                "currency": "USD",
                "provider": "stripe",
                "payment_method_id": await self.card(),
            },
        )
        pid = r.json()["payment_id"]
        await self._confirm(pid, me)
        await self.call(
            "POST", f"/{pid}/refund", ADMIN, {"amount": "3.00", "reason": "partial"}, key=f"r1-{pid}"
        )
        await self.call("POST", f"/{pid}/refund", ADMIN, {"reason": "the rest"}, key=f"r2-{pid}")
        self.expect.payments[pid] = ("completed", 1000)

    async def billing_run(self, period: str) -> None:
        """Usage for two accounts in a past month, then a billing run: one pays with credits first,
        the other with its stored card off-session (through payments' start_payment)."""
        metric = self.name("metric")
        await self.call("PUT", f"/billing/prices/{metric}", ADMIN, {"tiers": [{"unit_amount": "2"}]})
        by_credits, by_card = self.name("acctcredits"), self.name("acctcard")
        await self.call(
            "POST",
            "/credits/grant",
            ADMIN,
            {"user_id": by_credits, "amount": "100", "reason": "prepaid", "reference": "g"},
        )
        await self.call("PATCH", "/billing/account", auth(by_credits), {"use_credits_first": True})
        method = (
            await self.call(
                "POST", "/methods", auth(by_card), {"provider": "stripe", "token": await self.card()}
            )
        ).json()
        await self.call(
            "PATCH", "/billing/account", auth(by_card), {"default_payment_method_id": method["id"]}
        )
        start = datetime.fromisoformat(f"{period}-02T12:00:00+00:00")
        records = [
            {
                "event_id": self.name("ev"),
                "account_id": acct,
                "metric": metric,
                "quantity": 3,
                "timestamp": ts,
            }
            for acct in (by_credits, by_card)
            for ts in (start.isoformat(), (start + timedelta(days=3)).isoformat())
        ]
        r = await self.call("POST", "/usage", SERVICE, {"records": records})
        assert r.json()["accepted"] + r.json()["duplicates"] == len(records), r.text
        await self.call("POST", "/billing/run", ADMIN, {"period": period}, key=f"run-{period}")
        self.expect.credits_first[by_credits] = 100 * CREDIT  # minus the invoice, paid in credits
        self.expect.invoices[by_credits] = "paid"
        self.expect.invoices[by_card] = "paid"

    def mix(self) -> list[Callable[[], Awaitable[None]]]:
        """One round: every path at least once."""
        return [
            self.credits_purchase,
            self.credits_purchase,
            self.grants_and_deducts,
            self.grants_and_deducts,
            self.escrow_score_release,
            self.escrow_signatures,
            self.escrow_dispute_resolve,
            self.escrow_refund,
            self.escrow_cancel,
            self.escrow_expire,
            self.escrow_card_refund,
            self.card_payment_refunds,
            self.card_payment_refunds,
        ]

    async def scenario(self, fn: Callable[[], Awaitable[None]]) -> None:
        await asyncio.sleep(self.rng.uniform(0, 3))  # spread the starts over the kill window
        await fn()
        self.expect.done[fn.__name__] += 1


def _code(r: httpx.Response) -> str | None:
    try:
        return str(r.json()["error"]["code"])
    except Exception:
        return None
