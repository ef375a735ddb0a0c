"""A worker from the registry on its own thread and event loop, for tests whose HTTP calls block
(schemathesis and hypothesis state machines are synchronous: while one runs, the pytest event loop
is idle, so a worker on that loop would never poll).

`BackgroundWorker(settings, address)` connects its own Temporal client and engine inside its loop and
runs `workers.main.build_worker` on `settings.task_queue` until `stop()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from typing import Any

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.deps import Deps
from config.settings import Settings
from db.session import make_engine, make_session_factory
from workers.main import build_worker


def env_address(env: WorkflowEnvironment) -> str:
    """host:port of a started Temporal environment (the dev server)."""
    return str(env.client.service_client.config.target_host)


class BackgroundWorker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bg-worker", daemon=True)
        self._stop: asyncio.Event | None = None
        self._done: Future[Any] | None = None

    def start(self) -> BackgroundWorker:
        self._thread.start()
        ready: Future[None] = Future()
        self._done = asyncio.run_coroutine_threadsafe(self._run(ready), self._loop)
        ready.result(timeout=30)
        return self

    async def _run(self, ready: Future[None]) -> None:
        s = self.settings
        try:
            client = await Client.connect(s.temporal_address, namespace=s.temporal_namespace)
            engine = make_engine(s.database_url, pool_size=5)
            deps = Deps(settings=s, session_factory=make_session_factory(engine), client=client)
            self._stop = asyncio.Event()
            worker = build_worker(client, deps, s.task_queue)
        except BaseException as exc:
            ready.set_exception(exc)
            raise
        try:
            async with worker:
                ready.set_result(None)
                await self._stop.wait()
        finally:
            await engine.dispose()

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._done is not None:
            # a worker that failed to shut down cleanly must not mask the test's own result
            with contextlib.suppress(Exception):
                self._done.result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
