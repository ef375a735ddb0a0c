"""Usage billing over HTTP: meters, per-model prices, decimal quantities with properties, live spend
and the upcoming invoice (own account or admin only), the progressive threshold setting."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.support.tokens import auth, uid

ADMIN = auth("admin_1", "admin")
SERVICE = auth("svc_usage", "service")
V1 = "/api/v1/payments"


async def _setup(api_client: httpx.AsyncClient) -> tuple[str, str]:
    metric, acct = uid("tokens"), uid("acct")
    r = await api_client.put(
        f"{V1}/billing/meters/{metric}",
        json={"aggregation": "sum", "precision": 3, "group_by": ["model"]},
        headers=ADMIN,
    )
    assert r.status_code == 200, r.text
    for body in (
        {"model": "per_unit", "tiers": [{"unit_amount": "0.5"}]},
        {"model": "per_unit", "tiers": [{"unit_amount": "2"}], "filters": {"model": "large"}},
    ):
        r = await api_client.put(f"{V1}/billing/prices/{metric}", json=body, headers=ADMIN)
        assert r.status_code == 204, r.text
    return metric, acct


async def test_live_spend_and_upcoming_invoice_from_posted_usage(api_client: httpx.AsyncClient) -> None:
    metric, acct = await _setup(api_client)
    now = datetime.now(UTC).isoformat()
    records = [
        {
            "event_id": uid("e"),
            "account_id": acct,
            "metric": metric,
            "quantity": "1000.5",
            "timestamp": now,
            "properties": {"model": "small"},
        },
        {
            "event_id": uid("e"),
            "account_id": acct,
            "metric": metric,
            "quantity": 250,
            "timestamp": now,
            "properties": {"model": "large"},
        },
        {"event_id": uid("e"), "account_id": acct, "metric": metric, "quantity": "0.0005", "timestamp": now},
    ]
    r = await api_client.post(f"{V1}/usage", json={"records": records}, headers=SERVICE)
    assert r.status_code == 200, r.text
    assert (r.json()["accepted"], [e["code"] for e in r.json()["errors"]]) == (2, ["invalid_quantity"])

    me = auth(acct)
    r = await api_client.get(f"{V1}/billing/accounts/{acct}/current-usage", headers=me)
    assert r.status_code == 200, r.text
    body = r.json()
    # small: 1000.5 × 0.5¢ = 500.25 → 500¢; large: 250 × 2¢ = 500¢
    assert body["amount"] == "10.00" and body["currency"] == "USD"
    assert sorted((ln["quantity"], ln["amount"]) for ln in body["lines"]) == [
        ("1000.5", "5.00"),
        ("250", "5.00"),
    ]

    r = await api_client.get(f"{V1}/billing/accounts/{acct}/upcoming-invoice", headers=me)
    assert r.status_code == 200, r.text
    preview = r.json()
    assert (preview["subtotal"], preview["total"]) == ("10.00", "10.00")
    assert all(set(ln) >= {"kind", "quantity", "unit_amount", "amount", "tax"} for ln in preview["lines"])


async def test_someone_elses_spend_is_not_found(api_client: httpx.AsyncClient) -> None:
    _, acct = await _setup(api_client)
    for path in ("current-usage", "upcoming-invoice"):
        stranger = await api_client.get(f"{V1}/billing/accounts/{acct}/{path}", headers=auth(uid("x")))
        assert stranger.status_code == 404, stranger.text
        agent = await api_client.get(f"{V1}/billing/accounts/{acct}/{path}", headers=auth(uid("a"), "agent"))
        assert agent.status_code == 404
        unauth = await api_client.get(f"{V1}/billing/accounts/{acct}/{path}")
        assert unauth.status_code == 401


async def test_only_admins_define_meters_and_prices(api_client: httpx.AsyncClient) -> None:
    metric = uid("m")
    for headers in (auth(uid("u")), SERVICE):
        r = await api_client.put(f"{V1}/billing/meters/{metric}", json={}, headers=headers)
        assert r.status_code == 403
        r = await api_client.put(
            f"{V1}/billing/prices/{metric}", json={"tiers": [{"unit_amount": "1"}]}, headers=headers
        )
        assert r.status_code == 403


async def test_bad_meters_and_prices_are_refused_clearly(api_client: httpx.AsyncClient) -> None:
    metric = uid("m")
    bad_meters = [
        {"aggregation": "median"},
        {"aggregation": "unique_count"},
        {"precision": 13},
        {"group_by": ["a", "b", "c", "d"]},
    ]
    for body in bad_meters:
        r = await api_client.put(f"{V1}/billing/meters/{metric}", json=body, headers=ADMIN)
        assert r.status_code == 422, (body, r.text)
    bad_prices = [
        {"model": "package", "tiers": [{"unit_amount": "1"}]},  # no package_size
        {"tiers": [{"unit_amount": "-1"}]},
        {"tiers": [{"unit_amount": "NaN"}]},
        {"tiers": [{"unit_amount": "1"}], "scope": "account"},  # which account?
        {"tiers": [{"unit_amount": "1"}], "scope": "global", "scope_id": "acct_1"},
        {
            "tiers": [{"up_to": "10", "unit_amount": "1"}, {"up_to": "5", "unit_amount": "1"}],
            "model": "tiered",
        },
    ]
    for body in bad_prices:
        r = await api_client.put(f"{V1}/billing/prices/{metric}", json=body, headers=ADMIN)
        assert r.status_code == 422, (body, r.text)


async def test_progressive_threshold_is_an_admin_setting_in_the_accounts_currency(
    api_client: httpx.AsyncClient,
) -> None:
    acct = uid("acct")
    r = await api_client.put(
        f"{V1}/billing/accounts/{acct}", json={"progressive_threshold": "100.00"}, headers=ADMIN
    )
    assert r.status_code == 200, r.text
    assert r.json()["progressive_threshold"] == "100.00"
    r = await api_client.put(
        f"{V1}/billing/accounts/{acct}", json={"progressive_threshold": "-5"}, headers=ADMIN
    )
    assert r.status_code == 422
    r = await api_client.patch(
        f"{V1}/billing/account", json={"progressive_threshold": "1"}, headers=auth(acct)
    )
    assert r.status_code == 422  # not a customer's own setting
