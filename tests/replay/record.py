"""Re-record the workflow histories replayed by tests/replay/test_replay.py.

    .venv/bin/python -m tests.replay.record            # workflow tests + e2e + recording scenarios
    .venv/bin/python -m tests.replay.record tests/workflows/test_escrow_workflow.py   # a subset

Runs pytest over the given test files (default: DEFAULT_PATHS) with tests.replay.recorder_plugin,
which saves every workflow the tests start (and its children / continued runs) into a scratch
directory. Only when the run passes are the new histories merged in (`merge`):

- nothing is deleted: a history recorded by older code is what proves that executions started
  before a `workflow.patched()` change still replay, so it is kept on purpose;
- a new history whose name is taken replaces the old file only when both went through the same
  patches (same `core_patch` markers: a refresh of the same path); otherwise the old file is kept,
  renamed `<name>__old-<tag>.json` (tag: `unpatched`, or a hash of the patch ids it recorded);
- `--prune MODULE` (repeatable) removes a module's histories first — deliberately, never by default.

Other files (billing's `billing_*.json`, recorded by its own test with MESHPAY_RECORD_HISTORIES=1)
are left alone.

Re-record only after an intentional change that is safe for running workflows (patched with
workflow.patched() or versioned by a new workflow type) — never to silence a replay failure.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
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


def patches_of(path: Path) -> frozenset[str]:
    """The patch ids (`workflow.patched(...)`) a recorded history went through."""
    found: set[str] = set()
    for event in json.loads(path.read_text())["events"]:
        marker = event.get("markerRecordedEventAttributes")
        if not marker or marker.get("markerName") != "core_patch":
            continue
        for payload in marker["details"]["patch-data"]["payloads"]:
            found.add(str(json.loads(base64.b64decode(payload["data"]))["id"]))
    return frozenset(found)


def old_tag(patches: frozenset[str]) -> str:
    if not patches:
        return "old-unpatched"
    return "old-" + hashlib.sha1("+".join(sorted(patches)).encode()).hexdigest()[:8]


def merge(recorded: list[Path], histories: Path, *, prune: frozenset[str] = frozenset()) -> dict[str, int]:
    """Move freshly recorded histories into `histories`, keeping what older code recorded."""
    counts = {"pruned": 0, "added": 0, "refreshed": 0, "kept_old": 0}
    for old in histories.glob("*__*.json"):
        if old.name.split("__", 1)[0] in prune:
            old.unlink()
            counts["pruned"] += 1
    for new in recorded:
        target = histories / new.name
        if not target.exists():
            counts["added"] += 1
        elif patches_of(target) == patches_of(new):
            counts["refreshed"] += 1
        else:  # a different path through patched code: the old one stays, under its own name
            keep = target.with_name(f"{target.stem}__{old_tag(patches_of(target))}.json")
            if keep.exists():
                target.unlink()
            else:
                target.rename(keep)
            counts["kept_old"] += 1
        shutil.move(str(new), target)
    return counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.replay.record")
    parser.add_argument("--prune", action="append", default=[], metavar="MODULE", help="delete first")
    args, rest = parser.parse_known_args(argv)
    paths = rest or DEFAULT_PATHS
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
        recorded = sorted(Path(scratch).glob("*.json"))
        counts = merge(recorded, HISTORIES, prune=frozenset(args.prune))
    print(f"recorded {len(recorded)} histories into {HISTORIES}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
