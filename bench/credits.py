"""Credits benchmarks, through the HTTP API (uvicorn in a subprocess, concurrent httpx clients):

- deduct throughput and p50/p99, spread over many wallets and on one hot wallet; an agent's deduct
  under a mandate (in-process) next to the service's;
- balance read p50/p99 with >= 1,000,000 postings in the ledger (bulk-loaded with generate_series,
  most of them on the very wallets being read), for a wallet without and with expiring lots.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from datetime import timedelta
from typing import Any

import httpx

from bench import floors
from bench.harness import api_server, measure, pg_connect, scratch_database, summarize_ms, unique
from bench.report import against
from db.base import utcnow
from db.session import make_engine, make_session_factory, unit_of_work
from domain import credits as rules
from services import credits, credits_caller, mandates
from services.credits_caller import Caller, DeductRequest
from tests.support.tokens import auth

N_DEDUCTS = int(os.environ.get("BENCH_CREDITS_DEDUCTS", "6000"))
N_READS = int(os.environ.get("BENCH_CREDITS_READS", "3000"))
N_USERS = 200
BULK_TRANSACTIONS = 500_000  # two postings each: 1,000,000 postings
CONCURRENCY = 8  # more in flight only adds client-side queueing on 2 cores (32: same rate, p99 x10)
C = 10_000


async def _seed(url: str, users: list[str], expiring_user: str) -> None:
    engine = make_engine(url, pool_size=4)
    factory = make_session_factory(engine)
    for user in users:
        async with unit_of_work(factory) as s:
            await credits.credit_wallet(
                s,
                user_id=user,
                amount=10**9 * C,
                reference="seed",
                source=rules.PURCHASE,
                from_account=rules.ISSUED,
            )
    async with unit_of_work(factory) as s:
        for days in (1, 2, 3):
            await credits.grant_reward(
                s,
                user_id=expiring_user,
                amount=5 * C,
                reference=f"promo-{days}",
                expires_at=utcnow() + timedelta(days=days),
                reason="bench",
            )
    await engine.dispose()


def _bulk_load(url: str, users: list[str]) -> int:
    """1,000,000 postings (500,000 transactions) on the bench wallets, balances and lots kept in step."""
    with pg_connect(url) as conn:
        conn.execute("CREATE TEMP TABLE bench_users (i int PRIMARY KEY, user_id text)")
        with conn.cursor().copy("COPY bench_users (i, user_id) FROM STDIN") as cp:
            for i, u in enumerate(users):
                cp.write_row((i, u))
        n, k = BULK_TRANSACTIONS, len(users)
        conn.execute(
            "INSERT INTO ledger_transactions (id, idempotency_key, kind, created_at) "
            "SELECT 'txn_bulk_' || g, 'bench:bulk:' || g, 'bench.bulk', now() FROM generate_series(1, %s) g",
            (n,),
        )
        conn.execute(
            "INSERT INTO postings (transaction_id, account_code, currency, amount, created_at) "
            "SELECT 'txn_bulk_' || g, 'wallet:' || u.user_id || ':CREDIT', 'CREDIT', 10000, now() "
            "FROM generate_series(1, %s) g JOIN bench_users u ON u.i = g %% %s "
            "UNION ALL SELECT 'txn_bulk_' || g, 'system:credits_issued:CREDIT', 'CREDIT', -10000, now() "
            "FROM generate_series(1, %s) g",
            (n, k, n),
        )
        conn.execute(
            "CREATE TEMP TABLE bench_counts AS SELECT u.user_id, count(*) * 10000 AS extra "
            "FROM generate_series(1, %s) g JOIN bench_users u ON u.i = g %% %s GROUP BY u.user_id",
            (n, k),
        )
        conn.execute(
            "UPDATE balances b SET balance = b.balance + c.extra FROM bench_counts c "
            "WHERE b.account_code = 'wallet:' || c.user_id || ':CREDIT'"
        )
        conn.execute(
            "UPDATE credit_lots l SET amount = l.amount + c.extra, remaining = l.remaining + c.extra "
            "FROM bench_counts c WHERE l.user_id = c.user_id AND l.expires_at IS NULL"
        )
        conn.execute(
            "UPDATE credit_wallets w SET balance = b.balance FROM balances b "
            "WHERE b.account_code = 'wallet:' || w.user_id || ':CREDIT'"
        )
        conn.execute(
            "UPDATE balances SET balance = balance - %s WHERE account_code = 'system:credits_issued:CREDIT'",
            (n * 10000,),
        )
        conn.execute("ANALYZE")
        return int(conn.execute("SELECT count(*) FROM postings").fetchone()[0])  # type: ignore[index]


async def _deducts(client: httpx.AsyncClient, base: str, pick: Any, n: int, label: str) -> dict[str, Any]:
    headers = auth("svc_bench", "service")
    counter = itertools.count()
    failures = 0

    async def one() -> None:
        nonlocal failures
        i = next(counter)
        r = await client.post(
            f"{base}/api/v1/payments/credits/deduct",
            headers=headers,
            json={"user_id": pick(i), "amount": "0.01", "reference": f"{label}-{i}"},
        )
        if r.status_code != 200:
            failures += 1

    await asyncio.gather(*(one() for _ in range(CONCURRENCY * 2)))  # warm-up (and the function install)
    lat, wall = await measure(one, n, CONCURRENCY)
    if failures:
        raise RuntimeError(f"{failures} deducts failed")
    return {**summarize_ms(lat), "throughput": f"{n / wall:.0f}/s"}


async def _healthz(client: httpx.AsyncClient, base: str, n: int) -> dict[str, Any]:
    async def one() -> None:
        await client.get(f"{base}/healthz")

    lat, wall = await measure(one, n, CONCURRENCY)
    return {**summarize_ms(lat), "throughput": f"{n / wall:.0f}/s"}


async def _service_deducts(url: str, pick: Any, n: int, label: str) -> dict[str, Any]:
    """The same deduct without HTTP (services.credits.deduct on CONCURRENCY connections)."""
    engine = make_engine(url, pool_size=CONCURRENCY)
    factory = make_session_factory(engine)
    counter = itertools.count()

    async def one() -> None:
        i = next(counter)
        await credits.deduct(factory, user_id=pick(i), amount=100, reference=f"{label}-{i}")

    await asyncio.gather(*(one() for _ in range(CONCURRENCY * 2)))
    lat, wall = await measure(one, n, CONCURRENCY)
    await engine.dispose()
    return {**summarize_ms(lat), "throughput": f"{n / wall:.0f}/s"}


async def _mandate_deducts(url: str, users: list[str], n: int) -> dict[str, Any]:
    """An agent's deduct under each user's mandate to it (mandate row lock, replay lookup, debit,
    guarded usage upsert: one DB transaction) on CONCURRENCY connections."""
    engine = make_engine(url, pool_size=CONCURRENCY)
    factory = make_session_factory(engine)
    agent = Caller("agent", unique("bench_agent"))
    granted: dict[str, str] = {}
    async with unit_of_work(factory) as s:
        for user in users:
            m = await mandates.create(
                s,
                user_id=user,
                agent_id=agent.id,
                currency="CREDIT",
                max_per_charge=C,
                max_per_day=10**9 * C,
                max_per_month=10**9 * C,
                contract_id=None,
                expires_at=None,
                description="bench",
            )
            granted[user] = m.id
    counter = itertools.count()

    async def one() -> None:
        i = next(counter)
        user = users[i % len(users)]
        req = DeductRequest(
            user_id=user, amount=100, reference=f"m-{i}", mandate_id=granted[user], run_id="bench"
        )
        await credits_caller.deduct(factory, agent, req, default_threshold=0)

    await asyncio.gather(*(one() for _ in range(CONCURRENCY * 2)))
    lat, wall = await measure(one, n, CONCURRENCY)
    await engine.dispose()
    return {**summarize_ms(lat), "throughput": f"{n / wall:.0f}/s"}


async def _reads(client: httpx.AsyncClient, base: str, user: str, n: int) -> dict[str, Any]:
    headers = auth(user)

    async def one() -> None:
        r = await client.get(f"{base}/api/v1/payments/credits/balance", headers=headers)
        assert r.status_code == 200

    for _ in range(50):
        await one()
    lat, wall = await measure(one, n, 1)
    return {**summarize_ms(lat), "throughput": f"{n / wall:.0f}/s (1 client)"}


async def _direct_reads(url: str, user: str, n: int) -> dict[str, Any]:
    """The same read in-process (no HTTP): the database part of the figure."""
    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    lat = []
    for i in range(n + 50):
        t0 = time.perf_counter()
        async with factory() as s:
            await credits.balance_view(s, user)
        if i >= 50:
            lat.append(time.perf_counter() - t0)
    await engine.dispose()
    return summarize_ms(lat)


async def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    users = [unique("bu") for _ in range(N_USERS)]
    hot, expiring_user = users[0], users[1]
    with scratch_database() as url:
        await _seed(url, users, expiring_user)
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        async with api_server(url) as base, httpx.AsyncClient(limits=limits, timeout=30) as client:
            rows.append(
                {
                    "figure": "baseline: GET /healthz, same client (HTTP ceiling here)",
                    "workload": f"{N_DEDUCTS} requests, {CONCURRENCY} concurrent",
                    **await _healthz(client, base, N_DEDUCTS),
                    "promise": None,
                }
            )
            spread = await _deducts(client, base, lambda i: users[i % N_USERS], N_DEDUCTS, "spread")
            rows.append(
                {
                    "figure": "credits deduct, HTTP (PL/pgSQL, autocommit)",
                    "workload": f"{N_DEDUCTS} deducts over {N_USERS} wallets, {CONCURRENCY} concurrent",
                    **spread,
                    "promise": ">= 1,000/s",
                }
            )
            hot_row = await _deducts(client, base, lambda i: hot, N_DEDUCTS, "hot")
            rows.append(
                {
                    "figure": "credits deduct, HTTP, one hot wallet",
                    "workload": f"{N_DEDUCTS} deducts on 1 wallet, {CONCURRENCY} concurrent",
                    **hot_row,
                    "promise": ">= 1,000/s",
                }
            )
        rows.append(
            {
                "figure": "credits deduct, service call (no HTTP)",
                "workload": f"{N_DEDUCTS} deducts over {N_USERS} wallets, {CONCURRENCY} connections",
                **await _service_deducts(url, lambda i: users[i % N_USERS], N_DEDUCTS, "svc"),
                "promise": None,
            }
        )
        rows.append(
            {
                "figure": "credits deduct, service call, one hot wallet",
                "workload": f"{N_DEDUCTS} deducts on 1 wallet, {CONCURRENCY} connections",
                **await _service_deducts(url, lambda i: hot, N_DEDUCTS, "svchot"),
                "promise": None,
            }
        )
        rows.append(
            {
                "figure": "credits deduct by an agent under a mandate, service call",
                "workload": f"{N_DEDUCTS} deducts over {N_USERS} wallets/mandates, {CONCURRENCY} connections",
                **await _mandate_deducts(url, users, N_DEDUCTS),
                "promise": None,
            }
        )
        async with api_server(url) as base, httpx.AsyncClient(limits=limits, timeout=30) as client:
            postings = _bulk_load(url, users)
            plain = await _reads(client, base, users[2], N_READS)
            rows.append(
                {
                    "figure": "credits balance read, HTTP",
                    "workload": f"{N_READS} sequential reads, {postings:,} postings in the ledger",
                    **plain,
                    **against(floors.BARE_API_P50, plain["p50_ms"], better="lower", target="p50 ≤ 1.5×"),
                }
            )
            exp = await _reads(client, base, expiring_user, N_READS)
            rows.append(
                {
                    "figure": "credits balance read, HTTP, wallet with expiring lots",
                    "workload": f"{N_READS} sequential reads, {postings:,} postings",
                    **exp,
                    "promise": "< 10 ms (aim p99 < 5 ms)",
                }
            )
        direct = await _direct_reads(url, users[2], N_READS)
        rows.append(
            {
                "figure": "credits balance read, service call (no HTTP)",
                "workload": f"{N_READS} sequential reads, {postings:,} postings",
                **direct,
                "throughput": None,
                "promise": None,
            }
        )
    return rows


if __name__ == "__main__":
    for row in asyncio.run(run()):
        print(row)
