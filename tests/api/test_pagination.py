"""Every list endpoint is paginated the same way (api/pagination.py): limit, starting_after, a Page."""

from __future__ import annotations

from typing import Any

import httpx

from api.app import create_app
from config.settings import Settings
from tests.support.tokens import auth, uid

API = "/api/v1/payments"
# Lists bounded by nature, not by the caller's history: one row per currency.
NOT_PAGED = {f"{API}/earnings", f"{API}/pricing/agents/{{agent_id}}/prices"}


def _lists(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for path, ops in doc["paths"].items():
        op = ops.get("get")
        if op is None:
            continue
        schema = (
            op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        )
        comp = doc["components"]["schemas"].get(schema.get("$ref", "").split("/")[-1], {})
        if schema.get("type") == "array" or comp.get("properties", {}).get("data", {}).get("type") == "array":
            out[path] = {"op": op, "schema": schema, "component": comp}
    return out


def test_every_list_endpoint_is_paginated_with_the_one_helper() -> None:
    doc = create_app(Settings(env="dev")).openapi()
    lists = _lists(doc)
    assert {f"{API}/methods", f"{API}/subscriptions", f"{API}/payouts/destinations"} <= set(lists)
    assert f"{API}/credits/low-balance-events" in lists
    for path, found in lists.items():
        if path in NOT_PAGED:
            continue
        assert found["schema"].get("type") != "array", f"{path} answers a bare list"
        params = {p["name"]: p["schema"] for p in found["op"].get("parameters", [])}
        assert params.get("limit", {}).get("maximum") == 100, path
        cursor = params.get("starting_after", {}).get("anyOf", [{}])[0]
        assert cursor.get("maxLength") == 64, path
        assert {"data", "has_more", "next_cursor"} <= set(found["component"]["properties"]), path


async def test_destinations_page_and_refuse_a_foreign_cursor(api_client: httpx.AsyncClient) -> None:
    agent, other = auth(uid("agent"), "agent"), auth(uid("agent"), "agent")
    for i in range(3):
        r = await api_client.post(
            f"{API}/payouts/destinations",
            json={"provider": "stripe", "account": f"acct_page{i}x"},
            headers=agent,
        )
        assert r.status_code == 201, r.text
    first = (await api_client.get(f"{API}/payouts/destinations", params={"limit": 2}, headers=agent)).json()
    assert len(first["data"]) == 2 and first["has_more"] is True
    second = (
        await api_client.get(
            f"{API}/payouts/destinations",
            params={"limit": 2, "starting_after": first["next_cursor"]},
            headers=agent,
        )
    ).json()
    assert len(second["data"]) == 1 and second["has_more"] is False and second["next_cursor"] is None
    ids = [d["destination_id"] for d in first["data"] + second["data"]]
    assert len(set(ids)) == 3
    r = await api_client.get(
        f"{API}/payouts/destinations", params={"starting_after": first["next_cursor"]}, headers=other
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "invalid_cursor"


async def test_the_new_pages_answer_empty_pages(api_client: httpx.AsyncClient) -> None:
    h = auth(uid("u"))
    for path in ("/methods", "/subscriptions", "/credits/low-balance-events", "/plans"):
        r = await api_client.get(f"{API}{path}", headers=h)
        assert r.status_code in (200, 404), (path, r.text)
        if r.status_code == 200:
            assert set(r.json()) == {"data", "has_more", "next_cursor"}, path
