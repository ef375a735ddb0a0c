"""The one benchmark table: bench/results.md, rewritten by every `make bench`."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


def write_results(rows: list[dict[str, Any]], path: Path) -> None:
    header = ["figure", "workload", "p50 ms", "p99 ms", "throughput", "sprint promise"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"with {os.cpu_count()} cores, "
        "PostgreSQL at 127.0.0.1:5432, by `make bench`. Latencies are medians and 99th percentiles.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                [
                    _fmt(r.get("figure")),
                    _fmt(r.get("workload")),
                    _fmt(r.get("p50_ms")),
                    _fmt(r.get("p99_ms")),
                    _fmt(r.get("throughput")),
                    _fmt(r.get("promise")),
                ]
            )
            + " |"
        )
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    print(text)
