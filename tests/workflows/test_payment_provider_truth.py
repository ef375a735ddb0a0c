"""PaymentWorkflow takes the provider's word, not a signal's (time-skipping server, activities
mocked by name): an unconfirmed completion posts nothing and the workflow keeps waiting; a PayPal
capture left PENDING never expires; a cancel after a crypto deposit ends in what the DB decided."""

from __future__ import annotations

import asyncio

from temporalio import activity

from contracts import payments as c
from tests.workflows.test_payment_workflow import Fake, _inp, _run


def without(activities: list, name: str) -> list:  # type: ignore[type-arg]
    """The base fake's activities less the one (by function name) a test replaces."""
    return [a for a in activities if a.__name__ != name]


class Unconfirmed(Fake):
    """The completion activity re-reads the provider: the first time (a forged signal) the object
    has not succeeded; later (the poll saw it succeed) it has."""

    def __init__(self) -> None:
        super().__init__(poll_status="succeeded")

    def activities(self) -> list:  # type: ignore[type-arg]
        fake = self
        others = without(super().activities(), "complete")

        @activity.defn(name=c.ACT_COMPLETE)
        async def complete(ref: c.PaymentRef) -> c.PaymentOutcome:
            fake.calls.append("complete")
            if fake.calls.count("complete") == 1:
                return c.PaymentOutcome(
                    ref.payment_id, c.UNCONFIRMED, failure_code="provider_requires_action"
                )
            return c.PaymentOutcome(ref.payment_id, "completed", "txn_1")

        return [*others, complete]


async def test_a_completion_the_provider_does_not_confirm_keeps_the_payment_waiting(
    ts_env, task_queue
) -> None:  # type: ignore[no-untyped-def]
    fake = Unconfirmed()

    async def forge(handle):  # type: ignore[no-untyped-def]
        await handle.signal(c.PAYMENT_CONFIRMED_SIGNAL, c.ProviderEvent("succeeded", "forged"))

    _, outcome = await _run(ts_env, fake, _inp(), task_queue, forge)
    # The forged signal's completion posted nothing; the poll that later saw success completed it.
    assert outcome.status == "completed"
    assert fake.calls.count("complete") == 2 and "poll" in fake.calls


class PendingCapture(Fake):
    """PayPal: the buyer approved, the capture comes back PENDING (processing) and stays so for
    longer than the payment's expiry, then PayPal completes it."""

    def __init__(self, polls_until_final: int = 14) -> None:
        super().__init__()
        self.polls_until_final = polls_until_final

    def activities(self) -> list:  # type: ignore[type-arg]
        fake = self
        others = without(super().activities(), "poll")

        @activity.defn(name=c.ACT_POLL_PROVIDER)
        async def poll(ref: c.PaymentRef) -> c.ProviderCreated:
            fake.calls.append("poll")
            n = fake.calls.count("poll")
            if n == 1:
                return c.ProviderCreated("approved", "ORDER1")
            return c.ProviderCreated("succeeded" if n >= fake.polls_until_final else "processing", "ORDER1")

        @activity.defn(name=c.ACT_CONFIRM_PROVIDER)
        async def capture(args: c.ConfirmArgs) -> c.ProviderCreated:
            fake.calls.append("capture")
            return c.ProviderCreated("processing", "ORDER1")

        return [*others, poll, capture]


async def test_a_pending_paypal_capture_never_expires(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = PendingCapture()
    _, outcome = await _run(ts_env, fake, _inp("paypal", expires_in_seconds=1800), task_queue)
    # Polls at 30, 60, 120, 240, 300 s...: the 14th is well past the 30-minute expiry.
    assert outcome.status == "completed"
    assert "cancel" not in fake.calls and fake.statuses == []
    assert fake.calls.count("capture") == 1 and fake.calls.count("complete") == 1


class CryptoCancelled(Fake):
    """The cancel reaches a crypto payment that has a partial deposit: the DB ends it underpaid."""

    def activities(self) -> list:  # type: ignore[type-arg]
        fake = self
        others = without(super().activities(), "record")

        @activity.defn(name=c.ACT_RECORD_STATUS)
        async def record(change: c.StatusChange) -> c.PaymentOutcome:
            fake.statuses.append(change.status)
            return c.PaymentOutcome(change.payment_id, "underpaid")

        return [*others, record]


async def test_a_cancelled_crypto_payment_ends_in_the_status_the_deposits_decide(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = CryptoCancelled()

    async def cancel(handle):  # type: ignore[no-untyped-def]
        await handle.signal(c.PAYMENT_CANCEL_SIGNAL)

    _, outcome = await _run(ts_env, fake, _inp("crypto"), task_queue, cancel)
    assert fake.statuses == ["cancelled"]
    assert outcome.status == "underpaid"


class SignalDuringPoll(Fake):
    """The webhook's confirmation arrives while a fallback poll is in flight, and the poll returns
    after the expiry deadline: the confirmation is pending when the loop next looks at the clock."""

    def __init__(self, client) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.client = client

    def activities(self) -> list:  # type: ignore[type-arg]
        fake = self

        @activity.defn(name=c.ACT_POLL_PROVIDER)
        async def poll(ref: c.PaymentRef) -> c.ProviderCreated:
            fake.calls.append("poll")
            if fake.calls.count("poll") == 1:
                handle = fake.client.get_workflow_handle(f"payment-{ref.payment_id}")
                await handle.signal(c.PAYMENT_CONFIRMED_SIGNAL, c.ProviderEvent("succeeded", "evt_1"))
                await asyncio.sleep(2.5)  # past the 2 s deadline
            return c.ProviderCreated("requires_action", "pi_1")

        return [*without(super().activities(), "poll"), poll]


async def test_a_confirmation_pending_at_the_deadline_completes_instead_of_expiring(
    ts_env, task_queue
) -> None:  # type: ignore[no-untyped-def]
    fake = SignalDuringPoll(ts_env.client)
    _, outcome = await _run(ts_env, fake, _inp(expires_in_seconds=2, poll_initial_seconds=1), task_queue)
    assert outcome.status == "completed"
    assert "cancel" not in fake.calls and fake.calls.count("complete") == 1


class SlowCapture(Fake):
    """PayPal: the buyer's confirm captures, and the capture call outlasts the expiry deadline."""

    def activities(self) -> list:  # type: ignore[type-arg]
        fake = self

        @activity.defn(name=c.ACT_CONFIRM_PROVIDER)
        async def capture(args: c.ConfirmArgs) -> c.ProviderCreated:
            fake.calls.append("capture")
            await asyncio.sleep(2.5)  # past the 2 s deadline
            return c.ProviderCreated("succeeded", "ORDER1")

        return [*super().activities(), capture]


async def test_a_capture_in_flight_at_the_deadline_is_not_raced_by_the_expiry(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = SlowCapture()

    async def confirm(handle):  # type: ignore[no-untyped-def]
        await handle.execute_update(
            c.PAYMENT_CONFIRM_UPDATE, c.ConfirmRequest(), result_type=c.PaymentStarted
        )

    _, outcome = await _run(
        ts_env, fake, _inp("paypal", expires_in_seconds=2, poll_initial_seconds=60), task_queue, confirm
    )
    # Captured at PayPal while the deadline passed: completed, never cancelled/expired around it.
    assert outcome.status == "completed"
    assert "cancel" not in fake.calls and fake.statuses == []
    assert fake.calls.count("capture") == 1 and fake.calls.count("complete") == 1
