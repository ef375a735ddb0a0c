"""Meters, scoped prices and running aggregates on PostgreSQL: decimal quantities, the five
aggregations, per-model / per-plan / per-account prices, and the live view = preview = invoice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from config.settings import Settings
from db.repositories import billing as repo
from db.session import unit_of_work
from domain.billing import Period
from services import billing
from services.subscriptions import create_plan
from tests.support.tokens import uid

P = Period.parse("2026-03")
AT = P.start + timedelta(days=10)
SETTINGS = Settings(env="dev")


async def _post(session_factory, *records: billing.UsageIn) -> billing.UsageResult:
    async with unit_of_work(session_factory) as s:
        return await billing.record_usage(s, SETTINGS, list(records))


def _ev(acct: str, metric: str, q: object, at: datetime = AT, **props: str) -> billing.UsageIn:
    return billing.UsageIn(uid("ev"), acct, metric, q, at, properties=props or None)  # type: ignore[arg-type]


async def _account(session_factory, tax: str = "0") -> str:
    acct, jur = uid("acct"), uid("j")
    async with unit_of_work(session_factory) as s:
        await billing.set_tax_rate(s, jurisdiction=jur, percent=Decimal(tax), name="VAT")
        await billing.configure_account(s, acct, jurisdiction=jur, invoice_series=uid("S")[:12].upper())
    return acct


async def test_decimal_quantities_are_exact_to_the_meters_precision(session_factory) -> None:
    metric, acct = uid("gpu"), await _account(session_factory)
    async with unit_of_work(session_factory) as s:
        await billing.set_meter(s, metric=metric, precision=3)
        await billing.set_price(
            s, metric=metric, currency="USD", model="per_unit", tiers=[{"up_to": None, "unit_amount": "0.01"}]
        )
    res = await _post(
        session_factory,
        _ev(acct, metric, "0.125"),
        _ev(acct, metric, "1000000.001"),
        _ev(acct, metric, "0.0001"),  # 4 places: refused, with its index
        _ev(acct, metric, 1.5),  # a float never reaches the ledger of quantities
    )
    assert res.accepted == 2
    assert [(e["index"], e["code"]) for e in res.errors] == [(2, "invalid_quantity"), (3, "invalid_quantity")]
    async with session_factory() as s:
        u = await billing.current_usage(s, SETTINGS, acct, AT)
    [line] = u.lines
    assert line.line.quantity == Decimal("1000000.126")
    assert u.amount == 10000  # 1000000.126 × 0.01¢ = 10000.00126 → 10000


async def test_count_max_latest_and_unique_count(session_factory) -> None:
    acct = await _account(session_factory)
    metrics = {agg: uid(agg[:5]) for agg in ("count", "max", "latest", "unique_count")}
    async with unit_of_work(session_factory) as s:
        for agg, metric in metrics.items():
            await billing.set_meter(
                s,
                metric=metric,
                aggregation=agg,
                unique_property="user" if agg == "unique_count" else None,
            )
            await billing.set_price(
                s, metric=metric, currency="USD", model="per_unit", tiers=[{"unit_amount": "100"}]
            )
    plan = [(5, 1, "ann"), (9, 3, "bob"), (2, 2, "ann"), (4, 0, "cy")]  # quantity, day, user
    for q, day, user in plan:
        await _post(
            session_factory,
            *(_ev(acct, m, q, P.start + timedelta(days=day), user=user) for m in metrics.values()),
        )
    res = await _post(session_factory, _ev(acct, metrics["unique_count"], 1))  # no "user": refused
    assert [e["code"] for e in res.errors] == ["invalid_record"]
    async with session_factory() as s:
        u = await billing.current_usage(s, SETTINGS, acct, AT)
    got = {ln.metric: ln.line.quantity for ln in u.lines}
    assert got == {
        metrics["count"]: 4,
        metrics["max"]: 9,
        metrics["latest"]: 9,  # day 3 is the latest event
        metrics["unique_count"]: 3,  # ann, bob, cy
    }


async def test_prices_per_model_plan_and_account_override_the_global_price(session_factory) -> None:
    metric, acct, other = uid("tok"), await _account(session_factory), await _account(session_factory)
    async with unit_of_work(session_factory) as s:
        await billing.set_meter(s, metric=metric, group_by=["model"])
        plan = await create_plan(s, name="Pro", amount=1000, currency="USD")
        for scope, scope_id, filters, cents in (
            ("global", "", None, "1"),
            ("global", "", {"model": "big"}, "10"),
            ("plan", plan.id, {"model": "big"}, "7"),
            ("account", other, None, "3"),
        ):
            await billing.set_price(
                s,
                metric=metric,
                currency="USD",
                model="per_unit",
                tiers=[{"unit_amount": cents}],
                scope=scope,
                scope_id=scope_id,
                filters=filters,
            )
        await repo.insert_subscription(
            s,
            {
                "id": uid("sub"),
                "account_id": acct,
                "plan_id": plan.id,
                "status": "active",
                "created_at": AT,
                "updated_at": AT,
            },
        )
    for a in (acct, other):
        await _post(session_factory, _ev(a, metric, 100, model="big"), _ev(a, metric, 50, model="small"))
    async with session_factory() as s:
        mine = await billing.current_usage(s, SETTINGS, acct, AT)
        theirs = await billing.current_usage(s, SETTINGS, other, AT)
    # the plan's per-model price (7¢) beats the global per-model one; small falls back to global 1¢
    assert sorted((ln.line.quantity, ln.line.amount) for ln in mine.lines) == [(50, 50), (100, 700)]
    # the account's own price (3¢, no filter) beats every global price, for both models together
    assert [(ln.line.quantity, ln.line.amount) for ln in theirs.lines] == [(150, 450)]


async def test_the_preview_is_what_the_invoice_says(session_factory) -> None:
    metric, acct = uid("calls"), await _account(session_factory, tax="20")
    async with unit_of_work(session_factory) as s:
        await billing.set_meter(s, metric=metric, group_by=["region"])
        await billing.set_price(
            s,
            metric=metric,
            currency="USD",
            model="tiered",
            tiers=[{"up_to": 1000, "unit_amount": "0.5"}, {"up_to": None, "unit_amount": "0.2"}],
        )
        await billing.set_price(
            s,
            metric=metric,
            currency="USD",
            model="package",
            package_size=100,
            tiers=[{"unit_amount": "30"}],
            scope="account",
            scope_id=acct,
            filters={"region": "eu"},
        )
        await billing.add_item(
            s,
            account_id=acct,
            kind="subscription",
            description="Pro plan",
            amount=2999,
            currency="USD",
            effective_at=P.start,
            idempotency_key=uid("k"),
        )
    await _post(
        session_factory,
        _ev(acct, metric, 1500, region="us"),
        _ev(acct, metric, 250, region="eu"),
    )
    async with session_factory() as s:
        preview = await billing.preview_invoice(s, SETTINGS, acct, AT)
    [inv] = await _build(session_factory, acct)
    async with session_factory() as s:
        lines = await repo.lines_of(s, inv.invoice_id)
        row = await repo.get_invoice(s, inv.invoice_id)
    assert [(ln.kind, ln.description, Decimal(ln.quantity), ln.amount, ln.tax) for ln in lines] == [
        (p.kind, p.description, Decimal(p.quantity), p.amount, p.tax) for p in preview.lines
    ]
    assert (row.subtotal, row.tax, row.total) == (
        preview.totals.subtotal,
        preview.totals.tax,
        preview.totals.total,
    )
    # us: 1000 × 0.5¢ + 500 × 0.2¢; eu: the account's package price, 3 packages of 100 × 30¢
    assert [ln.amount for ln in lines] == [500, 100, 90, 2999]
    assert [ln.tax for ln in lines] == [100, 20, 18, 600]


async def _build(session_factory, acct: str):
    async with unit_of_work(session_factory) as s:
        return await billing.build_invoices(s, SETTINGS, P, [acct], issued_at=P.end)


async def test_a_duplicate_event_is_not_aggregated_twice(session_factory) -> None:
    metric, acct = uid("calls"), await _account(session_factory)
    async with unit_of_work(session_factory) as s:
        await billing.set_price(
            s, metric=metric, currency="USD", model="per_unit", tiers=[{"unit_amount": "1"}]
        )
    ev = billing.UsageIn(uid("ev"), acct, metric, 7, AT)
    await _post(session_factory, ev)
    again = await _post(session_factory, ev, ev)
    assert (again.accepted, again.duplicates) == (0, 2)
    async with session_factory() as s:
        assert (await billing.current_usage(s, SETTINGS, acct, AT)).amount == 7


async def test_an_account_without_usage_reads_as_empty_and_is_not_created(session_factory) -> None:
    acct = uid("acct")
    async with session_factory() as s:
        u = await billing.current_usage(s, SETTINGS, acct, datetime.now(UTC))
        preview = await billing.preview_invoice(s, SETTINGS, acct, datetime.now(UTC))
        assert await repo.get_account(s, acct) is None
    assert (u.lines, u.amount, u.currency) == ([], 0, "USD")
    assert (preview.lines, preview.totals.total) == ([], 0)
