"""PaymentWorkflow's PayPal path on the time-skipping server (activities mocked by name): an
approval (webhook or poll) makes the workflow capture once; an order never approved expires uncaptured."""

from __future__ import annotations

from temporalio import activity

from contracts import payments as c
from tests.workflows.test_payment_workflow import Fake, _inp, _run


class PayPalFake(Fake):
    def __init__(self, poll_status: str = "requires_action", capture_status: str = "succeeded") -> None:
        super().__init__(poll_status=poll_status)
        self.capture_status = capture_status

    def activities(self) -> list:  # type: ignore[type-arg]
        fake = self

        @activity.defn(name=c.ACT_CONFIRM_PROVIDER)
        async def capture(args: c.ConfirmArgs) -> c.ProviderCreated:
            fake.calls.append("capture")
            return c.ProviderCreated(fake.capture_status, "ORDER1", failure_code="instrument_declined")

        return [*super().activities(), capture]


async def test_approval_webhook_captures_once(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = PayPalFake()

    async def approve(handle):  # type: ignore[no-untyped-def]
        for _ in range(3):  # PayPal redelivers; the event id dedupes
            await handle.signal(c.PAYMENT_CONFIRMED_SIGNAL, c.ProviderEvent("approved", "WH-1"))

    _, outcome = await _run(ts_env, fake, _inp("paypal"), task_queue, approve)
    assert outcome.status == "completed"
    assert fake.calls.count("capture") == 1 and fake.calls.count("complete") == 1


async def test_approval_seen_by_polling_captures(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    fake = PayPalFake(poll_status="approved")
    _, outcome = await _run(ts_env, fake, _inp("paypal"), task_queue)
    assert outcome.status == "completed"
    assert fake.calls.count("poll") == 1 and fake.calls.count("capture") == 1


async def test_declined_capture_fails_and_never_approved_expires_uncaptured(ts_env, task_queue) -> None:  # type: ignore[no-untyped-def]
    declined = PayPalFake(poll_status="approved", capture_status="failed")
    _, outcome = await _run(ts_env, declined, _inp("paypal"), task_queue)
    assert outcome.status == "failed" and outcome.failure_code == "instrument_declined"
    assert "complete" not in declined.calls

    never = PayPalFake()
    _, outcome = await _run(ts_env, never, _inp("paypal", expires_in_seconds=1800), task_queue + "-2")
    assert outcome.status == "expired"
    assert "capture" not in never.calls and "cancel" in never.calls
