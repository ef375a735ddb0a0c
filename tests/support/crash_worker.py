"""A worker process for the crash test: `python -m tests.support.crash_worker`.

Settings come from MESHPAY_* env vars. With CRASH_MARKER=<path>, the Stripe provider writes the
marker right after the provider call returns and then hangs, so the test can SIGKILL the process
between the provider call and the activity's completion.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from activities import payments as payment_activities
from config.settings import Settings
from providers.stripe_provider import StripeProvider


class _CrashAfterCreate(StripeProvider):
    async def create(self, params):  # type: ignore[no-untyped-def]
        intent = await super().create(params)
        Path(os.environ["CRASH_MARKER"]).write_text(intent.object_id)
        await asyncio.sleep(3600)  # killed here
        return intent


def main() -> None:
    from workers.main import run_worker

    if os.environ.get("CRASH_MARKER"):
        original = payment_activities.build_provider

        def build(deps, name):  # type: ignore[no-untyped-def]
            if name == "stripe":
                s = deps.settings
                return _CrashAfterCreate(s.stripe_secret_key, s.stripe_api_base)
            return original(deps, name)

        payment_activities.build_provider = build  # type: ignore[assignment]
    asyncio.run(run_worker(Settings(), metrics=False))


if __name__ == "__main__":
    main()
