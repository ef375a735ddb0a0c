"""EscrowWorkflow: who may release (issue 11 case 3), chargebacks freezing the hold (case 7), and
bounded history (issue 12: one signature per signer, slim results, continue-as-new)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.escrow import (
    ChargebackClosed,
    ChargebackOpened,
    DeliverRequest,
    EscrowPaymentCompleted,
    EscrowRefundRequest,
    EscrowView,
    ScoreRequest,
    SignRequest,
)
from tests.workflows.test_escrow_workflow import (
    _STARTED,
    Fake,
    fund,
    refused,
    start,
    wait_status,
)
from workflows.escrow import EscrowWorkflow

VALIDATOR = ("mesh", "service")


@pytest.fixture
async def fake(ts_env: WorkflowEnvironment, task_queue: str) -> AsyncIterator[Fake]:
    f = Fake()
    async with Worker(
        ts_env.client, task_queue=task_queue, workflows=[EscrowWorkflow], activities=f.activities()
    ):  # type: ignore[arg-type]
        yield f
    for h in _STARTED:  # the time-skipping clock is shared: end what this test left waiting
        with contextlib.suppress(Exception):
            await h.terminate("test finished")
    _STARTED.clear()


async def test_the_payee_cannot_release_to_itself_with_a_score(ts_env, task_queue, fake: Fake) -> None:
    """The seed's attack: signers=[a,b], M=2; the payee posts deliver with score 1 → refused, and a
    delivery without a score waits for the signatures."""
    h = await start(ts_env, task_queue, signers=["a", "b"], required_signatures=2)
    await fund(h)
    err = await refused(h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent", 1_000_000)))
    assert (err.type, err.details[0]["code"]) == ("Forbidden", "validator_required")
    # Even a workflow client claiming `validator` cannot score as the payee.
    err = await refused(
        h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent", 1_000_000, validator=True))
    )
    assert err.details[0]["code"] == "validator_required"
    assert (await h.query(EscrowWorkflow.state)).status == "funded"
    view = await h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent", None, "s3://x"))
    assert (view.status, view.validation_score_ppm, view.held) == ("delivered", None, 10_000)
    err = await refused(h.execute_update(EscrowWorkflow.score, ScoreRequest("payee", "agent", 1_000_000)))
    assert err.details[0]["code"] == "validator_required"
    assert fake.settles == []
    await h.execute_update(EscrowWorkflow.sign, SignRequest("a", "user"))
    assert fake.settles == []
    signed = await h.execute_update(EscrowWorkflow.sign, SignRequest("b", "user"))
    assert signed.view.status == "released" and len(fake.settles) == 1


async def test_a_validator_score_releases_under_the_default_policy(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue, signers=["a", "b"], required_signatures=2)
    await fund(h)
    await h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent"))
    low = await h.execute_update(EscrowWorkflow.score, ScoreRequest(*VALIDATOR, 700_000, validator=True))
    assert (low.status, low.validation_score_ppm) == ("delivered", 700_000) and fake.settles == []
    high = await h.execute_update(EscrowWorkflow.score, ScoreRequest(*VALIDATOR, 800_000, validator=True))
    assert high.status == "released" and [s.payee_net for s in fake.settles] == [9_000]
    assert high.events == []  # Update results are slim: the events are in the database


async def test_no_score_overrides_signatures_only(ts_env, task_queue, fake: Fake) -> None:
    h = await start(
        ts_env, task_queue, signers=["a", "b"], required_signatures=2, release_policy="signatures_only"
    )
    await fund(h)
    view = await h.execute_update(
        EscrowWorkflow.deliver, DeliverRequest(*VALIDATOR, 1_000_000, validator=True)
    )
    assert (view.status, view.validation_score_ppm) == ("delivered", 1_000_000)
    await ts_env.sleep(timedelta(days=8))  # past the review period: it releases nothing here
    assert (await h.query(EscrowWorkflow.state)).status == "delivered" and fake.settles == []
    await h.execute_update(EscrowWorkflow.sign, SignRequest("a", "user"))
    done = await h.execute_update(EscrowWorkflow.sign, SignRequest("b", "user"))
    assert done.view.status == "released" and len(fake.settles) == 1


async def test_score_only_refuses_signatures(ts_env, task_queue, fake: Fake) -> None:
    h = await start(ts_env, task_queue, signers=["payer"], release_policy="score_only")
    await fund(h)
    await h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent"))
    err = await refused(h.execute_update(EscrowWorkflow.sign, SignRequest("payer", "user")))
    assert err.details[0]["code"] == "signatures_not_used"
    view = await h.execute_update(EscrowWorkflow.score, ScoreRequest(*VALIDATOR, 900_000, validator=True))
    assert view.status == "released"


# ---- chargebacks -----------------------------------------------------------------------------


async def _card_funded(env: WorkflowEnvironment, tq: str, **over: object) -> WorkflowHandle:
    h = await start(env, tq, currency="USD", **over)
    await h.signal(
        EscrowWorkflow.payment_completed, EscrowPaymentCompleted("pay_cb", 10_000, "USD", "stripe")
    )
    await wait_status(h, "funded")
    return h


async def _frozen(h: WorkflowHandle) -> EscrowView:
    for _ in range(200):
        view = await h.query(EscrowWorkflow.state)
        if view.frozen:
            return view
        await asyncio.sleep(0.01)
    raise AssertionError("never froze")


async def test_a_chargeback_freezes_release_and_a_loss_takes_the_hold(ts_env, task_queue, fake: Fake) -> None:
    h = await _card_funded(ts_env, task_queue, signers=["payer"])
    await h.signal(EscrowWorkflow.chargeback_opened, ChargebackOpened("du_1", 10_000, "USD"))
    await h.signal(EscrowWorkflow.chargeback_opened, ChargebackOpened("du_1", 10_000, "USD"))  # duplicate
    await _frozen(h)
    await h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent"))
    signed = await h.execute_update(EscrowWorkflow.sign, SignRequest("payer", "user"))
    assert (signed.counted, signed.view.status) == (True, "delivered")  # counted, release frozen
    err = await refused(h.execute_update(EscrowWorkflow.refund, EscrowRefundRequest("root", "admin", None)))
    assert err.details[0]["code"] == "escrow_frozen"
    await ts_env.sleep(timedelta(days=30))  # review period and more: nothing leaves the hold
    assert fake.settles == [] and fake.provider_refunds == []
    await h.signal(EscrowWorkflow.chargeback_closed, ChargebackClosed("du_1", "lost", 10_000))
    view: EscrowView = await h.result()
    assert (view.status, view.held, view.charged_back, view.released, view.frozen) == (
        "refunded",
        0,
        10_000,
        0,
        False,
    )
    assert fake.settles == [] and fake.provider_refunds == []  # paid back once: by the chargeback


async def test_a_partial_loss_then_the_rest_releases(ts_env, task_queue, fake: Fake) -> None:
    h = await _card_funded(ts_env, task_queue, signers=["payer"])
    await h.signal(EscrowWorkflow.chargeback_opened, ChargebackOpened("du_2", 4_000, "USD"))
    await _frozen(h)
    await h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent"))
    await h.execute_update(EscrowWorkflow.sign, SignRequest("payer", "user"))
    await h.signal(EscrowWorkflow.chargeback_closed, ChargebackClosed("du_2", "lost", 4_000))
    view: EscrowView = await h.result()  # unfrozen with the signature in: released at once
    assert (view.status, view.charged_back, view.released, view.fee) == ("released", 4_000, 5_400, 600)
    assert [(s.payee_net, s.fee) for s in fake.settles] == [(5_400, 600)]


async def test_a_won_chargeback_unfreezes(ts_env, task_queue, fake: Fake) -> None:
    h = await _card_funded(ts_env, task_queue)
    await h.signal(EscrowWorkflow.chargeback_opened, ChargebackOpened("du_3", 10_000, "USD"))
    await _frozen(h)
    await ts_env.sleep(timedelta(days=31))  # the delivery deadline would have refunded
    assert fake.provider_refunds == []
    await h.signal(EscrowWorkflow.chargeback_closed, ChargebackClosed("du_3", "won"))
    view: EscrowView = await h.result()  # the overdue delivery deadline applies now
    assert (view.status, view.refunded, view.charged_back) == ("refunded", 10_000, 0)
    assert [r.amount for r in fake.provider_refunds] == [10_000]


# ---- history stays bounded --------------------------------------------------------------------


async def test_continues_as_new_and_keeps_its_state(ts_env, task_queue, fake: Fake) -> None:
    signers = ["payer", "s2", "s3", "s4"]
    h = await start(ts_env, task_queue, signers=signers, required_signatures=4, changes_per_run=3)
    await fund(h)
    await h.execute_update(EscrowWorkflow.deliver, DeliverRequest("payee", "agent", None, "s3://w"))
    for s in signers[:3]:
        await h.execute_update(EscrowWorkflow.sign, SignRequest(s, "user"))
    mid = await h.query(EscrowWorkflow.state)
    assert (mid.status, mid.signatures, mid.evidence_url) == ("delivered", signers[:3], "s3://w")
    first_run = ts_env.client.get_workflow_handle(h.id, run_id=h.result_run_id)
    last_event = [e async for e in first_run.fetch_history_events()][-1]
    assert last_event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
    last = await h.execute_update(EscrowWorkflow.sign, SignRequest("s4", "user"))
    assert last.view.status == "released" and len(fake.settles) == 1
    seqs = [r.event.seq for r in fake.records if r.event is not None]
    assert seqs == sorted(set(seqs)) and seqs[0] == 1  # event numbering carries over the runs
