"""`make bench`: runs every benchmark and writes bench/results.md. Each area adds a module to BENCHES."""

from __future__ import annotations

import asyncio
import importlib
import sys
from pathlib import Path

BENCHES = [
    "bench.floors",  # first: every later row is divided by a floor measured in this run
    "bench.ledger",
    "bench.pricing",
    "bench.billing",
    "bench.credits",
    "bench.payments",
    "bench.escrow",
    "bench.throughput",
]


def main() -> None:
    from bench.report import write_results

    selected = sys.argv[1:] or BENCHES
    rows = []
    for name in selected:
        module = importlib.import_module(name)
        print(f"== {name}", flush=True)
        rows.extend(asyncio.run(module.run()))
    write_results(rows, Path(__file__).parent / "results.md")


if __name__ == "__main__":
    main()
