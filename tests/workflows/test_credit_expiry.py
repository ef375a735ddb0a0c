"""The expiry sweeper on the time-skipping server against the real database: lots expire within a
minute of expires_at, exactly once, and a worker restart in the middle changes nothing."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.testing import ActivityEnvironment
from temporalio.worker import Worker

from activities.credits import CreditsActivities
from activities.deps import Deps
from contracts.credits import CreditExpiryInput, ExpireDueRequest
from db.models.credits import CreditLot
from db.models.ledger import LedgerTransaction
from db.session import unit_of_work
from domain import credits as rules
from services import credits, ledger
from tests.support.tokens import uid
from workflows.credit_expiry import CreditExpiryWorkflow

C = 10_000


async def _grant(factory, user: str, amount: int, expires_at=None) -> int:
    async with unit_of_work(factory) as s:
        res = await credits.grant_reward(
            s, user_id=user, amount=amount, reference=uid("g"), expires_at=expires_at, reason="test"
        )
    assert res.lot_id is not None
    return res.lot_id


def _worker(env, task_queue: str, deps: Deps, **kw: object) -> Worker:
    acts = CreditsActivities(deps)
    return Worker(
        env.client,
        task_queue=task_queue,
        workflows=[CreditExpiryWorkflow],
        activities=[acts.expire_due, acts.next_expiry],
        **kw,  # type: ignore[arg-type]
    )


async def _expiry_txns(factory, lot_id: int) -> list[LedgerTransaction]:
    async with factory() as s:
        stmt = select(LedgerTransaction).where(
            LedgerTransaction.idempotency_key.like(f"credits:expire:{lot_id}:%")
        )
        return list((await s.execute(stmt)).scalars().all())


async def test_lot_expires_within_a_minute_exactly_once(
    ts_env, task_queue, session_factory, settings
) -> None:
    deps = Deps(settings=settings, session_factory=session_factory, client=ts_env.client)
    now = await ts_env.get_current_time()
    user = uid()
    expires = now + timedelta(minutes=10, seconds=7)
    lot = await _grant(session_factory, user, 5 * C, expires)
    keep = await _grant(session_factory, user, 3 * C)  # never expires
    later = await _grant(session_factory, user, 2 * C, now + timedelta(days=30))  # not yet

    async with _worker(ts_env, task_queue, deps):
        handle = await ts_env.client.start_workflow(
            CreditExpiryWorkflow.run,
            CreditExpiryInput(poll_seconds=60, until=(expires + timedelta(minutes=5)).isoformat()),
            id=uid("credits-expiry-test"),
            task_queue=task_queue,
        )
        summary = await handle.result()
    assert summary.expired_lots >= 1 and summary.expired_amount >= 5 * C

    txns = await _expiry_txns(session_factory, lot)
    assert len(txns) == 1
    as_of = txns[0].metadata_["as_of"]
    swept_at = datetime.fromisoformat(as_of)
    assert expires <= swept_at <= expires + timedelta(minutes=1)

    async with session_factory() as s:
        lots = {
            r.id: r for r in (await s.execute(select(CreditLot).where(CreditLot.user_id == user))).scalars()
        }
        assert (lots[lot].remaining, lots[lot].expired) == (0, 5 * C)
        assert lots[keep].remaining == 3 * C and lots[later].remaining == 2 * C
        assert await ledger.balance(s, f"wallet:{user}:CREDIT") == 5 * C
        view = await credits.balance_view(s, user, now=swept_at)
        assert view.balance == 5 * C and [a for _, a in view.expiring] == [2 * C]

    # The activity run again (say its result was lost in a crash) expires nothing twice.
    again = await ActivityEnvironment().run(
        CreditsActivities(deps).expire_due,
        ExpireDueRequest(as_of=(expires + timedelta(minutes=2)).isoformat()),
    )
    assert lot not in again.lot_ids
    assert len(await _expiry_txns(session_factory, lot)) == 1


async def test_worker_restart_mid_sleep_still_expires_once(
    ts_env, task_queue, session_factory, settings
) -> None:
    deps = Deps(settings=settings, session_factory=session_factory, client=ts_env.client)
    now = await ts_env.get_current_time()
    user = uid()
    expires = now + timedelta(minutes=3)
    lot = await _grant(session_factory, user, 4 * C, expires)
    wf_id = uid("credits-expiry-restart")
    # No sticky cache: the next workflow task must not wait for the stopped worker's sticky queue.
    async with _worker(ts_env, task_queue, deps, max_cached_workflows=0):
        handle = await ts_env.client.start_workflow(
            CreditExpiryWorkflow.run,
            CreditExpiryInput(until=(expires + timedelta(minutes=2)).isoformat()),
            id=wf_id,
            task_queue=task_queue,
        )
        for _ in range(200):  # until the first sweep is done and the workflow sleeps on its timer
            events = [e.event_type async for e in handle.fetch_history_events()]
            if EventType.EVENT_TYPE_TIMER_STARTED in events:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the sweeper never went to sleep")
    # the first worker is gone; a new one picks the workflow up where it slept
    async with _worker(ts_env, task_queue, deps):
        await handle.result()
    assert len(await _expiry_txns(session_factory, lot)) == 1
    async with session_factory() as s:
        assert await ledger.balance(s, f"wallet:{user}:CREDIT") == 0
        assert await ledger.balance(s, rules.EXPIRED) > 0
