"""The real API as a uvicorn subprocess that a test can SIGKILL and start again, and a worker whose
chosen activity can be held right after its side effect (the money has moved, the answer not yet)."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import subprocess
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from temporalio import activity

from tests.support.localstripe import _free_port

ROOT = Path(__file__).resolve().parents[2]


class ApiProcess:
    """`uvicorn api.main:app` on a free port with MESHPAY_* settings; `kill()` is SIGKILL."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {**os.environ, "MESHPAY_ENV": "dev", "MESHPAY_LOG_LEVEL": "WARNING", **env}
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""

    async def start(self) -> str:
        port = _free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=self.env,
        )
        self.base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as c:
            for _ in range(300):
                try:
                    if (await c.get(f"{self.base}/healthz")).status_code == 200:
                        return self.base
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        raise RuntimeError("the API did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Hold:
    """Armed: the wrapped activity runs (its side effect commits), then signals `reached` and waits
    for `release` before it answers — the window in which the API is killed."""

    def __init__(self) -> None:
        self.armed = False
        self.reached = asyncio.Event()
        self.release = asyncio.Event()

    def arm(self) -> None:
        self.armed, self.reached, self.release = True, asyncio.Event(), asyncio.Event()

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        name = activity._Definition.must_from_callable(fn).name

        async def held(arg: Any) -> Any:
            out = await fn(arg)
            if self.armed:
                self.armed = False
                self.reached.set()
                await self.release.wait()
            return out

        hints = typing.get_type_hints(fn)  # the payload's and the result's types, resolved
        first = next(iter(inspect.signature(fn).parameters))
        held.__annotations__ = {"arg": hints[first], "return": hints.get("return")}
        return activity.defn(name=name)(held)


def with_hold(activities: list[Callable[..., Any]], name: str, hold: Hold) -> list[Callable[..., Any]]:
    """The registry's activities with the one named `name` wrapped by `hold`."""
    out = []
    for fn in activities:
        defn = activity._Definition.must_from_callable(fn)
        out.append(hold.wrap(fn) if defn.name == name else fn)
    assert len({activity._Definition.must_from_callable(f).name for f in out}) == len(out)
    return out
