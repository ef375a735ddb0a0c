"""Invoice building on PostgreSQL: usage × prices, items, tax per line, numbering, uniqueness, payments."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts.billing import InvoiceSummary
from db.models.billing import Invoice, InvoiceNumberSeries
from db.repositories import billing as repo
from db.session import unit_of_work
from domain.billing import Period
from domain.errors import InvalidAmount, InvalidState
from services import billing
from tests.support.tokens import uid

P = Period.parse("2026-03")
ISSUED = datetime(2026, 4, 1, 0, 5, tzinfo=UTC)


async def _setup(session_factory, *, tax: str = "20", inclusive: bool = False, accounts: int = 1):
    metric, jur, series = uid("calls"), uid("j"), uid("S")[:12].upper()
    ids = [uid("acct") for _ in range(accounts)]
    async with unit_of_work(session_factory) as s:
        await billing.set_price(
            s,
            metric=metric,
            currency="USD",
            model="tiered",
            display_name="API calls",
            tiers=[{"up_to": 1000, "unit_amount": "0.5"}, {"up_to": None, "unit_amount": "0.2"}],
        )
        await billing.set_tax_rate(s, jurisdiction=jur, percent=Decimal(tax), inclusive=inclusive, name="VAT")
        for a in ids:
            await billing.configure_account(s, a, jurisdiction=jur, invoice_series=series)
    return metric, series, ids


async def _usage(
    session_factory, account: str, metric: str, quantity: int, ts: datetime, event_id: str | None = None
):
    async with unit_of_work(session_factory) as s:
        return await billing.record_usage(
            s, _settings(), [billing.UsageIn(event_id or uid("ev"), account, metric, quantity, ts)]
        )


async def _build(
    session_factory, accounts: list[str], period: Period = P, issued: datetime | None = ISSUED
) -> list[InvoiceSummary]:
    async with unit_of_work(session_factory) as s:
        return await billing.build_invoices(s, _settings(), period, accounts, issued_at=issued)


def _settings():
    from config.settings import Settings

    return Settings(env="dev")


async def test_invoice_prices_usage_items_and_tax_per_line(session_factory) -> None:
    metric, series, [acct] = await _setup(session_factory)
    await _usage(session_factory, acct, metric, 1200, P.start + timedelta(days=2))
    await _usage(session_factory, acct, metric, 300, P.start + timedelta(days=20))
    await _usage(session_factory, acct, metric, 999, P.end)  # next period: not on this invoice
    async with unit_of_work(session_factory) as s:
        await billing.add_item(
            s,
            account_id=acct,
            kind="subscription",
            description="Pro plan",
            amount=2999,
            currency="USD",
            effective_at=P.start + timedelta(days=1),
            idempotency_key=uid("k"),
        )
    [inv] = await _build(session_factory, [acct])
    assert inv.created and inv.status == "open"
    assert inv.number == f"{series}-2026-000001"
    async with session_factory() as s:
        lines = await repo.lines_of(s, inv.invoice_id)
        row = await repo.get_invoice(s, inv.invoice_id)
    # 1500 calls: 1000 × 0.5¢ = 500, 500 × 0.2¢ = 100; tax 20% per line: 100, 20, 600 (2999 → 599.8)
    assert [(ln.kind, ln.quantity, ln.amount, ln.tax) for ln in lines] == [
        ("usage", 1000, 500, 100),
        ("usage", 500, 100, 20),
        ("subscription", 1, 2999, 600),
    ]
    assert (row.subtotal, row.tax, row.total) == (3599, 720, 4319)
    assert row.tax_name == "VAT" and row.issued_at == ISSUED


async def test_inclusive_tax_keeps_line_amounts_and_splits_out_tax(session_factory) -> None:
    _metric, _, [acct] = await _setup(session_factory, tax="20", inclusive=True)
    async with unit_of_work(session_factory) as s:
        await billing.add_item(
            s,
            account_id=acct,
            kind="subscription",
            description="Plan",
            amount=1200,
            currency="USD",
            effective_at=P.start,
            idempotency_key=uid("k"),
        )
    [inv] = await _build(session_factory, [acct])
    assert inv.total == 1200
    async with session_factory() as s:
        row = await repo.get_invoice(s, inv.invoice_id)
    assert (row.subtotal, row.tax, row.total, row.tax_inclusive) == (1000, 200, 1200, True)


async def test_concurrent_builds_make_one_invoice_per_account(session_factory) -> None:
    metric, series, accts = await _setup(session_factory, accounts=20)
    for a in accts:
        await _usage(session_factory, a, metric, 10, P.start + timedelta(hours=1))
    results = await asyncio.gather(*(_build(session_factory, accts) for _ in range(3)))
    async with session_factory() as s:
        counts = (
            await s.execute(
                select(Invoice.account_id, func.count())
                .where(Invoice.account_id.in_(accts), Invoice.period == P.label)
                .group_by(Invoice.account_id)
            )
        ).all()
        last = (
            await s.execute(
                select(InvoiceNumberSeries.last_value).where(InvoiceNumberSeries.series == series)
            )
        ).scalar_one()
    assert sorted(c for _, c in counts) == [1] * 20
    assert sum(r.created for batch in results for r in batch) == 20
    assert last == 20  # numbers 1..20, none skipped, none duplicated


async def test_late_usage_lands_on_the_next_invoice(session_factory) -> None:
    metric, series, [acct] = await _setup(session_factory, tax="0")
    await _usage(session_factory, acct, metric, 100, P.start + timedelta(days=1))
    [first] = await _build(session_factory, [acct])
    await _usage(session_factory, acct, metric, 40, P.start + timedelta(days=3))  # late, for March
    await _usage(session_factory, acct, metric, 10, P.next().start + timedelta(days=3))
    [again] = await _build(session_factory, [acct])  # March again: nothing new, no second invoice
    assert again.invoice_id == first.invoice_id and not again.created and again.total == first.total
    [second] = await _build(session_factory, [acct], P.next(), ISSUED + timedelta(days=31))
    async with session_factory() as s:
        lines = await repo.lines_of(s, second.invoice_id)
    assert [(ln.kind, ln.quantity, ln.amount) for ln in lines] == [("usage", 10, 5), ("late_usage", 40, 20)]
    assert "late usage from 2026-03" in lines[1].description
    assert second.number == f"{series}-2026-000002"


async def test_nothing_to_bill_makes_no_invoice(session_factory) -> None:
    _, _series, [acct] = await _setup(session_factory)
    [inv] = await _build(session_factory, [acct])
    assert inv.status == "empty"
    async with session_factory() as s:
        assert (
            await s.execute(select(func.count()).select_from(Invoice).where(Invoice.account_id == acct))
        ).scalar_one() == 0


async def test_a_rolled_back_finalize_gives_its_number_back(session_factory) -> None:
    metric, series, [a, b] = await _setup(session_factory, accounts=2)
    for acct in (a, b):
        await _usage(session_factory, acct, metric, 10, P.start)
    with pytest.raises(RuntimeError):
        async with unit_of_work(session_factory) as s:
            await billing.build_invoices(s, _settings(), P, [a], issued_at=ISSUED)
            raise RuntimeError("crash after numbering")
    [ib] = await _build(session_factory, [b])
    [ia] = await _build(session_factory, [a])
    assert (ib.number, ia.number) == (f"{series}-2026-000001", f"{series}-2026-000002")


async def test_mark_invoice_paid_is_idempotent_and_partial_payments_add_up(session_factory) -> None:
    metric, _, [acct] = await _setup(session_factory, tax="0")
    await _usage(session_factory, acct, metric, 2000, P.start)  # 500 + 200 = 700
    [inv] = await _build(session_factory, [acct])
    for _ in range(2):
        async with unit_of_work(session_factory) as s:
            await billing.mark_invoice_paid(s, invoice_id=inv.invoice_id, payment_id="pay_1", amount=300)
    async with session_factory() as s:
        assert (await billing.invoice_status(s, inv.invoice_id)).status == "open"
    async with unit_of_work(session_factory) as s:
        await billing.mark_invoice_paid(s, invoice_id=inv.invoice_id, payment_id="pay_2", amount=400)
    async with session_factory() as s:
        row = await repo.get_invoice(s, inv.invoice_id)
        assert (row.status, row.amount_paid) == ("paid", 700) and row.paid_at is not None
        assert len(await repo.payments_of(s, inv.invoice_id)) == 2


async def test_a_draft_or_void_invoice_refuses_payment(session_factory) -> None:
    metric, _, [acct] = await _setup(session_factory)
    await _usage(session_factory, acct, metric, 5, P.start)
    [inv] = await _build(session_factory, [acct], issued=None)
    assert inv.status == "draft" and inv.number is None
    with pytest.raises(InvalidState):
        async with unit_of_work(session_factory) as s:
            await billing.mark_invoice_paid(s, invoice_id=inv.invoice_id, payment_id="p", amount=1)


async def test_usage_batch_dedupes_and_reports_invalid_items(session_factory) -> None:
    metric, _, [acct] = await _setup(session_factory)
    ev = uid("ev")
    ts = P.start
    async with unit_of_work(session_factory) as s:
        res = await billing.record_usage(
            s,
            _settings(),
            [
                billing.UsageIn(ev, acct, metric, 5, ts),
                billing.UsageIn(uid("ev"), acct, "no-such-metric", 1, ts),
                InvalidAmount("quantity must be an integer", param="quantity"),
                billing.UsageIn(ev, acct, metric, 5, ts),
            ],
        )
    assert (res.accepted, res.duplicates) == (1, 1)
    assert [(e["index"], e["code"]) for e in res.errors] == [(1, "unknown_metric"), (2, "invalid_amount")]
    again = await _usage(session_factory, acct, metric, 5, ts, event_id=ev)
    assert (again.accepted, again.duplicates) == (0, 1)


async def test_building_many_times_on_one_connection_still_finds_the_partial_index(session_factory) -> None:
    """psycopg prepares a statement after 5 runs; a generic plan cannot match ON CONFLICT's partial
    index to a bound `kind = $1` predicate, so the predicate must be a literal."""
    metric, _, ids = await _setup(session_factory, accounts=8)
    for a in ids:
        await _usage(session_factory, a, metric, 10, P.start)
    async with unit_of_work(session_factory) as s:
        for a in ids:  # the same INSERT … ON CONFLICT eight times on one connection
            [inv] = await billing.build_invoices(s, _settings(), P, [a], issued_at=ISSUED)
            assert inv.created
        for a in ids:
            [again] = await billing.build_invoices(s, _settings(), P, [a], issued_at=ISSUED)
            assert not again.created
