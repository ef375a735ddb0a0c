"""EscrowWorkflow on the time-skipping server, activities mocked by name: deadlines, races, refusals."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.escrow import (
    CLOSE_UNFUNDED_ACTIVITY,
    FUND_WITH_CREDITS_ACTIVITY,
    RECORD_ACTIVITY,
    RETURN_TO_PAYER_ACTIVITY,
    SETTLE_ACTIVITY,
    CancelRequest,
    CloseUnfundedInput,
    CloseUnfundedResult,
    DeliverRequest,
    DisputeRequest,
    EscrowInput,
    EscrowPaymentCompleted,
    EscrowRefundRequest,
    EscrowView,
    FundRequest,
    FundWithCreditsInput,
    MoneyResult,
    RecordInput,
    ResolveRequest,
    ReturnToPayerInput,
    SettleInput,
    SignRequest,
    SignResult,
)
from contracts.payments import REFUND_PAYMENT_ACTIVITY, RefundRequest, RefundResult
from tests.support.tokens import uid
from workflows.escrow import EscrowWorkflow

DAY = 24 * 3600


@dataclass
class Fake:
    """Activities by name that remember what they were asked to do."""

    records: list[RecordInput] = field(default_factory=list)
    funds: list[FundWithCreditsInput] = field(default_factory=list)
    settles: list[SettleInput] = field(default_factory=list)
    returns: list[ReturnToPayerInput] = field(default_factory=list)
    provider_refunds: list[RefundRequest] = field(default_factory=list)
    fund_refusal: str | None = None
    closes: list[CloseUnfundedInput] = field(default_factory=list)
    claimed_by: str | None = None  # a payment has claimed the funding on the row: closes are refused

    def activities(self) -> list[object]:
        @activity.defn(name=RECORD_ACTIVITY)
        async def record(inp: RecordInput) -> None:
            self.records.append(inp)

        @activity.defn(name=FUND_WITH_CREDITS_ACTIVITY)
        async def fund(inp: FundWithCreditsInput) -> MoneyResult:
            if self.fund_refusal:
                raise ApplicationError(
                    "not enough credits",
                    {"code": "insufficient_credits"},
                    type=self.fund_refusal,
                    non_retryable=True,
                )
            self.funds.append(inp)
            return MoneyResult("txn_fund")

        @activity.defn(name=SETTLE_ACTIVITY)
        async def settle(inp: SettleInput) -> MoneyResult:
            self.settles.append(inp)
            return MoneyResult("txn_settle")

        @activity.defn(name=RETURN_TO_PAYER_ACTIVITY)
        async def give_back(inp: ReturnToPayerInput) -> MoneyResult:
            self.returns.append(inp)
            return MoneyResult("txn_refund")

        @activity.defn(name=REFUND_PAYMENT_ACTIVITY)
        async def refund_payment(req: RefundRequest) -> RefundResult:
            self.provider_refunds.append(req)
            return RefundResult("re_1", req.payment_id, req.amount, "succeeded")

        @activity.defn(name=CLOSE_UNFUNDED_ACTIVITY)
        async def close_unfunded(inp: CloseUnfundedInput) -> CloseUnfundedResult:
            self.closes.append(inp)
            if self.claimed_by:
                return CloseUnfundedResult(False, self.claimed_by, "stripe")
            return CloseUnfundedResult(True)

        return [record, fund, settle, give_back, refund_payment, close_unfunded]

    @property
    def money_moves(self) -> int:
        return len(self.funds) + len(self.settles) + len(self.returns) + len(self.provider_refunds)


@pytest.fixture
async def fake(ts_env: WorkflowEnvironment, task_queue: str) -> AsyncIterator[Fake]:
    f = Fake()
    async with Worker(
        ts_env.client, task_queue=task_queue, workflows=[EscrowWorkflow], activities=f.activities()
    ):  # type: ignore[arg-type]
        yield f
    # The time-skipping clock is shared: a workflow left waiting on a timer, whose worker is gone,
    # would stall time skipping for every later test. End what this test left running.
    for h in _STARTED:
        with contextlib.suppress(Exception):
            await h.terminate("test finished")
    _STARTED.clear()


_STARTED: list[WorkflowHandle] = []


def escrow_input(now: datetime, **over: object) -> EscrowInput:
    cid = uid("c")
    base: dict[str, object] = dict(
        escrow_id=f"esc_{cid}",
        contract_id=cid,
        payer_id="payer",
        payee_id="payee",
        amount=10_000,
        currency="CREDIT",
        signers=["payer"],
        required_signatures=1,
        threshold_ppm=800_000,
        fee_percent="10",
        created_at=now.isoformat(),
        funding_deadline=(now + timedelta(days=3)).isoformat(),
        delivery_period_seconds=30 * DAY,
        review_period_seconds=7 * DAY,
        arbitration_seconds=14 * DAY,
        search_attributes=False,
    )
    base.update(over)
    return EscrowInput(**base)  # type: ignore[arg-type]


async def start(env: WorkflowEnvironment, tq: str, **over: object) -> WorkflowHandle:
    # The time-skipping server's clock is shared by the session and runs ahead of the wall clock.
    inp = escrow_input(await env.get_current_time(), **over)
    h = await env.client.start_workflow(
        EscrowWorkflow.run, inp, id=f"escrow-{inp.contract_id}", task_queue=tq
    )
    _STARTED.append(h)
    return h


async def fund(h: WorkflowHandle) -> EscrowView:
    return await h.execute_update(EscrowWorkflow.fund, FundRequest("payer", "user"))


async def deliver(h: WorkflowHandle, score_ppm: int | None = None) -> EscrowView:
    """The payee delivers evidence; with a score, the validator (the orchestrator, role service)
    delivers and scores in one move — a payee's own score is refused (see the policy tests)."""
    if score_ppm is None:
        return await h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent"))
    return await h.execute_update(
        EscrowWorkflow.deliver, DeliverRequest("mesh", "service", score_ppm, validator=True)
    )


