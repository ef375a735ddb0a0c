"""The billing API on the real app: usage intake, invoices (own, paginated), plans admin, subscriptions
through their workflow, and a billing run by hand — PostgreSQL real, Temporal time-skipping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from contracts import billing as c
from db.models.billing import BillingItem, Invoice
from db.session import unit_of_work
from domain.billing import Period
from domain.errors import InvalidState
from services import billing
from tests.support.tokens import auth, uid
from tests.workflows.test_billing_workflows import _worker, paying_charge

ADMIN = auth("admin_1", "admin")
SERVICE = auth("svc_usage", "service")


@pytest.fixture
async def client(make_app, ts_env, task_queue) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(temporal_client=ts_env.client, billing_search_attributes=False, task_queue=task_queue)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1/payments"
        ) as cl,
    ):
        yield cl


async def _price(client: httpx.AsyncClient, **body) -> str:
    metric = uid("m")
    body = {"model": "per_unit", "tiers": [{"unit_amount": "2"}], **body}
    resp = await client.put(f"/billing/prices/{metric}", json=body, headers=ADMIN)
    assert resp.status_code == 204, resp.text
    return metric


async def test_usage_batch_takes_valid_records_and_reports_the_rest(client: httpx.AsyncClient) -> None:
    metric, acct, ev = await _price(client), uid("acct"), uid("ev")
    now = datetime.now(UTC).isoformat()
    records = [
        {"event_id": ev, "account_id": acct, "metric": metric, "quantity": 5, "timestamp": now},
        {"event_id": uid("ev"), "account_id": acct, "metric": metric, "quantity": 1.5, "timestamp": now},
        {"event_id": uid("ev"), "account_id": acct, "metric": "nope", "quantity": 1, "timestamp": now},
        {
            "event_id": uid("ev"),
            "account_id": acct,
            "metric": metric,
            "quantity": 1,
            "timestamp": "yesterday",
        },
        {
            "event_id": uid("ev"),
            "account_id": acct,
            "metric": metric,
            "quantity": "7",
            "timestamp": now,
            "agent_id": "agent_1",
            "metadata": {"model": "x", "cost": 1.25},
        },
    ]
    resp = await client.post("/usage", json={"records": records}, headers=SERVICE)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (2, 0, 3)
    assert [(e["index"], e["code"]) for e in body["errors"]] == [
        (1, "invalid_quantity"),
        (2, "unknown_metric"),
        (3, "invalid_timestamp"),
    ]
    again = (await client.post("/usage", json={"records": records[:1]}, headers=SERVICE)).json()
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert (await client.post("/usage", json={"records": records[:1]}, headers=auth("u1"))).status_code == 403
    too_many = {"records": [records[0]] * 1001}
    assert (await client.post("/usage", json=too_many, headers=SERVICE)).status_code == 422


async def _invoices_for(session_factory, acct: str, periods: list[str]) -> list[str]:
    metric, jur = uid("m"), uid("j")
    async with unit_of_work(session_factory) as s:
        await billing.set_price(
            s, metric=metric, currency="USD", model="per_unit", tiers=[{"unit_amount": "100"}]
        )
        await billing.set_tax_rate(s, jurisdiction=jur, percent=Decimal("8.25"), name="Sales tax")
        await billing.configure_account(
            s,
            acct,
            jurisdiction=jur,
            name="Ada Lovelace",
            address="12 Analytical Way, London",
            email="ada@example.com",
        )
    ids = []
    for i, label in enumerate(periods):
        p = Period.parse(label)
        async with unit_of_work(session_factory) as s:
            await billing.record_usage(
                s, _settings(s), [billing.UsageIn(uid("ev"), acct, metric, 3 + i, p.start)]
            )
        async with unit_of_work(session_factory) as s:
            [inv] = await billing.build_invoices(s, _settings(s), p, [acct], issued_at=p.end)
        ids.append(inv.invoice_id)
    return ids


def _settings(_s):
    from config.settings import Settings

    return Settings(env="dev")


async def test_invoices_are_own_paginated_and_detailed(client: httpx.AsyncClient, session_factory) -> None:
    acct = uid("acct")
    ids = await _invoices_for(session_factory, acct, ["2005-01", "2005-02", "2005-03"])
    me = auth(acct)
    page1 = (await client.get("/invoices", params={"limit": 2}, headers=me)).json()
    assert [i["id"] for i in page1["data"]] == [ids[2], ids[1]] and page1["has_more"] is True
    page2 = (
        await client.get("/invoices", params={"limit": 2, "starting_after": page1["next_cursor"]}, headers=me)
    ).json()
    assert [i["id"] for i in page2["data"]] == [ids[0]] and page2["has_more"] is False
    detail = (await client.get(f"/invoices/{ids[0]}", headers=me)).json()
    # 3 units × 1.00 = 3.00; tax 8.25% = 0.2475 → 0.25
    assert (detail["subtotal"], detail["tax"], detail["total"], detail["status"]) == (
        "3.00",
        "0.25",
        "3.25",
        "open",
    )
    assert detail["lines"][0] == {
        "kind": "usage",
        "description": detail["lines"][0]["description"],
        "metric": detail["lines"][0]["metric"],
        "quantity": "3",  # an exact decimal string
        "unit_amount": "1",
        "amount": "3.00",
        "tax": "0.25",
    }
    assert detail["tax_rate"] == {"name": "Sales tax", "percent": "8.25", "inclusive": False}
    assert (await client.get(f"/invoices/{ids[0]}", headers=auth(uid("other")))).status_code == 404
    assert (await client.get("/invoices", headers=auth(uid("other")))).json()["data"] == []
    admin_view = (await client.get("/invoices", params={"account_id": acct}, headers=ADMIN)).json()
    assert len(admin_view["data"]) == 3


async def test_plans_are_admin_managed(client: httpx.AsyncClient) -> None:
    body = {"name": "Team", "amount": "49.00", "currency": "USD", "trial_days": 14}
    assert (await client.post("/plans", json=body, headers=auth("u1"))).status_code == 403
    created = await client.post("/plans", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert (plan["amount"], plan["trial_days"], plan["active"]) == ("49.00", 14, True)
    bad = await client.post("/plans", json={**body, "amount": "49.001"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "amount"
    patched = (await client.patch(f"/plans/{plan['id']}", json={"amount": 59}, headers=ADMIN)).json()
    assert patched["amount"] == "59.00"
    archived = (await client.delete(f"/plans/{plan['id']}", headers=ADMIN)).json()
    assert archived["active"] is False
    listed = (await client.get("/plans", headers=auth("u1"), params={"limit": 100})).json()["data"]
    assert plan["id"] not in [p["id"] for p in listed]
    sub = await client.post("/subscriptions", json={"plan_id": plan["id"]}, headers=auth(uid("u")))
    assert sub.status_code == 409 and sub.json()["error"]["code"] == "plan_inactive"


async def test_subscription_create_change_and_cancel_through_the_workflow(
    client: httpx.AsyncClient, ts_env, settings, session_factory, task_queue
) -> None:
    basic = (await client.post("/plans", json={"name": "Basic", "amount": "10.00"}, headers=ADMIN)).json()
    pro = (await client.post("/plans", json={"name": "Pro", "amount": "30.00"}, headers=ADMIN)).json()
    acct = uid("acct")
    me = auth(acct)
    async with _worker(ts_env, settings, session_factory, task_queue, paying_charge(session_factory)):
        created = await client.post(
            "/subscriptions", json={"plan_id": basic["id"], "payment_method_id": "pm_1"}, headers=me
        )
        assert created.status_code == 201, created.text
        sub = created.json()
        assert sub["status"] == "active" and sub["current_period_end"] is not None
        sid = sub["id"]
        assert (await client.get(f"/subscriptions/{sid}", headers=auth(uid("x")))).status_code == 404
        changed = await client.post(f"/subscriptions/{sid}/change", json={"plan_id": pro["id"]}, headers=me)
        assert changed.status_code == 200, changed.text
        assert changed.json()["plan_id"] == pro["id"]
        unknown = await client.post(f"/subscriptions/{sid}/change", json={"plan_id": "plan_nope"}, headers=me)
        assert unknown.status_code == 404
        canceled = await client.post(f"/subscriptions/{sid}/cancel", json={"at_period_end": True}, headers=me)
        assert canceled.status_code == 200 and canceled.json()["cancel_at_period_end"] is True
        now_cancel = await client.post(
            f"/subscriptions/{sid}/cancel", json={"at_period_end": False}, headers=me
        )
        assert now_cancel.json()["status"] == "canceled"
        again = await client.post(f"/subscriptions/{sid}/change", json={"plan_id": basic["id"]}, headers=me)
        assert again.status_code == 409
    async with session_factory() as s:
        items = (
            await s.execute(
                select(BillingItem.kind, BillingItem.amount)
                .where(BillingItem.account_id == acct)
                .order_by(BillingItem.created_at)
            )
        ).all()
    # the first period's fee; the change within the first day: full credit of Basic, full Pro charge;
    # the immediate cancel credits the unused Pro time
    assert [(k, a) for k, a in items] == [
        ("subscription", 1000),
        ("proration", -1000),
        ("proration", 3000),
        ("proration", -3000),
    ]
    settings_view = (await client.get("/billing/account", headers=me)).json()
    assert settings_view["default_payment_method_id"] == "pm_1"


async def test_billing_run_by_hand_bills_each_account_once(
    client: httpx.AsyncClient, ts_env, settings, session_factory, task_queue
) -> None:
    metric = await _price(client)
    accts = [uid("acct") for _ in range(3)]
    period = Period.parse("2002-05")
    for a in accts:
        await client.put(f"/billing/accounts/{a}", json={"default_payment_method_id": "pm_x"}, headers=ADMIN)
    await client.post(
        "/usage",
        headers=SERVICE,
        json={
            "records": [
                {
                    "event_id": uid("ev"),
                    "account_id": a,
                    "metric": metric,
                    "quantity": 4,
                    "timestamp": (period.start + timedelta(days=1)).isoformat(),
                }
                for a in accts
            ]
        },
    )
    assert (await client.post("/billing/run", json={"period": "2999-01"}, headers=ADMIN)).status_code == 409
    assert (
        await client.post("/billing/run", json={"period": "2002-05"}, headers=auth("u1"))
    ).status_code == 403
    async with _worker(ts_env, settings, session_factory, task_queue, paying_charge(session_factory)):
        first = await client.post("/billing/run", json={"period": period.label}, headers=ADMIN)
        assert first.status_code == 202 and first.json()["status"] == "started"
        run = ts_env.client.get_workflow_handle(first.json()["workflow_id"], result_type=c.BillingRunResult)
        result = await run.result()
        second = await client.post("/billing/run", json={"period": period.label}, headers=ADMIN)
        assert second.status_code == 202
        await ts_env.client.get_workflow_handle(second.json()["workflow_id"]).result()
        for a in accts:
            await ts_env.client.get_workflow_handle(f"billing-{a}-{period.label}").result()
    assert result.invoices_created == 3
    async with session_factory() as s:
        rows = (
            await s.execute(
                select(Invoice.account_id, Invoice.status, Invoice.total).where(Invoice.account_id.in_(accts))
            )
        ).all()
    assert sorted(rows) == sorted((a, "paid", 8) for a in accts)


async def test_adjustments_discounts_and_void(client: httpx.AsyncClient, session_factory) -> None:
    acct = uid("acct")
    jur = uid("j")
    assert (
        await client.put(f"/billing/tax-rates/{jur}", json={"percent": "10"}, headers=ADMIN)
    ).status_code == 204
    settings_resp = await client.put(
        f"/billing/accounts/{acct}", headers=ADMIN, json={"jurisdiction": jur, "discount_percent": "25"}
    )
    assert settings_resp.status_code == 200, settings_resp.text
    bad = await client.put(f"/billing/accounts/{acct}", json={"discount_percent": "101"}, headers=ADMIN)
    assert bad.status_code == 422
    items = [
        {"kind": "adjustment", "description": "Onboarding", "amount": "40.00", "reference": "onb"},
        {"kind": "adjustment", "description": "Goodwill credit", "amount": "-4.00"},
        {"kind": "discount", "description": "Launch offer", "amount": "6.00"},
    ]
    for item in items:
        resp = await client.post(f"/billing/accounts/{acct}/items", json=item, headers=ADMIN)
        assert resp.status_code == 201, resp.text
    dup = await client.post(f"/billing/accounts/{acct}/items", json=items[0], headers=ADMIN)
    assert dup.json()["created"] is False
    assert (
        await client.post(f"/billing/accounts/{acct}/items", json=items[0], headers=auth(acct))
    ).status_code == 403
    period = Period.containing(datetime.now(UTC))
    async with unit_of_work(session_factory) as s:
        [inv] = await billing.build_invoices(s, _settings(s), period, [acct], issued_at=period.end)
    detail = (await client.get(f"/invoices/{inv.invoice_id}", headers=auth(acct))).json()
    # 40.00 - 4.00 - 6.00 = 30.00; 25% off that = -7.50; tax 10% per line: 4.00, -0.40, -0.60, -0.75
    assert [(ln["kind"], ln["amount"], ln["tax"]) for ln in detail["lines"]] == [
        ("adjustment", "40.00", "4.00"),
        ("adjustment", "-4.00", "-0.40"),
        ("discount", "-6.00", "-0.60"),
        ("discount", "-7.50", "-0.75"),
    ]
    assert (detail["subtotal"], detail["tax"], detail["total"]) == ("22.50", "2.25", "24.75")
    voided = await client.post(f"/invoices/{inv.invoice_id}/void", headers=ADMIN)
    assert voided.status_code == 200 and voided.json()["status"] == "void"
    again = await client.post(f"/invoices/{inv.invoice_id}/void", headers=ADMIN)
    assert again.status_code == 200 and again.json()["number"] == detail["number"]  # no-op; number stays used
    async with unit_of_work(session_factory) as s:
        with pytest.raises(InvalidState):
            await billing.mark_invoice_paid(s, invoice_id=inv.invoice_id, payment_id="late", amount=1)
