"""Time-ordered ids (ms timestamp + random), so `ORDER BY id` is creation order for pagination."""

from __future__ import annotations

import os
import time


def new_id(prefix: str) -> str:
    return f"{prefix}_{int(time.time() * 1000):012x}{os.urandom(6).hex()}"