async def refused(call: object) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await call  # type: ignore[misc]
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


async def wait_status(h: WorkflowHandle, status: str) -> None:
    """Signals are handled asynchronously: wait until the workflow has taken one in."""
    for _ in range(200):
        if (await h.query(EscrowWorkflow.state)).status == status:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"escrow never became {status}")


async def accepted_updates(h: WorkflowHandle) -> int:
    accepted = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    return len([e async for e in h.fetch_history_events() if e.event_type == accepted])


def when(view: EscrowView, kind: str) -> datetime:
    return next(datetime.fromisoformat(e.at) for e in view.events if e.kind == kind)


# ---- deadlines ----------------------------------------------------------------------------------


async def test_funding_deadline_expires_and_holds_nothing(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue)
    view: EscrowView = await h.result()
    assert view.status == "expired"
    assert view.held == 0 and fake.money_moves == 0
    assert when(view, "expired") - when(view, "created") >= timedelta(days=3) - timedelta(seconds=5)
    assert fake.records[-1].view.status == "expired"  # the row mirror saw it


async def test_delivery_deadline_refunds_the_payer_in_full(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue)
    assert (await fund(h)).status == "funded"
    view: EscrowView = await h.result()
    assert view.status == "refunded" and view.refunded == 10_000 and view.held == 0
    assert [(r.amount, r.key) for r in fake.returns] == [(10_000, f"esc:{view.contract_id}:refund:1")]
    assert when(view, "refunded") - when(view, "funded") >= timedelta(days=30) - timedelta(seconds=5)
    assert fake.settles == []


async def test_review_period_releases_to_a_silent_payer(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue)
    await fund(h)
    delivered = await deliver(h, 500_000)  # below the 0.8 threshold: waits
    assert delivered.status == "delivered" and fake.settles == []
    view: EscrowView = await h.result()
    assert view.status == "released"
    assert [(s.key, s.payee_net, s.fee) for s in fake.settles] == [
        (f"esc:{view.contract_id}:release", 9_000, 1_000)
    ]
    assert when(view, "released") - when(view, "delivered") >= timedelta(days=7) - timedelta(seconds=5)
    assert view.released == 9_000 and view.fee == 1_000 and view.held == 0


async def test_dispute_pauses_review_clock_and_arbitration_applies_default(
    ts_env, task_queue, fake: Fake
) -> None:
    h = await start(ts_env, task_queue, default_ruling="refund_payer")
    await fund(h)
    await deliver(h, 100_000)
    await ts_env.sleep(6 * DAY)
    disputed = await h.execute_update(EscrowWorkflow.dispute, DisputeRequest("payer", "user", "wrong output"))
    assert disputed.status == "disputed" and disputed.review_deadline is None
    assert 0 < (disputed.paused_seconds or 0) <= DAY
    await ts_env.sleep(3 * DAY)  # well past where the review period would have released
    mid = await h.query(EscrowWorkflow.state)
    assert mid.status == "disputed" and fake.settles == []
    view: EscrowView = await h.result()
    assert view.status == "resolved"
    assert when(view, "resolved") - when(view, "disputed") >= timedelta(days=14) - timedelta(seconds=5)
    assert [(s.kind, s.payee_net, s.fee, s.payer_refund) for s in fake.settles] == [("resolve", 0, 0, 10_000)]
    assert view.refunded == 10_000 and view.released == 0


