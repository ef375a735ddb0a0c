"""Trivial workflows for the Temporal floors (own module: the sandbox re-imports a workflow's module).

- FloorWorkflow: waits for an Update or a finish signal — start latency and Update round trip.
- OneActivityWorkflow: one no-op activity — workflows per second with one Python worker.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn(name="floor_noop")
async def floor_noop(n: int) -> int:
    return n


@workflow.defn(name="FloorWorkflow")
class FloorWorkflow:
    def __init__(self) -> None:
        self._done = False
        self._count = 0

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._done)
        return self._count

    @workflow.update(name="bump")
    async def bump(self, n: int) -> int:
        self._count += n
        return self._count

    @workflow.signal(name="finish")
    def finish(self) -> None:
        self._done = True


@workflow.defn(name="OneActivityWorkflow")
class OneActivityWorkflow:
    @workflow.run
    async def run(self, n: int) -> int:
        return await workflow.execute_activity(floor_noop, n, start_to_close_timeout=timedelta(seconds=30))
