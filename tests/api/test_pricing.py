"""Pricing through the real app: the sprint example byte for byte, rules CRUD, pushes, quotes, auth.

Rules here are scoped to a unique agent or category (the test database is shared by the whole run:
a committed global rule would change every other test's prices).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from services.pricing import consume_quote
from tests.support.tokens import auth, uid

P = "/api/v1/payments/pricing"
ADMIN = auth("admin_1", "admin")
SERVICE = auth("mesh", "service")


async def _rule(api: httpx.AsyncClient, agent: str, **fields: Any) -> dict[str, Any]:
    body = {"scope": "agent", "scope_value": agent, "name": uid("rule"), **fields}
    r = await api.post(f"{P}/rules", json=body, headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()


async def _list(api: httpx.AsyncClient, agent: str, unit_price: str, currency: str = "USD") -> None:
    """The agent lists its own unit price: what quotes start from."""
    r = await api.put(
        f"{P}/agents/{agent}/prices/{currency}", json={"unit_price": unit_price}, headers=auth(agent, "agent")
    )
    assert r.status_code == 200, r.text


async def _price(api: httpx.AsyncClient, agent: str, **params: Any) -> httpx.Response:
    return await api.get(f"{P}/{agent}", params={"base_price": "10.00", **params}, headers=auth(uid()))


async def test_sprint_document_example_exactly(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    r = await api_client.post(
        f"{P}/rules",
        headers=ADMIN,
        json={
            "type": "surge",
            "params": {"threshold": 0.8, "multiplier": 1.2},
            "scope": "agent",
            "scope_value": agent,
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "surge_pricing_0.8"  # the default name of a surge rule
    r = await api_client.put(f"{P}/demand/{agent}", json={"demand_ratio": "0.85"}, headers=SERVICE)
    assert r.status_code == 200, r.text

    r = await api_client.get(f"{P}/{agent}?base_price=10.00", headers=auth(uid("user")))

    assert r.status_code == 200, r.text
    assert r.json() == {
        "base_price": "10.00",
        "adjusted_price": "12.00",
        "multiplier": 1.2,
        "adjustments": [
            {
                "rule": "surge_pricing_0.8",
                "type": "surge",
                "multiplier": 1.2,
                "description": "Surge pricing when demand exceeds 0.8",
            }
        ],
    }
    # The multiplier is a JSON number written from the exact Decimal, not a float's digits.
    assert b'"multiplier":1.2,' in r.content


async def test_demand_at_threshold_is_not_surge(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    await _rule(api_client, agent, type="surge", params={"threshold": "0.8", "multiplier": "1.2"})
    await api_client.put(f"{P}/demand/{agent}", json={"demand_ratio": "0.8"}, headers=SERVICE)
    r = await _price(api_client, agent)
    assert r.json() == {"base_price": "10.00", "adjusted_price": "10.00", "multiplier": 1, "adjustments": []}


async def test_no_rules_is_the_base_price_in_other_currencies(api_client: httpx.AsyncClient) -> None:
    r = await api_client.get(
        f"{P}/{uid('agent')}", params={"base_price": "1500", "currency": "JPY"}, headers=auth(uid())
    )
    assert r.json()["adjusted_price"] == "1500"
    r = await api_client.get(
        f"{P}/{uid('agent')}", params={"base_price": "0.00000001", "currency": "BTC"}, headers=auth(uid())
    )
    assert r.json()["adjusted_price"] == "0.00000001"


async def test_rules_compose_in_priority_order_and_round_once(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    await _rule(api_client, agent, name=f"b_{agent}", type="fixed", priority=5, params={"multiplier": "1.1"})
    await _rule(
        api_client,
        agent,
        name=f"a_{agent}",
        type="bulk",
        priority=5,
        params={"tiers": [{"min_quantity": 10, "discount": "0.05"}, {"min_quantity": 100, "discount": 0.12}]},
    )
    await _rule(api_client, agent, type="fixed", priority=1, params={"multiplier": "1.005"})
    r = await api_client.get(
        f"{P}/{agent}", params={"base_price": "9.99", "quantity": 100}, headers=auth(uid())
    )
    body = r.json()
    # 9.99 × 1.005 × 0.88 × 1.1 = 9.7184718 → 9.72, rounded once (step-by-step would give 9.71).
    assert body["adjusted_price"] == "9.72"
    assert body["multiplier"] == float(Decimal("1.005") * Decimal("0.88") * Decimal("1.1"))
    assert b'"multiplier":0.97284,' in r.content
    assert [a["type"] for a in body["adjustments"]] == ["fixed", "bulk", "fixed"]  # priority, then name
    assert body["adjustments"][1]["description"] == "Bulk discount of 12% for 100 or more"
    r = await api_client.get(
        f"{P}/{agent}", params={"base_price": "9.99", "quantity": 9}, headers=auth(uid())
    )
    assert [a["type"] for a in r.json()["adjustments"]] == ["fixed", "fixed"]


async def test_reputation_time_and_category_rules(api_client: httpx.AsyncClient) -> None:
    agent, category = uid("agent"), uid("cat")
    await _rule(
        api_client,
        agent,
        type="reputation",
        priority=10,
        params={"max_discount": "0.2", "min_reputation": "0.5"},
    )
    await _rule(
        api_client,
        category,
        scope="category",
        type="time",
        priority=20,
        params={
            "windows": [
                {
                    "days": ["mon", "tue", "wed", "thu", "fri"],
                    "start_hour": 9,
                    "end_hour": 17,
                    "multiplier": "1.25",
                }
            ]
        },
    )
    r = await api_client.put(f"{P}/reputation/{agent}", json={"reputation": 0.9}, headers=SERVICE)
    assert r.json()["reputation"] == "0.9"
    r = await api_client.put(
        f"{P}/agents/{agent}", json={"timezone": "Asia/Tokyo", "category": category}, headers=SERVICE
    )
    assert r.status_code == 200, r.text
    # Monday 01:30 UTC is 10:30 in Tokyo: peak there; reputation 0.9 → 16 % off.
    r = await _price(api_client, agent, at="2025-03-03T01:30:00Z")
    body = r.json()
    assert [(a["type"], a["multiplier"]) for a in body["adjustments"]] == [
        ("reputation", 0.84),
        ("time", 1.25),
    ]
    assert body["adjusted_price"] == "10.50"
    assert body["adjustments"][1]["description"] == "Peak hours Mon,Tue,Wed,Thu,Fri 09:00-17:00 (Asia/Tokyo)"
    r = await _price(api_client, agent, at="2025-03-03T12:00:00Z")  # 21:00 in Tokyo
    assert r.json()["adjusted_price"] == "8.40"


async def test_request_timezone_used_when_agent_has_none(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    await _rule(
        api_client,
        agent,
        type="time",
        params={"windows": [{"days": [5, 6], "start_hour": 0, "end_hour": 24, "multiplier": "0.9"}]},
    )
    # Friday 23:00 UTC is Saturday in Berlin.
    assert (await _price(api_client, agent, at="2025-03-07T23:00:00Z")).json()["adjusted_price"] == "10.00"
    r = await _price(api_client, agent, at="2025-03-07T23:00:00Z", tz="Europe/Berlin")
    assert r.json()["adjusted_price"] == "9.00"


async def test_clamp_is_explained(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    for _ in range(3):
        await _rule(api_client, agent, type="fixed", params={"multiplier": "1.5"})
    body = (await _price(api_client, agent)).json()
    assert body["multiplier"] == 3.0 and body["adjusted_price"] == "30.00"
    assert body["adjustments"][-1] == {
        "rule": "clamp_max",
        "type": "clamp",
        "multiplier": 3,
        "description": "Combined multiplier 3.375 clamped to the maximum 3",
    }


async def test_rules_crud_takes_effect_at_once(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    rule = await _rule(
        api_client, agent, type="fixed", params={"multiplier": "2"}, description="Launch promo"
    )
    assert (await _price(api_client, agent)).json()["adjustments"][0]["description"] == "Launch promo"
    listed = (await api_client.get(f"{P}/rules", headers=ADMIN)).json()["data"]
    assert rule["id"] in {r["id"] for r in listed}
    assert (await api_client.get(f"{P}/rules/{rule['id']}", headers=ADMIN)).json()["params"] == {
        "multiplier": "2"
    }

    r = await api_client.patch(
        f"{P}/rules/{rule['id']}", json={"params": {"multiplier": "1.5"}}, headers=ADMIN
    )
    assert r.status_code == 200 and r.json()["params"] == {"multiplier": "1.5"}
    assert (await _price(api_client, agent)).json()["adjusted_price"] == "15.00"
    await api_client.patch(f"{P}/rules/{rule['id']}", json={"enabled": False}, headers=ADMIN)
    assert (await _price(api_client, agent)).json()["adjusted_price"] == "10.00"
    await api_client.patch(f"{P}/rules/{rule['id']}", json={"enabled": True}, headers=ADMIN)
    assert (await _price(api_client, agent)).json()["adjusted_price"] == "15.00"

    assert (await api_client.delete(f"{P}/rules/{rule['id']}", headers=ADMIN)).json()["deleted"] is True
    assert (await _price(api_client, agent)).json()["adjusted_price"] == "10.00"
    assert (await api_client.delete(f"{P}/rules/{rule['id']}", headers=ADMIN)).status_code == 404
    assert (await api_client.patch(f"{P}/rules/{rule['id']}", json={}, headers=ADMIN)).status_code == 404


async def test_active_window(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    await _rule(
        api_client,
        agent,
        type="fixed",
        params={"multiplier": "0.8"},
        active_from="2025-06-01T00:00:00Z",
        active_until="2025-07-01T00:00:00Z",
    )
    assert (await _price(api_client, agent, at="2025-05-31T23:59:59Z")).json()["adjusted_price"] == "10.00"
    assert (await _price(api_client, agent, at="2025-06-01T00:00:00Z")).json()["adjusted_price"] == "8.00"
    assert (await _price(api_client, agent, at="2025-07-01T00:00:00Z")).json()["adjusted_price"] == "10.00"


async def test_invalid_rules_are_422_and_duplicates_409(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    cases = [
        ({"type": "fixed", "params": {"multiplier": "-1"}}, "params.multiplier"),
        ({"type": "surge", "params": {"threshold": 0.8, "multiplier": 0}}, "params.multiplier"),
        ({"type": "surge", "params": {}}, "params.threshold"),
        ({"type": "reputation", "params": {"max_discount": "1.5"}}, "params.max_discount"),
        (
            {"type": "bulk", "params": {"tiers": [{"min_quantity": 10, "discount": "1.2"}]}},
            "params.tiers.0.discount",
        ),
        (
            {
                "type": "time",
                "params": {
                    "windows": [
                        {"days": [0], "start_hour": 9, "end_hour": 17, "multiplier": "1.2"},
                        {"days": [0, 1], "start_hour": 16, "end_hour": 18, "multiplier": "1.1"},
                    ]
                },
            },
            "params.windows.1",
        ),
        (
            {"type": "time", "params": {"windows": [{"start_hour": 22, "end_hour": 6, "multiplier": "1.2"}]}},
            "params.windows.0.end_hour",
        ),
        (
            {
                "type": "time",
                "params": {
                    "timezone": "Mars/Olympus",
                    "windows": [{"start_hour": 1, "end_hour": 2, "multiplier": "1.2"}],
                },
            },
            "params.timezone",
        ),
        ({"type": "fixed", "params": {"multiplier": "1.1", "bogus": 1}}, "params.bogus"),
        (
            {
                "type": "fixed",
                "params": {"multiplier": "1.1"},
                "active_from": "2025-02-01T00:00:00Z",
                "active_until": "2025-01-01T00:00:00Z",
            },
            "active_until",
        ),
        (
            {"type": "fixed", "params": {"multiplier": "1.1"}, "scope": "global", "scope_value": agent},
            "scope_value",
        ),
        ({"type": "discount", "params": {}}, "type"),
    ]
    for fields, param in cases:
        body = {"scope": "agent", "scope_value": agent, **fields}
        r = await api_client.post(f"{P}/rules", json=body, headers=ADMIN)
        assert r.status_code == 422, (fields, r.text)
        assert r.json()["error"]["param"] == param, (fields, r.json())
    name = uid("dup")
    await _rule(api_client, agent, name=name, type="fixed", params={"multiplier": "1.1"})
    r = await api_client.post(
        f"{P}/rules",
        headers=ADMIN,
        json={
            "name": name,
            "type": "fixed",
            "params": {"multiplier": "1.1"},
            "scope": "agent",
            "scope_value": agent,
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "rule_name_taken"


async def test_who_may_do_what(api_client: httpx.AsyncClient) -> None:
    agent = uid("agent")
    rule = {"type": "fixed", "params": {"multiplier": "1.1"}, "scope": "agent", "scope_value": agent}
    assert (await api_client.get(f"{P}/{agent}?base_price=1.00")).status_code == 401
    for role in ("user", "agent", "service"):
        assert (await api_client.post(f"{P}/rules", json=rule, headers=auth(uid(), role))).status_code == 403
        assert (await api_client.get(f"{P}/rules", headers=auth(uid(), role))).status_code == 403
    for role in ("user", "agent"):
        h = auth(uid(), role)
        assert (
            await api_client.put(f"{P}/demand/{agent}", json={"demand_ratio": "1"}, headers=h)
        ).status_code == 403
        assert (
            await api_client.put(f"{P}/reputation/{agent}", json={"reputation": "1"}, headers=h)
        ).status_code == 403
    assert (
        await api_client.put(f"{P}/demand/{agent}", json={"demand_ratio": "1"}, headers=ADMIN)
    ).status_code == 200
    assert (await _price(api_client, agent)).status_code == 200  # any authenticated principal reads


async def test_bad_inputs_are_422(api_client: httpx.AsyncClient) -> None:
    agent, h = uid("agent"), auth(uid())
    for params, param in [
        ({"base_price": "abc"}, "base_price"),
        ({"base_price": "10.001"}, "base_price"),
        ({"base_price": "-1"}, "base_price"),
        ({"base_price": "1", "currency": "XXX"}, "currency"),
        ({"base_price": "1", "quantity": 0}, "quantity"),
        ({"base_price": "1", "at": "2025-01-01T10:00:00"}, "at"),
        ({"base_price": "1", "tz": "Nowhere/City"}, "tz"),
    ]:
        r = await api_client.get(f"{P}/{agent}", params=params, headers=h)
        assert r.status_code == 422 and r.json()["error"]["param"] == param, (params, r.text)
    for body, param in [
        ({"demand_ratio": "-0.1"}, "demand_ratio"),
        ({"demand_ratio": 1.0000001}, "demand_ratio"),
        ({"demand_ratio": "1", "extra": 1}, "extra"),
    ]:
        r = await api_client.put(f"{P}/demand/{agent}", json=body, headers=SERVICE)
        assert r.status_code == 422 and r.json()["error"]["param"] == param, (body, r.text)
    r = await api_client.put(f"{P}/reputation/{agent}", json={"reputation": "1.01"}, headers=SERVICE)
    assert r.status_code == 422
    r = await api_client.put(f"{P}/agents/{agent}", json={"timezone": "Nowhere/City"}, headers=SERVICE)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_timezone"


async def test_quote_locks_the_price_for_its_owner_once(
    api_client: httpx.AsyncClient, session_factory
) -> None:
    agent, owner = uid("agent"), uid("user")
    await _rule(api_client, agent, type="surge", params={"threshold": "0.5", "multiplier": "1.3"})
    await api_client.put(f"{P}/demand/{agent}", json={"demand_ratio": "0.7"}, headers=SERVICE)
    await _list(api_client, agent, "19.99")
    r = await api_client.post(f"{P}/quotes", headers=auth(owner), json={"agent_id": agent, "quantity": 3})
    assert r.status_code == 201, r.text
    q = r.json()
    assert (q["base_price"], q["adjusted_price"], q["amount"], q["multiplier"]) == (
        "19.99",
        "25.99",
        "77.97",
        1.3,
    )
    assert q["currency"] == "USD" and q["consumed"] is False and q["quote_id"].startswith("quo_")
    created, expires = datetime.fromisoformat(q["created_at"]), datetime.fromisoformat(q["expires_at"])
    assert expires - created == timedelta(minutes=15)

    # Demand drops and the rule goes away: the quote still holds its price.
    await api_client.put(f"{P}/demand/{agent}", json={"demand_ratio": "0"}, headers=SERVICE)
    assert (await _price(api_client, agent, base_price="19.99")).json()["adjusted_price"] == "19.99"
    assert (await api_client.get(f"{P}/quotes/{q['quote_id']}", headers=auth(uid()))).status_code == 404
    assert (await api_client.get(f"{P}/quotes/{q['quote_id']}", headers=auth(owner))).json()[
        "amount"
    ] == "77.97"

    async with session_factory() as s, s.begin():
        locked = await consume_quote(s, quote_id=q["quote_id"], principal_id=owner)
    assert (locked.amount, locked.currency, locked.agent_id, locked.quantity) == (7797, "USD", agent, 3)
    assert (await api_client.get(f"{P}/quotes/{q['quote_id']}", headers=auth(owner))).json()[
        "consumed"
    ] is True


async def test_quote_input_checks(api_client: httpx.AsyncClient) -> None:
    h, agent = auth(uid()), uid("agent")
    await _list(api_client, agent, "5")
    for body, param in [
        ({"agent_id": agent, "currency": "ABC"}, "currency"),
        ({"agent_id": agent, "ttl_seconds": 10**7}, "ttl_seconds"),
        ({"agent_id": agent, "quantity": 0}, "quantity"),
    ]:
        r = await api_client.post(f"{P}/quotes", json=body, headers=h)
        assert r.status_code == 422 and r.json()["error"]["param"] == param, (body, r.text)
    r = await api_client.post(f"{P}/quotes", json={"agent_id": agent, "ttl_seconds": 60}, headers=h)
    q = r.json()
    assert datetime.fromisoformat(q["expires_at"]) - datetime.fromisoformat(q["created_at"]) == timedelta(
        seconds=60
    )
    assert datetime.fromisoformat(q["expires_at"]) > datetime.now(UTC)


async def test_a_quote_takes_the_agents_listed_price_never_the_callers(api_client: httpx.AsyncClient) -> None:
    """#11.8: `base_price` in the body used to be the quote's base, so a "locked" quote locked nothing."""
    agent, owner = uid("agent"), uid("user")
    r = await api_client.post(
        f"{P}/quotes", json={"agent_id": agent, "base_price": "0.01"}, headers=auth(owner)
    )
    assert r.status_code == 422 and r.json()["error"]["param"] == "base_price", r.text
    r = await api_client.post(f"{P}/quotes", json={"agent_id": agent}, headers=auth(owner))
    assert r.status_code == 409 and r.json()["error"]["code"] == "agent_price_not_listed"
    # only the agent itself (or a service/admin) lists its price
    for who in (auth(owner), auth(uid("agent"), "agent")):
        r = await api_client.put(f"{P}/agents/{agent}/prices/USD", json={"unit_price": "0.01"}, headers=who)
        assert r.status_code == 403
    await _list(api_client, agent, "42.50")
    await _list(api_client, agent, "5000", "JPY")
    r = await api_client.post(f"{P}/quotes", json={"agent_id": agent, "quantity": 2}, headers=auth(owner))
    assert r.status_code == 201, r.text
    assert (r.json()["base_price"], r.json()["amount"]) == ("42.50", "85.00")
    r = await api_client.post(f"{P}/quotes", json={"agent_id": agent, "currency": "JPY"}, headers=auth(owner))
    assert (r.json()["base_price"], r.json()["currency"]) == ("5000", "JPY")
    listed = (await api_client.get(f"{P}/agents/{agent}/prices", headers=auth(owner))).json()["data"]
    assert [(p["currency"], p["unit_price"]) for p in listed] == [("JPY", "5000"), ("USD", "42.50")]
    # the price read without base_price is the listed one
    got = (await api_client.get(f"{P}/{agent}", headers=auth(owner))).json()
    assert got["base_price"] == "42.50"
    for bad, param in (({"unit_price": "-1"}, "unit_price"), ({"unit_price": "1.001"}, "unit_price")):
        r = await api_client.put(f"{P}/agents/{agent}/prices/USD", json=bad, headers=auth(agent, "agent"))
        assert r.status_code == 422 and r.json()["error"]["param"] == param
