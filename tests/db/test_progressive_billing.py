"""Progressive billing on PostgreSQL: an invoice each time the period's usage reaches another
threshold — exactly once per threshold under concurrent usage posts — and a period-end invoice that
bills only the rest."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from config.settings import Settings
from db.models.billing import Invoice
from db.repositories import billing as repo
from db.session import unit_of_work
from domain.billing import Period
from services import billing
from services.invariants import check, failures
from tests.support.tokens import uid

P = Period.parse("2026-05")
AT = P.start + timedelta(days=3)
SETTINGS = Settings(env="dev")


async def _setup(session_factory, *, threshold: int, tax: str = "0") -> tuple[str, str]:
    metric, acct, jur = uid("tok"), uid("acct"), uid("j")
    async with unit_of_work(session_factory) as s:
        # usage split per model: concurrent posts of different models touch different aggregate
        # rows, so only the account's row lock orders their threshold checks
        await billing.set_meter(s, metric=metric, group_by=["model"])
        await billing.set_price(
            s, metric=metric, currency="USD", model="per_unit", tiers=[{"unit_amount": "1"}]
        )
        await billing.set_tax_rate(s, jurisdiction=jur, percent=Decimal(tax), name="VAT")
        await billing.configure_account(
            s, acct, jurisdiction=jur, invoice_series=uid("P")[:12].upper(), progressive_threshold=threshold
        )
    return metric, acct


async def _post(
    session_factory, acct: str, metric: str, quantity: int, model: str = "m"
) -> billing.UsageResult:
    usage = billing.UsageIn(uid("ev"), acct, metric, quantity, AT, properties={"model": model})
    async with unit_of_work(session_factory) as s:
        return await billing.record_usage(s, SETTINGS, [usage])


async def _invoices(session_factory, acct: str) -> list[Invoice]:
    async with session_factory() as s:
        stmt = (
            select(Invoice).where(Invoice.account_id == acct).order_by(Invoice.kind.desc(), Invoice.sequence)
        )
        return list((await s.execute(stmt)).scalars())


async def test_crossing_a_threshold_invoices_the_usage_so_far_at_once(session_factory) -> None:
    metric, acct = await _setup(session_factory, threshold=10_000, tax="20")  # every $100
    first = await _post(session_factory, acct, metric, 6000)
    assert first.progressive_invoices == []
    crossing = await _post(session_factory, acct, metric, 4500)  # $105 so far
    [inv_id] = crossing.progressive_invoices
    again = await _post(session_factory, acct, metric, 100)  # $106: same threshold, no new invoice
    assert again.progressive_invoices == []
    async with session_factory() as s:
        inv = await repo.get_invoice(s, inv_id)
        assert inv is not None
        assert (inv.kind, inv.sequence, inv.status, inv.subtotal, inv.tax) == (
            "progressive",
            1,
            "open",
            10500,
            2100,
        )
        assert inv.number is not None
        u = await billing.current_usage(s, SETTINGS, acct, AT)
        assert (u.amount, u.progressively_billed) == (10600, 10500)
        preview = await billing.preview_invoice(s, SETTINGS, acct, AT)
    assert [(ln.kind, ln.amount) for ln in preview.lines] == [
        ("usage", 10600),
        ("progressive_credit", -10500),
    ]
    assert preview.totals.total == 120  # the rest: $1.00 + 20 % tax
    async with unit_of_work(session_factory) as s:
        [final] = await billing.build_invoices(s, SETTINGS, P, [acct], issued_at=P.end)
    assert (final.total, final.status) == (120, "open")
    assert final.number != inv.number


async def test_exactly_once_per_threshold_under_concurrent_posts(session_factory) -> None:
    step = 100
    metric, acct = await _setup(session_factory, threshold=step)
    rnd = random.Random(16)
    quantities = [rnd.randint(1, 60) for _ in range(120)]

    async def poster(chunk: list[int], model: str) -> list[str]:
        issued: list[str] = []
        for q in chunk:
            issued += (await _post(session_factory, acct, metric, q, model)).progressive_invoices
        return issued

    chunks = [quantities[i::12] for i in range(12)]
    results = await asyncio.gather(*(poster(c, f"model-{i}") for i, c in enumerate(chunks)))
    total = sum(quantities)  # 1¢ per unit, no tax: the usage amount in cents
    invoices = await _invoices(session_factory, acct)
    progressive = [i for i in invoices if i.kind == "progressive"]
    assert sorted(i for issued in results for i in issued) == sorted(i.id for i in progressive)
    # One invoice per crossing: each invoice's sequence is the threshold the usage had reached when
    # it was issued (cumulative billed // step), strictly increasing, the last one = total // step.
    billed = 0
    previous = 0
    for inv in progressive:
        billed += inv.total
        assert inv.sequence > previous and billed // step == inv.sequence
        previous = inv.sequence
    assert previous == total // step
    numbers = [i.number for i in progressive]
    assert len(set(numbers)) == len(numbers) and None not in numbers
    async with unit_of_work(session_factory) as s:
        [final] = await billing.build_invoices(s, SETTINGS, P, [acct], issued_at=P.end)
    # the period-end invoice bills only the rest: all invoices together bill the usage exactly once
    assert billed + final.total == total
    assert final.total < step
    async with session_factory() as s:  # `meshpay check` agrees: threshold invoices are no duplicates
        results = await check(s)
    assert [r.name for r in failures(results) if "invoice" in r.name] == []


async def test_a_voided_threshold_invoice_is_billed_at_period_end(session_factory) -> None:
    metric, acct = await _setup(session_factory, threshold=500)
    [inv_id] = (await _post(session_factory, acct, metric, 700)).progressive_invoices
    async with unit_of_work(session_factory) as s:
        await billing.void_invoice(s, inv_id)
    assert (await _post(session_factory, acct, metric, 10)).progressive_invoices == []  # not re-issued
    async with unit_of_work(session_factory) as s:
        [final] = await billing.build_invoices(s, SETTINGS, P, [acct], issued_at=P.end)
    assert final.total == 710
