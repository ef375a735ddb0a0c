"""The crash campaign's worker process: `python -m tests.support.campaign_worker`.

The real worker (workers.main.run_worker, settings from MESHPAY_* env vars); with READY_MARKER=<path>
it writes the marker once it is polling (after ensure_schedules), so the campaign kills a worker
that is really at work rather than one still importing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from config.settings import Settings
    from workers import main as worker_main

    ensure = worker_main.ensure_schedules
    marker = os.environ.get("READY_MARKER")

    async def ensure_then_mark(client, settings):  # type: ignore[no-untyped-def]
        await ensure(client, settings)
        if marker:
            Path(marker).write_text(str(os.getpid()))

    worker_main.ensure_schedules = ensure_then_mark  # type: ignore[assignment]
    asyncio.run(worker_main.run_worker(Settings(), metrics=False))


if __name__ == "__main__":
    main()
