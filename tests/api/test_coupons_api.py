"""Coupons over HTTP and on invoices: created by admins, redeemed by the account (others get 404),
limits and expiry hold under concurrent redemptions, durations count invoices, lines show."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from config.settings import Settings
from db.repositories import billing as repo
from db.repositories import coupons as crepo
from db.session import unit_of_work
from domain.billing import Period
from services import billing
from tests.support.tokens import auth, uid

ADMIN = auth("admin_1", "admin")
V1 = "/api/v1/payments"
SETTINGS = Settings(env="dev")


async def _coupon(api_client: httpx.AsyncClient, **body) -> str:
    code = uid("C").upper()
    r = await api_client.post(f"{V1}/billing/coupons", json={"code": code, **body}, headers=ADMIN)
    assert r.status_code == 201, r.text
    return code


async def _redeem(api_client: httpx.AsyncClient, acct: str, code: str, **kw) -> httpx.Response:
    headers = kw.pop("headers", auth(acct))
    return await api_client.post(
        f"{V1}/billing/accounts/{acct}/coupons", json={"code": code, **kw}, headers=headers
    )


async def _invoice(session_factory, acct: str, period: Period, amount: int) -> list[tuple[str, int]]:
    async with unit_of_work(session_factory) as s:
        await billing.add_item(
            s,
            account_id=acct,
            kind="subscription",
            description="Pro plan",
            amount=amount,
            currency="USD",
            effective_at=period.start,
            idempotency_key=uid("k"),
        )
        [inv] = await billing.build_invoices(s, SETTINGS, period, [acct], issued_at=period.end)
        lines = await repo.lines_of(s, inv.invoice_id)
    return [(ln.kind, ln.amount) for ln in lines]


async def test_a_repeating_percent_coupon_discounts_two_invoices_then_stops(
    api_client: httpx.AsyncClient, session_factory
) -> None:
    code = await _coupon(
        api_client, kind="percent", percent_off="20", duration="repeating", duration_periods=2
    )
    acct = uid("acct")
    r = await _redeem(api_client, acct, code)
    assert r.status_code == 201, r.text
    async with session_factory() as s:
        preview = await billing.preview_invoice(s, SETTINGS, acct, datetime.now(UTC))
    assert preview.lines == []  # nothing to bill yet: no coupon line on nothing
    p = Period.parse("2026-01")
    assert await _invoice(session_factory, acct, p, 10_000) == [("subscription", 10_000), ("coupon", -2000)]
    assert await _invoice(session_factory, acct, p.next(), 5_000) == [
        ("subscription", 5_000),
        ("coupon", -1000),
    ]
    assert await _invoice(session_factory, acct, p.next().next(), 5_000) == [("subscription", 5_000)]
    again = await _redeem(api_client, acct, code)
    assert again.status_code == 409 and again.json()["error"]["code"] == "coupon_redeemed"


async def test_a_fixed_coupon_never_takes_the_invoice_below_zero(
    api_client: httpx.AsyncClient, session_factory
) -> None:
    code = await _coupon(api_client, kind="fixed", amount_off="50.00", currency="USD", duration="forever")
    acct = uid("acct")
    assert (await _redeem(api_client, acct, code)).status_code == 201
    lines = await _invoice(session_factory, acct, Period.parse("2026-02"), 1_999)
    assert lines == [("subscription", 1_999), ("coupon", -1_999)]


async def test_the_last_redemption_goes_to_exactly_one_of_concurrent_redeemers(
    api_client: httpx.AsyncClient, session_factory
) -> None:
    code = await _coupon(api_client, kind="percent", percent_off="10", duration="once", max_redemptions=3)
    accounts = [uid("acct") for _ in range(8)]
    results = await asyncio.gather(*(_redeem(api_client, a, code) for a in accounts))
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 3 + [409] * 5, [r.text for r in results]
    assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {"coupon_exhausted"}
    async with session_factory() as s:  # a refused redemption left nothing behind
        rows = await crepo.redemptions_of(s, accounts)
        coupon = await crepo.get_coupon(s, code)
    assert len(rows) == 3 and coupon is not None and coupon.times_redeemed == 3


async def test_expired_foreign_currency_and_unknown_coupons_are_refused(
    api_client: httpx.AsyncClient,
) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    expired = await _coupon(api_client, kind="percent", percent_off="10", duration="once", redeem_by=past)
    euro = await _coupon(api_client, kind="fixed", amount_off="5", currency="EUR", duration="once")
    acct = uid("acct")
    r = await _redeem(api_client, acct, expired)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "coupon_expired")
    r = await _redeem(api_client, acct, euro)  # the account is billed in USD
    assert (r.status_code, r.json()["error"]["code"]) == (422, "currency_mismatch")
    assert (await _redeem(api_client, acct, "NOPE")).status_code == 404


async def test_nobody_redeems_for_someone_else_or_their_subscription(
    api_client: httpx.AsyncClient, session_factory
) -> None:
    code = await _coupon(api_client, kind="percent", percent_off="50", duration="forever")
    victim, mallory = uid("acct"), uid("acct")
    r = await _redeem(api_client, victim, code, headers=auth(mallory))
    assert r.status_code == 404
    sub_id = uid("sub")
    async with unit_of_work(session_factory) as s:
        from services.subscriptions import create_plan

        plan = await create_plan(s, name="Pro", amount=1000, currency="USD")
        await repo.insert_subscription(
            s,
            {
                "id": sub_id,
                "account_id": victim,
                "plan_id": plan.id,
                "status": "active",
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            },
        )
    r = await _redeem(api_client, mallory, code, subscription_id=sub_id)
    assert r.status_code == 404  # not mallory's subscription
    ok = await _redeem(api_client, victim, code, subscription_id=sub_id, headers=ADMIN)
    assert ok.status_code == 201 and ok.json()["subscription_id"] == sub_id


async def test_only_admins_create_coupons_and_bad_ones_are_422(api_client: httpx.AsyncClient) -> None:
    body = {"code": uid("C").upper(), "kind": "percent", "percent_off": "10", "duration": "once"}
    assert (
        await api_client.post(f"{V1}/billing/coupons", json=body, headers=auth(uid("u")))
    ).status_code == 403
    for bad in (
        {**body, "percent_off": "0"},
        {**body, "percent_off": "101"},
        {**body, "kind": "fixed", "percent_off": None, "amount_off": "5"},  # no currency
        {**body, "kind": "fixed", "percent_off": None, "amount_off": "5.001", "currency": "USD"},
        {**body, "duration": "repeating"},
        {**body, "redeem_by": 1700000000},
    ):
        r = await api_client.post(f"{V1}/billing/coupons", json=bad, headers=ADMIN)
        assert r.status_code == 422, (bad, r.text)
    assert (await api_client.post(f"{V1}/billing/coupons", json=body, headers=ADMIN)).status_code == 201
    dup = await api_client.post(f"{V1}/billing/coupons", json=body, headers=ADMIN)
    assert dup.status_code == 409
