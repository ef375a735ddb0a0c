"""The committed OpenAPI document and typed client are what the API serves now (`make client`)."""

from __future__ import annotations

import subprocess
import sys


def test_committed_spec_and_client_match_the_app() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "clients.generate", "--check"], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stdout + r.stderr
