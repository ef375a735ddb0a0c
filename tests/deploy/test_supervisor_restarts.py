"""The restart policy of `meshpay run`, on real short-lived processes and a fake clock."""

from __future__ import annotations

import sys

import pytest

from cli import supervisor
from cli.processes import Child
from cli.supervisor import Supervisor
from config.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _crashing_child() -> Child:
    child = Child("worker", [sys.executable, "-c", "import sys; sys.exit(3)"], env={})
    child.start()
    assert child.proc is not None
    child.proc.wait(10)
    return child


def test_a_crash_is_restarted_with_growing_backoff(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    clock = Clock()
    monkeypatch.setattr(supervisor.time, "monotonic", clock)
    sup = Supervisor(Settings(env="dev"))
    child = _crashing_child()
    delays = []
    for _ in range(supervisor.CRASH_LIMIT - 1):
        assert sup._watch(child) is True  # crash seen: restart scheduled
        assert child.restart_at is not None
        delays.append(child.restart_at - clock.now)
        clock.now = child.restart_at
        assert sup._watch(child) is True  # restarted
        assert child.proc is not None
        child.proc.wait(10)
    assert delays == [0.5, 1.0, 2.0, 4.0]
    assert "worker exited with 3; restarting it in 0.5 s" in capsys.readouterr().out
    # The fifth crash inside the window stops the run.
    assert sup._watch(child) is False


def test_crashes_spread_out_never_stop_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(supervisor.time, "monotonic", clock)
    sup = Supervisor(Settings(env="dev"))
    child = _crashing_child()
    for _ in range(3 * supervisor.CRASH_LIMIT):
        assert sup._watch(child) is True
        clock.now += supervisor.CRASH_WINDOW / 2  # one crash every 30 s
        assert sup._watch(child) is True
        assert child.proc is not None
        child.proc.wait(10)
