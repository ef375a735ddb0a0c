"""Payment create latency through HTTP: request in → Payment row → PaymentWorkflow started → the
workflow's first step known (Update) → 201. Real uvicorn API (subprocess), a worker from the
registry, the Temporal dev server (in memory, search attributes registered), PostgreSQL.

- credits provider: the whole payment (a ledger debit activity) inside the request — no provider call.
- stripe provider against localstripe: includes one provider call (PaymentIntent create) per request.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from activities.deps import Deps
from bench import floors
from bench.harness import api_server, measure, scratch_database, summarize_ms, unique
from bench.report import against
from config.settings import Settings
from contracts.temporal import SEARCH_ATTRIBUTES
from db.session import make_engine, make_session_factory, unit_of_work
from domain.ledger import system
from domain.money import set_credit_exponent
from tests.support.localstripe import start_localstripe
from tests.support.temporal import dev_server_path
from tests.support.tokens import auth
from workers.main import build_worker

N_CREDITS = 400
N_STRIPE = 150
CONCURRENCY = 1


async def run() -> list[dict[str, Any]]:
    from services import credits

    set_credit_exponent(4)
    rows: list[dict[str, Any]] = []
    ls_proc, ls_base = start_localstripe()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=dev_server_path(), search_attributes=SEARCH_ATTRIBUTES
    )
    try:
        with scratch_database() as url:
            tq = f"bench-pay-{uuid.uuid4().hex[:8]}"
            settings = Settings(database_url=url, task_queue=tq, stripe_api_base=ls_base)
            engine = make_engine(url, pool_size=10)
            factory = make_session_factory(engine)
            users = [unique("payer") for _ in range(CONCURRENCY)]
            for u in users:
                async with unit_of_work(factory) as s:
                    await credits.credit_wallet(
                        s,
                        user_id=u,
                        amount=10**12,
                        reference=f"seed:{u}",
                        source="purchase",
                        from_account=system("credits_issued", "CREDIT"),
                    )
            worker = build_worker(
                env.client, Deps(settings=settings, session_factory=factory, client=env.client), tq
            )
            extra = {"MESHPAY_TASK_QUEUE": tq, "MESHPAY_STRIPE_API_BASE": ls_base}
            address = env.client.service_client.config.target_host
            async with (
                worker,
                api_server(url, temporal_address=address, extra_env=extra) as base,
                httpx.AsyncClient(base_url=base, timeout=30) as http,
            ):
                counter = iter(range(10**9))

                async def pay_credits() -> None:
                    i = next(counter)
                    r = await http.post(
                        "/api/v1/payments/create",
                        headers=auth(users[i % CONCURRENCY]),
                        json={"amount": "0.0001", "currency": "CREDIT", "provider": "credits"},
                    )
                    assert r.status_code == 201 and r.json()["status"] == "completed", r.text

                async def pay_stripe() -> None:
                    i = next(counter)
                    r = await http.post(
                        "/api/v1/payments/create",
                        headers=auth(users[i % CONCURRENCY]),
                        json={"amount": "1.00", "currency": "USD", "provider": "stripe"},
                    )
                    assert r.status_code == 201 and r.json()["next_action"]["client_secret"], r.text

                for _ in range(20):  # warm-up: connections, workflow caches
                    await pay_credits()
                lat, wall = await measure(pay_credits, N_CREDITS, CONCURRENCY)
                rows.append(
                    {
                        "figure": "payment create → workflow → 201 (credits provider, HTTP)",
                        "workload": f"{N_CREDITS} sequential creates, each a workflow + debit activity",
                        **summarize_ms(lat),
                        "throughput": f"{N_CREDITS / wall:.0f}/s",
                        **against(
                            [floors.BARE_API_P50, floors.TEMPORAL_START],
                            summarize_ms(lat)["p50_ms"],
                            better="lower",
                            target="p50 ≤ 1.5× (p99 too)",
                        ),
                    }
                )
                lat, wall = await measure(pay_stripe, N_STRIPE, CONCURRENCY)
                rows.append(
                    {
                        "figure": "payment create → workflow → 201 (stripe via localstripe, HTTP)",
                        "workload": f"{N_STRIPE} sequential creates incl. one PaymentIntent create each",
                        **summarize_ms(lat),
                        "throughput": f"{N_STRIPE / wall:.0f}/s",
                        "promise": "includes a provider call",
                    }
                )
            await engine.dispose()
    finally:
        await env.shutdown()
        ls_proc.terminate()
    return rows


if __name__ == "__main__":
    print(asyncio.run(run()))
