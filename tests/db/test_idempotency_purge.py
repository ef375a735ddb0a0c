"""Expired Idempotency-Keys are purged on a schedule: the activity deletes expired rows in bounded
batches and leaves live ones; the worker's schedule is created once; the workflow drains them."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from temporalio.client import Client
from temporalio.worker import Worker

from activities.deps import Deps
from activities.idempotency import IdempotencyActivities
from contracts.idempotency import IDEMPOTENCY_PURGE_SCHEDULE_ID, IDEMPOTENCY_PURGE_WORKFLOW, PurgeRequest
from db.base import utcnow
from db.models.platform import IdempotencyRecord
from db.session import unit_of_work
from workers.schedules import ensure_idempotency_purge_schedule
from workflows.idempotency_purge import IdempotencyPurgeWorkflow


async def _seed(factory, principal: str, *, expired: int, live: int) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    async with unit_of_work(factory) as s:
        for i in range(expired + live):
            gone = i < expired
            s.add(
                IdempotencyRecord(
                    principal_id=principal,
                    key=f"k{i}",
                    method="POST",
                    path="/x",
                    request_hash="h" * 64,
                    status_code=200,
                    created_at=now - timedelta(days=2),
                    expires_at=now - timedelta(hours=1) if gone else now + timedelta(hours=1),
                )
            )


async def _left(factory, principal: str) -> int:  # type: ignore[no-untyped-def]
    async with factory() as s:
        return int(
            await s.scalar(
                select(func.count())
                .select_from(IdempotencyRecord)
                .where(IdempotencyRecord.principal_id == principal)
            )
            or 0
        )


async def test_the_purge_deletes_expired_keys_in_batches_and_keeps_live_ones(
    settings,
    session_factory,  # type: ignore[no-untyped-def]
) -> None:
    principal = f"p_{uuid.uuid4().hex[:8]}"
    await _seed(session_factory, principal, expired=5, live=2)
    acts = IdempotencyActivities(Deps(settings=settings, session_factory=session_factory, client=None))  # type: ignore[arg-type]
    rounds = 0
    while True:
        res = await acts.purge_expired(PurgeRequest(batch=2))
        rounds += 1
        if not res.more:
            break
    assert rounds >= 3  # 5 expired rows in batches of 2 (other tests' expired rows may add more)
    assert await _left(session_factory, principal) == 2


async def test_the_schedule_is_created_once_and_its_workflow_drains_expired_keys(
    dev_env,
    settings,
    session_factory,
    task_queue,  # type: ignore[no-untyped-def]
) -> None:
    client: Client = dev_env.client
    assert await ensure_idempotency_purge_schedule(client, task_queue=task_queue) in (True, False)
    assert await ensure_idempotency_purge_schedule(client, task_queue=task_queue) is False
    desc = await client.get_schedule_handle(IDEMPOTENCY_PURGE_SCHEDULE_ID).describe()
    assert desc.schedule.spec.intervals[0].every == timedelta(hours=1)

    principal = f"p_{uuid.uuid4().hex[:8]}"
    await _seed(session_factory, principal, expired=3, live=1)
    deps = Deps(settings=settings, session_factory=session_factory, client=client)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[IdempotencyPurgeWorkflow],
        activities=IdempotencyActivities(deps).all(),
    ):
        await client.execute_workflow(
            IDEMPOTENCY_PURGE_WORKFLOW, PurgeRequest(batch=2), id=f"purge-{principal}", task_queue=task_queue
        )
    assert await _left(session_factory, principal) == 1
