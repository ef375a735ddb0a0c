"""Re-record the workflow histories replayed by tests/replay/test_replay.py.

    .venv/bin/python -m tests.replay.record            # workflow tests + e2e + recording scenarios
    .venv/bin/python -m tests.replay.record tests/workflows/test_escrow_workflow.py   # a subset

Runs pytest over the given test files (default: DEFAULT_PATHS) with tests.replay.recorder_plugin,
which saves every workflow the tests start (and its children / continued runs) into a scratch
directory. Only when the run passes are the recorded files replaced: every `*__*.json` history whose
module was re-run is removed and the new ones moved in. Other files (billing's `billing_*.json`,
recorded by its own test with MESHPAY_RECORD_HISTORIES=1) are left alone.

Re-record only after an intentional change that is safe for running workflows (patched with
workflow.patched() or versioned by a new workflow type) — never to silence a replay failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
HISTORIES = HERE / "histories"
DEFAULT_PATHS = [
    "tests/workflows",
    "tests/e2e",
    "--ignore=tests/e2e/test_crash_campaign.py",  # hundreds of kills: slow, and covered paths only
    "tests/replay/scenarios.py",
]


def slug(text: str, limit: int) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:limit]


def module_slug(path: Path) -> str:
    return slug(path.stem.removeprefix("test_"), 24)


def _modules(paths: list[str]) -> set[str]:
    found: set[str] = set()
    for raw in paths:
        if raw.startswith("-"):
            continue
        p = Path(raw.split("::")[0])
        files = sorted(p.rglob("test_*.py")) if p.is_dir() else [p]
        found |= {module_slug(f) for f in files}
    return found


def main(argv: list[str]) -> int:
    paths = argv or DEFAULT_PATHS
    with tempfile.TemporaryDirectory(prefix="meshpay-replay-") as scratch:
        env = {**os.environ, "MESHPAY_REPLAY_OUT": scratch}
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.replay.recorder_plugin",
            "-o",
            "faulthandler_timeout=120",
            *paths,
        ]
        rc = subprocess.call(cmd, env=env, cwd=HERE.parents[1])
        if rc != 0:
            print(f"recording run failed (exit {rc}); histories left unchanged", file=sys.stderr)
            return rc
        modules = _modules(paths)
        for old in HISTORIES.glob("*__*.json"):
            if old.name.split("__", 1)[0] in modules:
                old.unlink()
        recorded = sorted(Path(scratch).glob("*.json"))
        for new in recorded:
            shutil.move(str(new), HISTORIES / new.name)
    print(f"recorded {len(recorded)} histories into {HISTORIES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