async def test_dispute_pauses_the_delivery_deadline(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue, default_ruling="release_payee")
    await fund(h)
    await ts_env.sleep(29 * DAY)
    await h.execute_update(EscrowWorkflow.dispute, DisputeRequest("payee", "agent", "payer unresponsive"))
    await ts_env.sleep(2 * DAY)  # day 31: the delivery deadline would have refunded
    assert (await h.query(EscrowWorkflow.state)).status == "disputed"
    assert fake.returns == []
    view: EscrowView = await h.result()
    assert view.status == "resolved" and view.released == 9_000 and view.fee == 1_000


# ---- moves --------------------------------------------------------------------------------------


async def test_score_at_threshold_releases_at_once(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue)
    await fund(h)
    view = await deliver(h, 950_000)
    assert view.status == "released" and view.released == 9_000 and view.fee == 1_000
    assert len(fake.settles) == 1
    assert (await h.result()).status == "released"


async def test_m_signers_racing_release_exactly_once(ts_env, task_queue, fake: Fake) -> None:
    signers = ["payer", "s2", "s3", "s4"]
    h = await start(ts_env, task_queue, signers=signers, required_signatures=2)
    await fund(h)
    await deliver(h)
    results: list[SignResult] = await asyncio.gather(
        *(h.execute_update(EscrowWorkflow.sign, SignRequest(s, "user")) for s in signers)
    )
    assert len(fake.settles) == 1
    assert sum(r.counted for r in results) == 2
    view: EscrowView = await h.result()
    assert view.status == "released" and len(view.signatures) == 2
    assert [e.kind for e in view.events].count("released") == 1


async def test_a_signer_counts_once(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue, signers=["payer", "s2"], required_signatures=2)
    await fund(h)
    await deliver(h)
    first = await h.execute_update(EscrowWorkflow.sign, SignRequest("s2", "user"))
    assert (first.counted, first.signatures) == (True, 1)
    # A repeat is refused by the validator: it never enters history (issue 12, escrow history).
    before = await accepted_updates(h)
    for _ in range(5):
        err = await refused(h.execute_update(EscrowWorkflow.sign, SignRequest("s2", "user")))
        assert (err.type, err.details[0]["code"]) == ("Conflict", "already_signed")
    assert await accepted_updates(h) == before
    view = await h.query(EscrowWorkflow.state)
    assert view.status == "delivered" and view.signatures == ["s2"] and fake.settles == []


async def test_illegal_moves_are_refused_and_move_no_money(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue, signers=["payer"])
    err = await refused(deliver(h, 900_000))  # deliver before funding
    assert (err.type, err.details[0]["code"]) == ("InvalidState", "not_funded")
    await fund(h)
    err = await refused(h.execute_update(EscrowWorkflow.resolve, ResolveRequest("root", "admin", 1)))
    assert (err.type, err.details[0]["code"]) == ("InvalidState", "not_disputed")
    err = await refused(
        h.execute_update(EscrowWorkflow.refund, EscrowRefundRequest("payee", "agent", 10_001))
    )
    assert (err.type, err.details[0]["code"]) == ("InvalidAmount", "refund_exceeds_held")
    await deliver(h)
    err = await refused(h.execute_update(EscrowWorkflow.sign, SignRequest("eve", "user")))
    assert err.type == "Forbidden"
    err = await refused(h.execute_update(EscrowWorkflow.refund, EscrowRefundRequest("payer", "user", None)))
    assert err.type == "Forbidden"  # the payer cannot refund itself
    assert fake.money_moves == 1  # only the funding
    await h.execute_update(EscrowWorkflow.sign, SignRequest("payer", "user"))
    assert (await h.result()).status == "released"
    # A released escrow's workflow has closed: later moves are refused by the API from the row
    # (tests/api), and the workflow itself takes no more updates.
    with pytest.raises(RPCError):
        await h.execute_update(EscrowWorkflow.refund, EscrowRefundRequest("payee", "agent", None))
    assert len(fake.settles) == 1  # released once, never twice


async def test_partial_then_full_refund(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue)
    await fund(h)
    part = await h.execute_update(EscrowWorkflow.refund, EscrowRefundRequest("payee", "agent", 2_500))
    assert (part.status, part.held, part.refunded) == ("partially_refunded", 7_500, 2_500)
    delivered = await deliver(h, 900_000)  # the rest still releases: fee on what is left
    assert (delivered.status, delivered.released, delivered.fee) == ("released", 6_750, 750)
    assert [r.key.rsplit(":", 1)[1] for r in fake.returns] == ["1"]


