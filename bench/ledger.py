"""Ledger baseline: the guarded debit through services.ledger.transfer on one PostgreSQL connection
and on 8, to compare with FIELD-NOTES' raw-psycopg floor (~820/s on one connection)."""

from __future__ import annotations

import asyncio
from typing import Any

from bench import floors
from bench.harness import measure, scratch_database, summarize_ms, unique
from bench.report import against
from db.session import make_engine, make_session_factory, unit_of_work
from domain.ledger import transfer_postings, wallet
from services import ledger

N = 3000


async def run() -> list[dict[str, Any]]:
    rows = []
    with scratch_database() as url:
        engine = make_engine(url, pool_size=8)
        factory = make_session_factory(engine)
        for concurrency in (1, 8):
            accounts = [wallet(unique("u")) for _ in range(concurrency)]
            for acct in accounts:
                async with unit_of_work(factory) as s:
                    await ledger.transfer(
                        s, transfer_postings("system:issued:CREDIT", acct, 10**9, "CREDIT"), unique("fund")
                    )
            counter = iter(range(10**9))

            async def debit(
                accounts: list[str] = accounts, counter=counter, concurrency: int = concurrency
            ) -> None:
                i = next(counter)
                async with unit_of_work(factory) as s:
                    await ledger.transfer(
                        s,
                        transfer_postings(accounts[i % concurrency], "system:revenue:CREDIT", 1, "CREDIT"),
                        f"d:{i}:{unique('k')}",
                    )

            await asyncio.gather(*(debit() for _ in range(50)))  # warm-up
            lat, wall = await measure(debit, N, concurrency)
            rows.append(
                {
                    "figure": f"ledger guarded debit (service, {concurrency} conn)",
                    "workload": f"{N} debits over {concurrency} accounts",
                    **summarize_ms(lat),
                    "throughput": f"{N / wall:.0f}/s",
                    **against(
                        floors.RAW_DEBIT_1 if concurrency == 1 else floors.RAW_DEBIT_8,
                        N / wall,
                        target="≥ 0.8×" if concurrency == 1 else "≥ 0.7×",
                    ),
                }
            )
        await engine.dispose()
    return rows
