"""Billing, live spend: current-usage and the upcoming-invoice preview for an account with 10⁶ usage
events this period (promise: p99 < 20 ms), answered from the running aggregates.

The first 100,000 events are posted through the usage service (batches of 1,000, two posters) and
that is measured; the other 900,000 are written by one SQL statement together with the same
aggregate increments the service would have made (so the bench takes a minute, not twenty).
The account has a meter grouped by model (3 models), a global price, a per-model price, 20 % tax,
a subscription item and a progressive threshold high enough never to trigger (the check runs on
every post). Reads go through the real API (uvicorn in a subprocess), one request at a time.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from bench.harness import api_server, scratch_database, summarize_ms
from config.settings import Settings
from db.session import make_engine, make_session_factory, unit_of_work
from domain.billing import Period
from services import billing
from tests.support.tokens import auth

EVENTS = 1_000_000
POSTED = 100_000  # through the service; the rest in bulk
BATCH = 1000
POSTERS = 2
READS = 2000
ACCOUNT = "acct_live"
MODELS = ("small", "medium", "large")


async def _setup(factory: Any) -> None:
    async with unit_of_work(factory) as s:
        await billing.set_meter(s, metric="tokens", precision=3, group_by=["model"])
        await billing.set_price(
            s,
            metric="tokens",
            currency="USD",
            model="tiered",
            tiers=[{"up_to": 10**6, "unit_amount": "0.002"}, {"up_to": None, "unit_amount": "0.001"}],
        )
        await billing.set_price(
            s,
            metric="tokens",
            currency="USD",
            model="per_unit",
            tiers=[{"unit_amount": "0.01"}],
            filters={"model": "large"},
        )
        await billing.set_tax_rate(s, jurisdiction="bench", percent=Decimal(20), name="VAT")
        await billing.configure_account(
            s, ACCOUNT, jurisdiction="bench", progressive_threshold=10**15, name="Bench Ltd"
        )
        await billing.add_item(
            s,
            account_id=ACCOUNT,
            kind="subscription",
            description="Pro plan",
            amount=2900,
            currency="USD",
            effective_at=Period.containing(datetime.now(UTC)).start,
            idempotency_key="bench:live:fee",
        )


async def _post_all(factory: Any, settings: Settings) -> tuple[list[float], float]:
    period = Period.containing(datetime.now(UTC))
    span = max(1, int((datetime.now(UTC) - period.start).total_seconds()) - 5)
    latencies: list[float] = []
    batches = POSTED // BATCH
    queue: asyncio.Queue[int] = asyncio.Queue()
    for b in range(batches):
        queue.put_nowait(b)

    async def poster(seed: int) -> None:
        rng = random.Random(seed)
        while not queue.empty():
            queue.get_nowait()
            records: list[Any] = [
                billing.UsageIn(
                    uuid.uuid4().hex,
                    ACCOUNT,
                    "tokens",
                    f"{rng.randint(1, 5000)}.{rng.randint(0, 999):03d}",
                    period.start + timedelta(seconds=rng.randint(0, span)),
                    properties={"model": rng.choice(MODELS)},
                )
                for _ in range(BATCH)
            ]
            t = time.perf_counter()
            async with unit_of_work(factory) as s:
                res = await billing.record_usage(s, settings, records)
            latencies.append(time.perf_counter() - t)
            assert res.accepted == BATCH and not res.progressive_invoices, res

    started = time.perf_counter()
    await asyncio.gather(*(poster(i) for i in range(POSTERS)))
    return latencies, time.perf_counter() - started


_BULK = """
WITH ev AS (
  INSERT INTO usage_records (event_id, account_id, metric, quantity, ts, properties, received_at)
  SELECT 'bulk-' || g, :acct, 'tokens', (1 + g % 5000) + (g % 1000) / 1000.0,
         :start + (g % :span) * interval '1 second',
         json_build_object('model', (ARRAY['small','medium','large'])[1 + g % 3]), now()
  FROM generate_series(1, :n) AS g
  RETURNING quantity, ts, properties ->> 'model' AS model
)
UPDATE usage_aggregates a SET total = a.total + s.total, count = a.count + s.n,
       maximum = greatest(a.maximum, s.mx), updated_at = now()
FROM (SELECT model, sum(quantity) AS total, count(*) AS n, max(quantity) AS mx FROM ev GROUP BY model) s
WHERE a.account_id = :acct AND a.metric = 'tokens' AND a.invoice_id IS NULL
  AND a.group_key = '[["model","' || s.model || '"]]'
"""


async def _bulk(factory: Any, n: int) -> None:
    from sqlalchemy import text

    period = Period.containing(datetime.now(UTC))
    span = max(1, int((datetime.now(UTC) - period.start).total_seconds()) - 5)
    async with unit_of_work(factory) as s:
        await s.execute(text(_BULK), {"acct": ACCOUNT, "start": period.start, "span": span, "n": n})


async def _reads(url: str) -> list[float]:
    lat: list[float] = []
    async with httpx.AsyncClient(headers=auth(ACCOUNT)) as client:
        for _ in range(50):  # warm up
            (await client.get(url)).raise_for_status()
        for _ in range(READS):
            t = time.perf_counter()
            r = await client.get(url)
            lat.append(time.perf_counter() - t)
            r.raise_for_status()
    return lat


async def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with scratch_database() as url:
        engine = make_engine(url, pool_size=4)
        factory = make_session_factory(engine)
        settings = Settings(env="dev", database_url=url)
        await _setup(factory)
        lat, wall = await _post_all(factory, settings)
        rows.append(
            {
                "figure": "billing: usage post, events + aggregates + threshold check (service path)",
                "workload": f"{POSTED:,} events to one account, batches of {BATCH}, {POSTERS} posters",
                **summarize_ms(lat),
                "throughput": f"{POSTED / wall:,.0f} events/s; total {wall:.0f} s",
                "promise": None,
            }
        )
        print(rows[-1], flush=True)
        await _bulk(factory, EVENTS - POSTED)
        await engine.dispose()
        async with api_server(url) as base:
            api = f"{base}/api/v1/payments/billing"
            reads = (
                (
                    "GET /invoices?limit=1 (baseline: one indexed read)",
                    f"{base}/api/v1/payments/invoices?limit=1",
                    None,
                ),
                ("GET current-usage (from running aggregates)", f"{api}/accounts/{ACCOUNT}/current-usage", 1),
                ("GET upcoming-invoice preview", f"{api}/accounts/{ACCOUNT}/upcoming-invoice", 1),
            )
            for name, url_, promise in reads:
                t0 = time.perf_counter()
                lat = await _reads(url_)
                wall = time.perf_counter() - t0
                rows.append(
                    {
                        "figure": f"billing: {name}, over HTTP",
                        "workload": f"{READS} sequential reads; {EVENTS:,} usage events this period",
                        **summarize_ms(lat),
                        "throughput": f"{READS / wall:,.0f} reads/s",
                        "promise": "p99 < 20 ms" if promise else None,
                    }
                )
                print(rows[-1], flush=True)
    return rows
