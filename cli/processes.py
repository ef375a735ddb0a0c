"""The children of `meshpay run` and the lock that allows one run per data folder."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rich.console import Console

console = Console()
STOP_GRACE = 15.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    args: list[str]
    env: dict[str, str]
    log_path: Path | None = None
    proc: subprocess.Popen[bytes] | None = None
    crashes: deque[float] = field(default_factory=deque)
    restart_at: float | None = None
    _log: IO[bytes] | None = None

    def start(self) -> None:
        if self.log_path and self._log is None:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 (lives as long as the child)
        self.proc = subprocess.Popen(
            self.args,
            env=self.env,
            start_new_session=True,  # its own process group: one killpg reaches all it started
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            stdout=self._log,
            stderr=self._log,
        )
        self.restart_at = None

    def terminate(self) -> None:
        """SIGTERM to its whole process group (it may have started processes of its own)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)

    def stop(self, deadline: float | None = None) -> None:
        """Terminate, wait until `deadline` (monotonic; default STOP_GRACE from now), then SIGKILL."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            self.terminate()
            try:
                proc.wait(max(0.0, (deadline or time.monotonic() + STOP_GRACE) - time.monotonic()))
            except subprocess.TimeoutExpired:
                console.print(f"[red]{self.name} did not stop in {STOP_GRACE:.0f} s; killing it[/]")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        elif proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # anything it left behind in its group
        if self._log is not None:
            self._log.close()
            self._log = None


class RunLock:
    """An flock on .data/run.lock, held for the life of `meshpay run` (released by the kernel on exit)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "run.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> int | None:
        """None when acquired; else the pid of the `meshpay run` that holds it (0 if unknown)."""
        f = open(self.path, "a+")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            text = f.read().strip()
            f.close()
            return int(text) if text.isdigit() else 0
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self._file = f
        return None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
