"""The one benchmark table: bench/results.md, rewritten by every `make bench`.

Floors (bench/floors.py) are measured first in the same run. A project row that names the floor it
stands on (`"floor": id` or a list of ids, `"value"` its figure, `"better": "higher" | "lower"`)
gets the floor's figure and the ratio printed beside it, with its target: an absolute figure alone
drifts between hosts, the ratio to a floor measured minutes earlier does not.
"""

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


def floor_value(row: dict[str, Any], floors: dict[str, float]) -> float | None:
    """The floor a row stands on: one floor, or for a list the sum (latencies stacked one after the
    other, e.g. API floor + start_workflow) or the minimum (throughputs, the tighter ceiling)."""
    ids = row.get("floor")
    if ids is None:
        return None
    ids = [ids] if isinstance(ids, str) else list(ids)
    values = [floors[i] for i in ids if i in floors]
    if len(values) != len(ids):
        return None
    return min(values) if row.get("better", "higher") == "higher" else sum(values)


def with_ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    floors: dict[str, float] = {}
    for r in rows:
        if r.get("floor_id") and r.get("value"):
            floors[r["floor_id"]] = float(r["value"])
            if r.get("p99_ms"):
                floors[f"{r['floor_id']}:p99"] = float(r["p99_ms"])
    out = []
    for r in rows:
        floor = floor_value(r, floors)
        if floor and r.get("value") is not None:
            ids = r["floor"] if isinstance(r["floor"], str) else " + ".join(r["floor"])
            r = {**r, "floor_text": f"{ids}: {_fmt(floor)}", "ratio": f"{float(r['value']) / floor:.2f}×"}
        out.append(r)
    return out


def write_results(rows: list[dict[str, Any]], path: Path) -> None:
    rows = with_ratios(rows)
    header = ["figure", "workload", "p50 ms", "p99 ms", "throughput", "floor (same run)", "ratio", "target"]
    keys = ["figure", "workload", "p50_ms", "p99_ms", "throughput", "floor_text", "ratio", "target"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"with {os.cpu_count()} cores, "
        "PostgreSQL at 127.0.0.1:5432, by `make bench`. Latencies are medians and 99th percentiles. "
        "FLOOR rows are what this machine does with no project code in the way, measured in the "
        "same run; a ratio is the project's figure divided by its floor's (throughput: higher is "
        "better; latency: lower is better).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for r in rows:
        target = r.get("target") or r.get("promise")
        cells = [_fmt(target if k == "target" else r.get(k)) for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    print(text)


def against(floor: str | list[str], value: float, *, better: str = "higher", target: str) -> dict[str, Any]:
    """The fields that put a row beside its floor (see the module docstring)."""
    return {"floor": floor, "value": value, "better": better, "target": target}
