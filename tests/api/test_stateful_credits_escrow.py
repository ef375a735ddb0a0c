"""A hypothesis state machine drives credits (grant, deduct, refund, balance) and escrow (create, fund
with credits, deliver, sign, refund, cancel) through the HTTP API, and a plain-Python model must
agree with the API at every step: balances, statuses, held/released/refunded amounts, refusals.

The app runs in-process (starlette's TestClient: its own event loop thread, its own Temporal client
to the dev server), a worker from the registry runs on another thread (tests/support/fuzz.py), and
the database is the session's PostgreSQL. Bounded for CI: MESHPAY_STATEFUL_EXAMPLES runs of at most
MESHPAY_STATEFUL_STEPS steps. Every run ends with the ledger invariant checker.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from starlette.testclient import TestClient
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.session import make_engine, make_session_factory
from domain.escrow import fee_on
from domain.money import format_amount
from tests.support.fuzz import BackgroundWorker, env_address
from tests.support.invariants import assert_invariants
from tests.support.tokens import auth

pytestmark = pytest.mark.e2e

API = "/api/v1/payments"
CUR = "CREDIT"
EXAMPLES = int(os.environ.get("MESHPAY_STATEFUL_EXAMPLES", "15"))
STEPS = int(os.environ.get("MESHPAY_STATEFUL_STEPS", "25"))
THRESHOLD = "0.9"

ADMIN = auth("sm_admin", "admin")
SERVICE = auth("sm_service", "service")
PICK = st.integers(min_value=0, max_value=2)
amounts = st.integers(min_value=1, max_value=60_000)  # minor units: 0.0001 .. 6.0000 credits
grants = st.integers(min_value=1, max_value=200_000)
# Transitions seen across all runs: the test fails if the budget never reached one of them.
SEEN: Counter[str] = Counter()
MUST_SEE = {
    "grant",
    "deduct",
    "deduct_refused",
    "deduction_refund",
    "deduction_refund_refused",
    "escrow_funded",
    "fund_refused",
    "escrow_delivered",
    "escrow_released",
    "escrow_refunded",
    "escrow_partially_refunded",
    "escrow_cancelled",
    "escrow_move_refused",
    "stranger_refused",
}


def fmt(minor: int) -> str:
    return format_amount(minor, CUR)


@dataclass
class Deduction:
    user: str
    reference: str
    amount: int
    refunded: int = 0


@dataclass
class EscrowModel:
    id: str
    payer: str
    amount: int
    status: str = "created"
    held: int = 0
    released: int = 0
    fee: int = 0
    refunded: int = 0
    delivered: bool = False


class CreditsEscrowMachine(RuleBasedStateMachine):
    client: TestClient  # set by the test
    fee_percent: Decimal

    deductions = Bundle("deductions")

    def __init__(self) -> None:
        super().__init__()
        run = uuid.uuid4().hex[:8]
        self.users = [f"sm_{run}_a", f"sm_{run}_b"]
        self.payee = f"sm_{run}_agent"
        self.wallet = dict.fromkeys(self.users, 0)
        self.escrow_by_id: dict[str, EscrowModel] = {}
        self.escrow_list: list[EscrowModel] = []

    def recent(self, pick: int) -> EscrowModel:
        """Moves act on one of the three newest escrows, so runs go deep into each lifecycle."""
        return self.escrow_list[-1 - min(pick, len(self.escrow_list) - 1)]

    # ------------------------------------------------------------------ helpers

    def call(self, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
        r = self.client.request(method, f"{API}{path}", headers=headers, json=body)
        assert r.status_code < 500, f"{method} {path}: {r.status_code} {r.text}"
        return r

    def refused(self, r: Any, status: int, code: str | None = None) -> None:
        assert r.status_code == status, r.text
        if code is not None:
            assert r.json()["error"]["code"] == code, r.text

    def check_escrow(self, e: EscrowModel, doc: dict[str, Any]) -> None:
        SEEN[f"escrow_{e.status}"] += 1
        got = (doc["status"], doc["held"], doc["released"], doc["fee"], doc["refunded"])
        assert got == (e.status, fmt(e.held), fmt(e.released), fmt(e.fee), fmt(e.refunded)), doc

    # ------------------------------------------------------------------ credits

    @initialize(a=grants, b=grants)
    def opening_balances(self, a: int, b: int) -> None:
        for user, amount in ((0, a), (1, b)):
            self.grant(user, amount)

    @rule(user=st.sampled_from([0, 1]), amount=grants)
    def grant(self, user: int, amount: int) -> None:
        uid = self.users[user]
        r = self.call(
            "POST", "/credits/grant", ADMIN, {"user_id": uid, "amount": fmt(amount), "reason": "sm"}
        )
        assert r.status_code == 201, r.text
        self.wallet[uid] += amount
        SEEN["grant"] += 1

    @rule(target=deductions, user=st.sampled_from([0, 1]), amount=amounts)
    def deduct(self, user: int, amount: int) -> Any:
        uid, ref = self.users[user], f"job_{uuid.uuid4().hex[:12]}"
        body = {"user_id": uid, "amount": fmt(amount), "reference": ref}
        r = self.call("POST", "/credits/deduct", SERVICE, body)
        if amount > self.wallet[uid]:
            self.refused(r, 409, "insufficient_credits")
            SEEN["deduct_refused"] += 1
            return None
        SEEN["deduct"] += 1
        assert r.status_code == 200, r.text
        self.wallet[uid] -= amount
        assert r.json()["balance"] == fmt(self.wallet[uid])
        # the same reference never deducts twice: the first result again
        again = self.call("POST", "/credits/deduct", SERVICE, body)
        assert again.status_code == 200 and again.json()["id"] == r.json()["id"], again.text
        return Deduction(uid, ref, amount)

    @rule(d=deductions, part=st.one_of(st.none(), amounts))
    def refund_deduction(self, d: Deduction | None, part: int | None) -> None:
        if d is None:
            return
        left = d.amount - d.refunded
        body: dict[str, Any] = {"user_id": d.user, "reference": d.reference}
        if part is not None:
            body["amount"] = fmt(part)
        r = self.call("POST", "/credits/refund", SERVICE, body)
        give = left if part is None else part
        if left == 0 and part is None:
            self.refused(r, 409, "already_refunded")
            SEEN["deduction_refund_refused"] += 1
        elif give > left:
            self.refused(r, 409, "refund_exceeds_deduction")
            SEEN["deduction_refund_refused"] += 1
        else:
            SEEN["deduction_refund"] += 1
            assert r.status_code == 200, r.text
            d.refunded += give
            self.wallet[d.user] += give
            assert r.json()["refunded_total"] == fmt(d.refunded)

    # ------------------------------------------------------------------ escrow

    @rule(user=st.sampled_from([0, 1]), amount=amounts)
    def create_escrow(self, user: int, amount: int) -> None:
        payer = self.users[user]
        body = {
            "contract_id": f"sm_{uuid.uuid4().hex[:16]}",
            "amount": fmt(amount),
            "payee_id": self.payee,
            "auto_release_threshold": THRESHOLD,
        }
        r = self.call("POST", "/escrow/create", auth(payer), body)
        assert r.status_code == 201, r.text
        e = EscrowModel(r.json()["escrow_id"], payer, amount)
        self.check_escrow(e, r.json())
        self.escrow_by_id[e.id] = e
        self.escrow_list.append(e)

    @rule(user=st.sampled_from([0, 1]), amount=amounts)
    def create_and_fund(self, user: int, amount: int) -> None:
        """The common path in one step, so the budget reaches delivery, release and refunds."""
        self.create_escrow(user, amount)
        self.fund(0)

    @precondition(lambda self: bool(self.escrow_list))
    @rule(pick=PICK)
    def fund(self, pick: int) -> None:
        e = self.recent(pick)
        r = self.call("POST", f"/escrow/{e.id}/fund", auth(e.payer), {"provider": "credits"})
        if e.status != "created":
            self.refused(r, 409)
            SEEN["escrow_move_refused"] += 1
        elif self.wallet[e.payer] < e.amount:
            self.refused(r, 409, "insufficient_credits")
            SEEN["fund_refused"] += 1
        else:
            assert r.status_code == 200, r.text
            self.wallet[e.payer] -= e.amount
            e.status, e.held = "funded", e.amount
            self.check_escrow(e, r.json())

    def _release(self, e: EscrowModel) -> None:
        fee = fee_on(e.held, self.fee_percent, CUR)
        e.released += e.held - fee
        e.fee += fee
        e.held, e.status = 0, "released"

    @precondition(lambda self: bool(self.escrow_list))
    @rule(pick=PICK, score=st.sampled_from(["0.5", "0.95"]))
    def deliver(self, pick: int, score: str) -> None:
        e = self.recent(pick)
        r = self.call("POST", f"/escrow/{e.id}/deliver", SERVICE, {"validation_score": score})
        if e.status not in ("funded", "partially_refunded") or e.delivered:
            self.refused(r, 409)
            SEEN["escrow_move_refused"] += 1
            return
        assert r.status_code == 200, r.text
        e.delivered = True
        if Decimal(score) >= Decimal(THRESHOLD):
            self._release(e)
        elif e.status == "funded":
            e.status = "delivered"
        self.check_escrow(e, r.json())

    @precondition(lambda self: bool(self.escrow_list))
    @rule(pick=PICK)
    def sign(self, pick: int) -> None:
        e = self.recent(pick)
        r = self.call("POST", f"/escrow/{e.id}/sign", auth(e.payer), {})
        if e.status not in ("delivered", "partially_refunded") or not e.delivered:
            self.refused(r, 409)
            SEEN["escrow_move_refused"] += 1
            return
        assert r.status_code == 200, r.text
        self._release(e)  # the payer is the one required signer
        self.check_escrow(e, r.json())

    @precondition(lambda self: bool(self.escrow_list))
    @rule(pick=PICK, share=st.sampled_from(["half", "half", None, "too_much"]))
    def refund_escrow(self, pick: int, share: str | None) -> None:
        e = self.recent(pick)
        part = None if share is None else max(1, e.held // 2) if share == "half" else e.held + 1
        body = {} if part is None else {"amount": fmt(part)}
        r = self.call("POST", f"/escrow/{e.id}/refund", ADMIN, body)
        if e.status not in ("funded", "delivered", "partially_refunded", "disputed"):
            self.refused(r, 409)
            SEEN["escrow_move_refused"] += 1
            return
        give = e.held if part is None else part
        if give > e.held:
            self.refused(r, 422, "refund_exceeds_held")
            SEEN["escrow_move_refused"] += 1
            return
        assert r.status_code == 200, r.text
        e.held -= give
        e.refunded += give
        self.wallet[e.payer] += give
        e.status = "refunded" if e.held == 0 else "partially_refunded"
        self.check_escrow(e, r.json())

    @precondition(lambda self: bool(self.escrow_list))
    @rule(pick=PICK)
    def cancel(self, pick: int) -> None:
        e = self.recent(pick)
        r = self.call("POST", f"/escrow/{e.id}/cancel", auth(e.payer), {})
        if e.status != "created":
            self.refused(r, 409)
            SEEN["escrow_move_refused"] += 1
            return
        assert r.status_code == 200, r.text
        e.status = "cancelled"
        self.check_escrow(e, r.json())

    @precondition(lambda self: bool(self.escrow_list))
    @rule(pick=PICK)
    def stranger_is_refused(self, pick: int) -> None:
        """Another user neither sees nor moves the escrow (404), and nothing changes."""
        e = self.recent(pick)
        other = next(u for u in self.users if u != e.payer)
        for path, body in (("", None), ("/fund", {"provider": "credits"}), ("/cancel", {})):
            method = "GET" if body is None else "POST"
            self.refused(self.call(method, f"/escrow/{e.id}{path}", auth(other), body), 404)
        SEEN["stranger_refused"] += 1
        got = self.call("GET", f"/escrow/{e.id}", auth(e.payer))
        assert got.status_code == 200
        self.check_escrow(e, got.json())

    # ------------------------------------------------------------------ invariants

    @invariant()
    def balances_agree(self) -> None:
        for uid, expected in self.wallet.items():
            r = self.call("GET", f"/credits/balance?user_id={uid}", ADMIN)
            assert r.status_code == 200 and r.json()["balance"] == fmt(expected), (uid, r.text)

    def teardown(self) -> None:
        for e in self.escrow_by_id.values():
            got = self.call("GET", f"/escrow/{e.id}", auth(e.payer))
            assert got.status_code == 200
            self.check_escrow(e, got.json())


@pytest.fixture(scope="module")
def sm_settings(settings: Settings, dev_env: WorkflowEnvironment) -> Settings:
    return settings.model_copy(
        update={"temporal_address": env_address(dev_env), "task_queue": f"sm-{uuid.uuid4().hex[:10]}"}
    )


@pytest.fixture(scope="module")
def sm_client(sm_settings: Settings) -> Iterator[TestClient]:
    from api.app import create_app

    worker = BackgroundWorker(sm_settings).start()
    try:
        with TestClient(create_app(sm_settings, log_requests=False), raise_server_exceptions=False) as client:
            yield client
    finally:
        worker.stop()


def test_model_and_api_agree(sm_client: TestClient, sm_settings: Settings) -> None:
    CreditsEscrowMachine.client = sm_client
    CreditsEscrowMachine.fee_percent = Decimal(sm_settings.platform_fee_percent)
    run_state_machine_as_test(
        CreditsEscrowMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )

    missing = MUST_SEE - {k for k, n in SEEN.items() if n}
    assert not missing, f"the example budget never reached {sorted(missing)}; seen {dict(SEEN)}"

    async def check() -> None:
        engine = make_engine(sm_settings.database_url, pool_size=2)
        try:
            await assert_invariants(make_session_factory(engine))
        finally:
            await engine.dispose()

    asyncio.run(check())