async def test_resolve_splits_and_refunds_card_payment(ts_env, task_queue, fake: Fake) -> None:
    from contracts.escrow import EscrowPaymentCompleted

    h = await start(ts_env, task_queue, currency="USD")
    await h.signal(EscrowWorkflow.payment_completed, EscrowPaymentCompleted("pay_1", 10_000, "USD", "stripe"))
    await h.signal(EscrowWorkflow.payment_completed, EscrowPaymentCompleted("pay_1", 10_000, "USD", "stripe"))
    await wait_status(h, "funded")
    await h.execute_update(EscrowWorkflow.dispute, DisputeRequest("payer", "user", "half done"))
    view = await h.execute_update(EscrowWorkflow.resolve, ResolveRequest("root", "admin", 6_000, "60/40"))
    assert (view.status, view.released, view.fee, view.refunded, view.held) == (
        "resolved",
        5_400,
        600,
        4_000,
        0,
    )
    assert [(s.funding_provider, s.payer_refund) for s in fake.settles] == [("stripe", 0)]
    assert [(r.payment_id, r.amount, r.idempotency_key) for r in fake.provider_refunds] == [
        ("pay_1", 4_000, f"esc:{view.contract_id}:resolve:payer")
    ]
    assert view.funding_payment_id == "pay_1"


async def test_insufficient_credits_leave_escrow_unfunded(ts_env, task_queue, fake: Fake) -> None:
    fake.fund_refusal = "InsufficientFunds"
    h = await start(ts_env, task_queue)
    err = await refused(fund(h))
    assert err.type == "InsufficientFunds"
    assert (await h.query(EscrowWorkflow.state)).status == "created"
    fake.fund_refusal = None
    assert (await fund(h)).status == "funded"


async def test_card_funded_refunds_go_through_the_payment(ts_env, task_queue, fake: Fake) -> None:
    from contracts.escrow import EscrowPaymentCompleted

    h = await start(ts_env, task_queue, currency="USD")
    await h.signal(EscrowWorkflow.payment_completed, EscrowPaymentCompleted("pay_2", 10_000, "USD", "paypal"))
    await wait_status(h, "funded")
    part = await h.execute_update(EscrowWorkflow.refund, EscrowRefundRequest("root", "admin", 3_000))
    assert (part.status, part.held) == ("partially_refunded", 7_000)
    view: EscrowView = await h.result()  # the delivery deadline refunds the rest
    assert (view.status, view.refunded, view.held) == ("refunded", 10_000, 0)
    assert [(r.payment_id, r.amount, r.idempotency_key.rsplit(":", 1)[1]) for r in fake.provider_refunds] == [
        ("pay_2", 3_000, "1"),
        ("pay_2", 7_000, "2"),
    ]
    assert fake.returns == []  # nothing went to a credits wallet
    # A second payment for an escrow already funded goes straight back.


# ---- a provider payment claimed the funding before the deadline / a cancel -----------------------


async def test_funding_deadline_waits_for_a_payment_that_claimed_the_funding(
    ts_env, task_queue, fake: Fake
) -> None:
    """The row says a card payment has claimed the funding (its money is in the holding account):
    the deadline does not expire the escrow; the payment's signal funds it, once."""
    fake.claimed_by = "pay_claim"
    h = await start(ts_env, task_queue, currency="USD")
    await ts_env.sleep(timedelta(days=4))  # well past the 3-day funding deadline
    view = await h.query(EscrowWorkflow.state)
    assert (view.status, view.funding_deadline) == ("created", None)
    assert [e.kind for e in view.events] == ["created", "funding_claimed"]
    assert [(c.contract_id, c.status) for c in fake.closes] == [(view.contract_id, "expired")]
    paid = EscrowPaymentCompleted("pay_claim", 10_000, "USD", "stripe", "txn_1")
    await h.signal(EscrowWorkflow.payment_completed, paid)
    await h.signal(EscrowWorkflow.payment_completed, paid)  # a duplicate delivery counts once
    await wait_status(h, "funded")
    view = await h.query(EscrowWorkflow.state)
    assert (view.held, view.funding_payment_id, view.funding_provider) == (10_000, "pay_claim", "stripe")
    assert [e.kind for e in view.events].count("funded") == 1
    assert fake.provider_refunds == []  # nothing sent back: the claimed payment is the funding


async def test_cancel_is_refused_while_a_payment_holds_the_funding_claim(
    ts_env, task_queue, fake: Fake
) -> None:
    fake.claimed_by = "pay_claim"
    h = await start(ts_env, task_queue, currency="USD")
    err = await refused(
        h.execute_update(EscrowWorkflow.cancel, CancelRequest("payer", "user", "changed mind"))
    )
    assert err.type == "Conflict" and err.details[0]["code"] == "escrow_funding_in_flight"
    assert (await h.query(EscrowWorkflow.state)).status == "created"
    fake.claimed_by = None  # (a fresh escrow, nothing claimed) cancels as before
    other = await start(ts_env, task_queue)
    view = await other.execute_update(EscrowWorkflow.cancel, CancelRequest("payer", "user", "no"))
    assert view.status == "cancelled"
    assert [c.status for c in fake.closes] == ["cancelled", "cancelled"]
