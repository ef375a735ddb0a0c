"""Idempotent money steps outlast outages; only refusals from the one list stop them (issue 12.1).

On the time-skipping server: an activity that fails for 20+ simulated minutes (a database or
provider outage) must not fail the workflow; a domain refusal (CurrencyMismatch, even raised raw,
not wrapped by activities.errors) must stop at the first attempt in every workflow.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio import activity
from temporalio.client import WorkflowFailureError
from temporalio.worker import Worker

from activities.deps import Deps
from activities.disputes import DisputeActivities
from activities.payouts import PayoutActivities
from api.routes.disputes import on_dispute_closed, on_dispute_created
from contracts import payments as c
from contracts.disputes import RESOLVE_ACTIVITY, DisputeResolution, DisputeResult, chargeback_workflow_id
from contracts.errors import NON_RETRYABLE_ERROR_TYPES
from contracts.payouts import MARK_PAID_ACTIVITY, SEND_ACTIVITY, PayoutRef, PayoutView, ProviderStatus
from db.session import unit_of_work
from domain.errors import CurrencyMismatch, DomainError
from services import payouts
from tests.db.test_payout_service import balances, payee_with_destination
from tests.workflows.test_payment_workflow import Fake, _inp, _run
from tests.workflows.test_payout_workflow import _dispute_event, _start
from workflows.chargeback import ChargebackWorkflow
from workflows.payout import PayoutWorkflow

OUTAGE_ATTEMPTS = 30  # with 1 s → 1 min capped backoff: ~25 simulated minutes of failures
OUTAGE = timedelta(minutes=20)


class Outage:
    """Fails the first `attempts` tries of an activity like a dead database would."""

    def __init__(self, attempts: int = OUTAGE_ATTEMPTS) -> None:
        self.attempts = attempts
        self.calls = 0

    def hit(self) -> None:
        self.calls += 1
        if activity.info().attempt <= self.attempts:
            raise ConnectionError("database unavailable")


def test_the_one_list_covers_the_domain_tree_and_provider_refusals() -> None:
    import domain.pricing_params  # a DomainError subclass outside domain/errors.py
    from providers.base import ProviderDeclined
    from providers.payouts import PayoutRejected

    def tree(cls: type) -> set[str]:  # the refusals the rules of money define (domain/)
        own = {cls.__name__} if cls.__module__.startswith("domain") else set()
        return own.union(*(tree(sub) for sub in cls.__subclasses__()))

    assert domain.pricing_params.InvalidRule.__name__ in NON_RETRYABLE_ERROR_TYPES
    assert tree(DomainError) <= set(NON_RETRYABLE_ERROR_TYPES)
    # An outage dressed as a DomainError (the gateway's 503) must stay retryable.
    assert "TemporalUnavailable" not in NON_RETRYABLE_ERROR_TYPES
    assert {ProviderDeclined.__name__, PayoutRejected.__name__} <= set(NON_RETRYABLE_ERROR_TYPES)
    assert "ConnectionError" not in NON_RETRYABLE_ERROR_TYPES


def _payout_worker(env, task_queue, session_factory, settings, **overrides):  # type: ignore[no-untyped-def]
    deps = Deps(
        settings=settings.model_copy(update={"task_queue": task_queue, "payouts_search_attributes": False}),
        session_factory=session_factory,
        client=env.client,
    )
    real = PayoutActivities(deps)

    @activity.defn(name=SEND_ACTIVITY)
    async def send(ref: PayoutRef) -> ProviderStatus:
        async with unit_of_work(session_factory) as s:
            await payouts.mark_in_transit(s, ref.payout_id, f"ref_{ref.payout_id}")
        return ProviderStatus("paid", f"ref_{ref.payout_id}")

    acts = {SEND_ACTIVITY: send, MARK_PAID_ACTIVITY: real.mark_paid}
    for act in [real.fail, real.release_reserve, *DisputeActivities(deps).all()]:
        acts[act.__temporal_activity_definition.name] = act  # type: ignore[attr-defined]
    acts.update(overrides)
    return Worker(
        env.client,
        task_queue=task_queue,
        workflows=[PayoutWorkflow, ChargebackWorkflow],
        activities=list(acts.values()),
    )


async def test_payout_mark_paid_outlasts_a_20_minute_outage(
    ts_env, task_queue, session_factory, settings
) -> None:
    payee = await payee_with_destination(session_factory, 3_000)
    outage = Outage()
    real = PayoutActivities(Deps(settings=settings, session_factory=session_factory, client=ts_env.client))

    @activity.defn(name=MARK_PAID_ACTIVITY)
    async def mark_paid(ref: PayoutRef) -> PayoutView:
        outage.hit()
        return await real.mark_paid(ref)

    async with _payout_worker(
        ts_env, task_queue, session_factory, settings, **{MARK_PAID_ACTIVITY: mark_paid}
    ):
        began = await ts_env.get_current_time()
        p, handle = await _start(ts_env, session_factory, settings, task_queue, payee, 3_000)
        view = await handle.result()
        elapsed = await ts_env.get_current_time() - began
    assert view.status == "paid"
    assert outage.calls == OUTAGE_ATTEMPTS + 1 and elapsed > OUTAGE
    # 2,700 sent, the 300 reserve back in earnings when its (skipped) window ended
    assert await balances(session_factory, payee) == {"earnings": 300, "transit": 0, "reserve": 0}
    async with session_factory() as s:
        assert (await payouts.get_payout(s, p.id)).status == "paid"


async def test_currency_mismatch_from_a_payout_provider_is_a_refusal(
    ts_env, task_queue, session_factory, settings
) -> None:
    payee = await payee_with_destination(session_factory, 2_000)
    attempts: list[int] = []

    @activity.defn(name=SEND_ACTIVITY)
    async def send(ref: PayoutRef) -> ProviderStatus:
        attempts.append(activity.info().attempt)
        if len(attempts) <= 3:  # raised raw: the one list, not the raiser, makes it final
            raise CurrencyMismatch("the destination account is held in EUR")
        return ProviderStatus("paid", "ref")

    async with _payout_worker(ts_env, task_queue, session_factory, settings, **{SEND_ACTIVITY: send}):
        _p, handle = await _start(ts_env, session_factory, settings, task_queue, payee, 2_000)
        view = await handle.result()
    assert attempts == [1]
    assert (view.status, view.failure_code) == ("failed", "CurrencyMismatch")
    assert await balances(session_factory, payee) == {"earnings": 2_000, "transit": 0, "reserve": 0}


async def _open_dispute(ts_env, task_queue, session_factory, settings, du: str):  # type: ignore[no-untyped-def]
    s2 = settings.model_copy(update={"task_queue": task_queue, "payouts_search_attributes": False})
    async with unit_of_work(session_factory) as s:
        await on_dispute_created(s, ts_env.client, s2, _dispute_event(du, "pi_none", "needs_response", 700))
    async with unit_of_work(session_factory) as s:
        await on_dispute_closed(s, ts_env.client, s2, _dispute_event(du, "pi_none", "won", 700))
    return ts_env.client.get_workflow_handle_for(ChargebackWorkflow.run, chargeback_workflow_id(du))


async def test_chargeback_resolve_outlasts_a_20_minute_outage(
    ts_env, task_queue, session_factory, settings
) -> None:
    du = f"du_{uuid.uuid4().hex[:12]}"
    outage = Outage()
    real = DisputeActivities(Deps(settings=settings, session_factory=session_factory, client=ts_env.client))

    @activity.defn(name=RESOLVE_ACTIVITY)
    async def resolve(res: DisputeResolution) -> DisputeResult:
        outage.hit()
        return await real.resolve(res)

    async with _payout_worker(ts_env, task_queue, session_factory, settings, **{RESOLVE_ACTIVITY: resolve}):
        handle = await _open_dispute(ts_env, task_queue, session_factory, settings, du)
        async with ts_env.time_skipping_unlocked():  # a handle by id does not unlock it itself
            result = await handle.result()
    assert result.outcome == "won" and outage.calls == OUTAGE_ATTEMPTS + 1


async def test_currency_mismatch_in_a_chargeback_is_not_retried(
    ts_env, task_queue, session_factory, settings
) -> None:
    du = f"du_{uuid.uuid4().hex[:12]}"
    attempts: list[int] = []

    @activity.defn(name=RESOLVE_ACTIVITY)
    async def resolve(res: DisputeResolution) -> DisputeResult:
        attempts.append(activity.info().attempt)
        raise CurrencyMismatch("the hold is in another currency")

    async with _payout_worker(ts_env, task_queue, session_factory, settings, **{RESOLVE_ACTIVITY: resolve}):
        handle = await _open_dispute(ts_env, task_queue, session_factory, settings, du)
        with pytest.raises(WorkflowFailureError):
            async with ts_env.time_skipping_unlocked():
                await handle.result()
    assert attempts == [1]


async def test_payment_poll_and_cancel_outlast_a_20_minute_provider_outage(ts_env, task_queue) -> None:
    """Poll fails for ~25 minutes, then the provider says succeeded: the payment completes."""
    outage = Outage()
    fake = Fake(poll_status="succeeded")
    acts = {a.__temporal_activity_definition.name: a for a in fake.activities()}  # type: ignore[attr-defined]

    @activity.defn(name=c.ACT_POLL_PROVIDER)
    async def poll(ref: c.PaymentRef) -> c.ProviderCreated:
        outage.hit()
        return c.ProviderCreated("succeeded", "pi_1")

    acts[c.ACT_POLL_PROVIDER] = poll
    fake.activities = lambda: list(acts.values())  # type: ignore[method-assign]
    _, outcome = await _run(ts_env, fake, _inp(expires_in_seconds=7200), task_queue)
    assert outcome.status == "completed" and outage.calls == OUTAGE_ATTEMPTS + 1

    cancel_outage = Outage()
    fake2 = Fake()
    acts2 = {a.__temporal_activity_definition.name: a for a in fake2.activities()}  # type: ignore[attr-defined]

    @activity.defn(name=c.ACT_CANCEL_PROVIDER)
    async def cancel(ref: c.PaymentRef) -> c.ProviderCreated:
        cancel_outage.hit()
        return c.ProviderCreated("canceled", "pi_1")

    acts2[c.ACT_CANCEL_PROVIDER] = cancel
    fake2.activities = lambda: list(acts2.values())  # type: ignore[method-assign]
    _, outcome = await _run(ts_env, fake2, _inp(expires_in_seconds=60), task_queue)
    assert outcome.status == "expired" and fake2.statuses == ["expired"]
    assert cancel_outage.calls == OUTAGE_ATTEMPTS + 1
