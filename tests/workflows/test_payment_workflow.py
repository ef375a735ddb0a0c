"""PaymentWorkflow on the time-skipping server with activities mocked by name."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio import activity
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts import payments as c
from workflows.payment import WORKFLOWS


class Fake:
    def __init__(self, create_status: str = "requires_action", poll_status: str = "requires_action") -> None:
        self.create_status, self.poll_status = create_status, poll_status
        self.calls: list[str] = []
        self.statuses: list[str] = []

    def activities(self) -> list:  # type: ignore[type-arg]
        fake = self

        @activity.defn(name=c.ACT_CREATE_PROVIDER)
        async def create(inp: c.PaymentInput) -> c.ProviderCreated:
            fake.calls.append("create")
            return c.ProviderCreated(
                fake.create_status, "pi_1", {"type": "client_secret", "client_secret": "s"}
            )

        @activity.defn(name=c.ACT_POLL_PROVIDER)
        async def poll(ref: c.PaymentRef) -> c.ProviderCreated:
            fake.calls.append("poll")
            return c.ProviderCreated(fake.poll_status, "pi_1")

        @activity.defn(name=c.ACT_CANCEL_PROVIDER)
        async def cancel(ref: c.PaymentRef) -> c.ProviderCreated:
            fake.calls.append("cancel")
            return c.ProviderCreated("canceled", "pi_1")

        @activity.defn(name=c.ACT_COMPLETE)
        async def complete(ref: c.PaymentRef) -> c.PaymentOutcome:
            fake.calls.append("complete")
            return c.PaymentOutcome(ref.payment_id, ref.status or "completed", "txn_1")

        @activity.defn(name=c.ACT_RECORD_STATUS)
        async def record(change: c.StatusChange) -> None:
            fake.statuses.append(change.status)

        @activity.defn(name=c.ACT_PAY_WITH_CREDITS)
        async def credits(inp: c.PaymentInput) -> c.PaymentOutcome:
            fake.calls.append("credits")
            return c.PaymentOutcome(inp.payment_id, "completed", "txn_c")

        @activity.defn(name=c.ACT_NOTIFY_PURPOSE)
        async def notify(ref: c.PaymentRef) -> None:
            fake.calls.append("notify")

        return [create, poll, cancel, complete, record, credits, notify]


def _inp(provider: str = "stripe", **kw: object) -> c.PaymentInput:
    return c.PaymentInput(
        payment_id=f"pay_{uuid.uuid4().hex[:8]}",
        payer_id="u1",
        amount=1000,
        currency="USD",
        provider=provider,
        search_attributes=False,
        **kw,
    )  # type: ignore[arg-type]


async def _run(env: WorkflowEnvironment, fake: Fake, inp: c.PaymentInput, task_queue: str, during=None):  # type: ignore[no-untyped-def]
    client: Client = env.client
    async with Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=fake.activities()):
        handle = await client.start_workflow(
            c.PAYMENT_WORKFLOW,
            inp,
            id=f"payment-{inp.payment_id}",
            result_type=c.PaymentOutcome,
            task_queue=task_queue,
        )
        started = await handle.execute_update(c.PAYMENT_NEXT_ACTION_UPDATE, result_type=c.PaymentStarted)
        if during is not None:
            await during(handle)
        return started, await handle.result()


async def test_webhook_signal_completes_once_and_duplicates_change_nothing(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = Fake()

    async def deliver(handle):  # type: ignore[no-untyped-def]
        for _ in range(3):
            await handle.signal(c.PAYMENT_CONFIRMED_SIGNAL, c.ProviderEvent("succeeded", "evt_1"))
        await handle.signal(c.PAYMENT_CONFIRMED_SIGNAL, c.ProviderEvent("failed", "evt_2"))  # out of order

    started, outcome = await _run(ts_env, fake, _inp(), task_queue, deliver)
    assert started.status == "requires_action" and started.next_action["client_secret"] == "s"
    assert outcome.status == "completed"
    assert fake.calls.count("complete") == 1


async def test_never_confirmed_expires_and_cancels_the_provider_object(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = Fake()
    _, outcome = await _run(ts_env, fake, _inp(expires_in_seconds=1800), task_queue)
    assert outcome.status == "expired"
    assert "cancel" in fake.calls and "complete" not in fake.calls
    assert fake.statuses == ["expired"]
    # polling backed off: 30, 60, 120, 240, 300, 300... s within 30 min, not one per second
    assert 3 <= fake.calls.count("poll") <= 10


async def test_polling_fallback_completes_without_a_webhook(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = Fake(poll_status="succeeded")
    _, outcome = await _run(ts_env, fake, _inp(), task_queue)
    assert outcome.status == "completed" and fake.calls.count("poll") == 1


async def test_cancel_signal_cancels(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = Fake()

    async def cancel(handle):  # type: ignore[no-untyped-def]
        await handle.signal(c.PAYMENT_CANCEL_SIGNAL)

    _, outcome = await _run(ts_env, fake, _inp(), task_queue, cancel)
    assert outcome.status == "cancelled" and fake.statuses == ["cancelled"]


async def test_credits_payment_is_one_activity(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = Fake()
    _, outcome = await _run(ts_env, fake, _inp("credits"), task_queue)
    # a local activity: no provider steps; it may run more than once (it is idempotent by key)
    assert outcome.status == "completed" and set(fake.calls) == {"credits"}


def test_timedelta_sanity() -> None:
    assert timedelta(seconds=1800).total_seconds() == 1800
