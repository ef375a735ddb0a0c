"""`meshpay run` as an operator meets it: started as a subprocess on free ports in an empty folder.

One run covers: the embedded PostgreSQL starts, is migrated and holds NUMERIC(38,0) above 2^63
exactly; a second run refuses plainly; a SIGKILLed worker is restarted (the API keeps answering
/healthz meanwhile) and the new worker finishes a workflow started while none was polling; SIGTERM
to the process group leaves no child and frees every port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest
from temporalio.client import Client

from contracts.credits import CREDIT_EXPIRY_WORKFLOW, CreditExpiryInput, CreditExpirySummary

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(240)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Run:
    proc: subprocess.Popen[str]
    cwd: Path
    env: dict[str, str]
    ports: dict[str, int]
    log: Path

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def child(self, name: str) -> psutil.Process:
        for p in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                cmd = p.cmdline()
            except psutil.NoSuchProcess:
                continue
            if cmd[-2:] == ["cli.main", name]:
                return p
        raise LookupError(f"no {name} child; output:\n{self.output()}")


def _wait(predicate, timeout: float, what: str, run: Run) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if run.proc.poll() is not None:
            raise AssertionError(
                f"meshpay run exited ({run.proc.returncode}) waiting for {what}:\n{run.output()}"
            )
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}:\n{run.output()}")


def _start(cwd: Path, *, ignore_sigint: bool = False) -> Run:
    ports = {name: _free_port() for name in ("temporal", "ui", "api", "metrics")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHPAY_")}
    env.update(
        MESHPAY_ENV="dev",  # what `make run` sets
        MESHPAY_TEMPORAL_ADDRESS=f"127.0.0.1:{ports['temporal']}",
        MESHPAY_TEMPORAL_UI_PORT=str(ports["ui"]),
        MESHPAY_API_PORT=str(ports["api"]),
        MESHPAY_WORKER_METRICS_ADDRESS=f"127.0.0.1:{ports['metrics']}",
        MESHPAY_TASK_QUEUE="meshpay",
    )

    def as_background_shell_child() -> None:  # `cmd &` in a non-interactive shell ignores SIGINT
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    log = cwd / "run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "run"],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, as a terminal or process manager gives it
            preexec_fn=as_background_shell_child if ignore_sigint else None,
        )
    r = Run(proc, cwd, env, ports, log)
    _wait(lambda: "meshpay is running" in r.output(), 150, "start-up", r)
    return r


def _kill_leftovers(r: Run) -> None:
    if r.proc.poll() is None:
        os.killpg(r.proc.pid, signal.SIGKILL)
    for p in psutil.process_iter():
        try:
            if str(r.cwd) in " ".join(p.cmdline()):
                p.kill()
        except psutil.Error:
            pass


def _assert_all_stopped(r: Run, descendants: list[psutil.Process]) -> None:
    assert r.proc.wait(60) == 0, r.output()
    _gone, alive = psutil.wait_procs(descendants, timeout=10)
    assert not alive, [p.cmdline() for p in alive]
    for name, port in r.ports.items():
        assert not _listening(port), f"{name} port {port} still held"
    assert not (r.cwd / ".data" / "pg" / "postmaster.pid").exists(), "the embedded PostgreSQL still runs"


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    """Not pytest's tmp_path: as root the embedded server runs as its own user and must traverse
    the parents, and every pytest session on the machine resets /tmp/pytest-of-root to 0700."""
    path = Path(tempfile.mkdtemp(prefix="meshpay-run-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    with _folder() as cwd:
        r = _start(cwd)
        try:
            yield r
        finally:
            _kill_leftovers(r)


def test_embedded_postgres_is_migrated_and_holds_numeric_38_0_exactly(run: Run) -> None:
    socket_dir = run.cwd / ".data" / "pg"
    big = 2**63 * 1000 + 7  # 9.2e21: ETH in wei territory, past BIGINT
    with psycopg.connect(f"postgresql://postgres@/meshpay?host={socket_dir}") as conn:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        assert version, "not migrated"
        columns = conn.execute(
            "SELECT numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE table_name = 'balances' AND column_name = 'balance'"
        ).fetchone()
        assert columns == (38, 0)
        conn.execute(
            "INSERT INTO accounts (code, currency, kind, owner_id, non_negative, created_at) "
            "VALUES ('test:big:ETH', 'ETH', 'test', NULL, false, now())"
        )
        conn.execute(
            "INSERT INTO balances (account_code, currency, balance, non_negative, updated_at) "
            "VALUES ('test:big:ETH', 'ETH', %s, false, now())",
            (big,),
        )
        stored = conn.execute("SELECT balance FROM balances WHERE account_code = 'test:big:ETH'").fetchone()
        conn.rollback()
    assert stored is not None and int(stored[0]) == big and str(stored[0]) == str(big)


def test_a_second_run_says_so_and_exits_non_zero(run: Run) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "cli.main", "run"],
        cwd=run.cwd,
        env=run.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 3, second.stdout + second.stderr
    assert "already running" in second.stdout and str(run.proc.pid) in second.stdout
    assert run.proc.poll() is None  # the first run is untouched


def test_a_killed_worker_comes_back_and_finishes_the_work(run: Run) -> None:
    old = run.child("worker")
    old.send_signal(signal.SIGKILL)
    old.wait(10)

    async def start_and_finish() -> CreditExpirySummary:
        client = await Client.connect(f"127.0.0.1:{run.ports['temporal']}")
        handle = await client.start_workflow(
            CREDIT_EXPIRY_WORKFLOW,
            CreditExpiryInput(iterations_per_run=1, until=datetime.now(UTC).isoformat()),
            id=f"run-test-{uuid.uuid4().hex[:8]}",
            task_queue="meshpay",
            result_type=CreditExpirySummary,
            execution_timeout=timedelta(seconds=90),
        )
        # The API answers while no worker is polling.
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"{run.api}/healthz")).status_code == 200
        return await asyncio.wait_for(handle.result(), 90)

    summary = asyncio.run(start_and_finish())
    assert summary.expired_lots == 0
    new = run.child("worker")
    assert new.pid != old.pid
    assert "worker exited with -9; restarting it" in run.output()
    assert httpx.get(f"{run.api}/healthz").status_code == 200


def test_sigterm_to_the_group_leaves_no_child_and_frees_the_ports(run: Run) -> None:
    descendants = psutil.Process(run.proc.pid).children(recursive=True)
    assert len(descendants) >= 3  # temporal, worker, api
    assert (run.cwd / ".data" / "pg" / "postmaster.pid").exists()
    os.killpg(run.proc.pid, signal.SIGTERM)
    _assert_all_stopped(run, descendants)
    assert "SIGTERM: stopping" in run.output()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP])
def test_sigint_from_a_background_shell_and_sighup_stop_everything(sig: signal.Signals) -> None:
    with _folder() as cwd:
        r = _start(cwd, ignore_sigint=sig == signal.SIGINT)
        try:
            descendants = psutil.Process(r.proc.pid).children(recursive=True)
            r.proc.send_signal(sig)
            _assert_all_stopped(r, descendants)
            assert f"{sig.name}: stopping" in r.output()
        finally:
            _kill_leftovers(r)


def test_a_sigkilled_run_takes_its_children_with_it() -> None:
    """No handler runs on SIGKILL: the kernel tells each child (PR_SET_PDEATHSIG), so no orphan keeps
    7233/8233/8000/9464. (The embedded PostgreSQL outlives it, and the next run adopts it.)"""
    with _folder() as cwd:
        r = _start(cwd)
        try:
            descendants = psutil.Process(r.proc.pid).children(recursive=True)
            r.proc.send_signal(signal.SIGKILL)
            r.proc.wait(10)
            _gone, alive = psutil.wait_procs(descendants, timeout=30)
            assert not alive, [p.cmdline() for p in alive]
            for name, port in r.ports.items():
                assert not _listening(port), f"{name} port {port} still held"
        finally:
            _kill_leftovers(r)
