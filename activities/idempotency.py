"""The purge of expired Idempotency-Keys: one bounded DELETE per call."""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity

from activities.deps import Deps
from contracts.idempotency import IDEMPOTENCY_PURGE_ACTIVITY, PurgeRequest, PurgeResult
from db.base import utcnow
from db.repositories import idempotency as repo
from db.session import unit_of_work


class IdempotencyActivities:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @activity.defn(name=IDEMPOTENCY_PURGE_ACTIVITY)
    async def purge_expired(self, req: PurgeRequest) -> PurgeResult:
        batch = req.batch or self.deps.settings.idempotency_purge_batch
        async with unit_of_work(self.deps.session_factory) as session:
            deleted = await repo.purge_expired(session, utcnow(), batch)
        return PurgeResult(deleted, more=deleted >= batch)

    def all(self) -> list[Callable[..., object]]:
        return [self.purge_expired]
