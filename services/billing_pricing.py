"""Meters and usage prices: their configuration (admin) and the pricing context of an account (its
meters and the candidate prices — its own, its plans', the global ones — in its currency), turned
into the domain's objects so the same pure code prices the live view, the preview and invoices."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.metering import Meter as MeterRow
from db.models.metering import UsageAggregate as AggRow
from db.models.metering import UsagePrice
from db.repositories import metering as mrepo
from domain.charges import PRICE_SCOPES, PriceRule, PriceSpec, Tier, normalize_filters
from domain.errors import InvalidAmount, NotFound
from domain.metering import AggState, Meter
from domain.usage_lines import UsageAggregate, UsageLine, usage_lines
from services.ids import new_id


def meter_of(row: MeterRow) -> Meter:
    return Meter(row.metric, row.aggregation, row.precision, tuple(row.group_by or ()), row.unique_property)


def spec_of(model: str, tiers: Sequence[dict[str, Any]], package_size: Any = None) -> PriceSpec:
    return PriceSpec(
        model,
        tuple(
            Tier(
                None if t.get("up_to") is None else Decimal(str(t["up_to"])),
                Decimal(str(t["unit_amount"])),
                int(t.get("flat_amount", 0)),
            )
            for t in tiers
        ),
        None if package_size is None else Decimal(str(package_size)),
    )


def rule_of(p: UsagePrice) -> PriceRule:
    return PriceRule(
        p.id,
        p.metric,
        p.scope,
        spec_of(p.model, p.tiers, p.package_size),
        normalize_filters(p.filters),
        p.display_name,
    )


def aggregate_of(row: AggRow, *, late_from: str = "") -> UsageAggregate:
    state = AggState(
        Decimal(row.total),
        int(row.count),
        None if row.maximum is None else Decimal(row.maximum),
        None if row.latest_value is None else Decimal(row.latest_value),
        row.latest_at,
        int(row.unique_count),
    )
    return UsageAggregate(row.metric, dict(row.properties or {}), state, row.from_period or late_from)


@dataclass(frozen=True)
class PricingContext:
    meters: dict[str, Meter]
    prices: dict[str, list[PriceRule]]

    def lines(self, aggregates: Sequence[UsageAggregate]) -> list[UsageLine]:
        return usage_lines(aggregates, self.meters, self.prices)


async def pricing_context(
    session: AsyncSession, account_id: str, currency: str, metrics: Sequence[str]
) -> PricingContext:
    prices: dict[str, list[PriceRule]] = {}
    for p in await mrepo.prices_for(session, currency=currency, account_id=account_id):
        prices.setdefault(p.metric, []).append(rule_of(p))
    meters = {m: meter_of(row) for m, row in (await mrepo.meters(session, metrics)).items()}
    return PricingContext(meters, prices)


async def pricing_contexts(
    session: AsyncSession, accounts: dict[str, str], metrics: Sequence[str]
) -> dict[str, PricingContext]:
    """{account_id: its pricing context} for a batch of accounts ({account_id: currency}), in three
    round trips whatever the batch size (the period-end build of 500 accounts at a time)."""
    rows, plans = await mrepo.prices_for_accounts(session, list(accounts))
    meters = {m: meter_of(row) for m, row in (await mrepo.meters(session, metrics)).items()}
    out: dict[str, PricingContext] = {}
    for account_id, currency in accounts.items():
        mine = set(plans.get(account_id, ()))
        prices: dict[str, list[PriceRule]] = {}
        for p in rows:
            if p.currency != currency:
                continue
            if (p.scope == "plan" and p.scope_id not in mine) or (
                p.scope == "account" and p.scope_id != account_id
            ):
                continue
            prices.setdefault(p.metric, []).append(rule_of(p))
        out[account_id] = PricingContext(meters, prices)
    return out


# --- configuration (admin) -----------------------------------------------------------------------


async def set_meter(
    session: AsyncSession,
    *,
    metric: str,
    aggregation: str = "sum",
    precision: int = 0,
    group_by: Sequence[str] = (),
    unique_property: str | None = None,
    display_name: str | None = None,
) -> Meter:
    """Define or change how a metric is counted. Aggregates already kept are not recomputed: change
    a meter between periods (or for a new metric)."""
    meter = Meter(metric, aggregation, precision, tuple(group_by), unique_property)
    await mrepo.upsert_meter(
        session,
        {
            "metric": metric,
            "aggregation": aggregation,
            "precision": precision,
            "group_by": list(meter.group_by),
            "unique_property": unique_property,
            "display_name": display_name,
        },
    )
    return meter


async def set_price(
    session: AsyncSession,
    *,
    metric: str,
    currency: str,
    model: str,
    tiers: list[dict[str, Any]],
    display_name: str | None = None,
    scope: str = "global",
    scope_id: str = "",
    filters: dict[str, str] | None = None,
    package_size: Decimal | int | str | None = None,
) -> str:
    """The price of `metric` in `currency` for everyone, a plan or an account, optionally only for
    usage whose properties match `filters`. Replaces the price with the same scope and filters."""
    if scope not in PRICE_SCOPES:
        raise InvalidAmount(f"scope must be one of {PRICE_SCOPES}", param="scope")
    if (scope == "global") != (scope_id == ""):
        raise InvalidAmount("a plan or account price names its plan or account", param="scope_id")
    spec = spec_of(model, tiers, package_size)
    norm = normalize_filters(filters)
    stored = [
        {
            "up_to": None if t.up_to is None else _plain(Decimal(t.up_to)),
            "unit_amount": _plain(t.unit_amount),
            "flat_amount": t.flat_amount,
        }
        for t in spec.tiers
    ]
    return await mrepo.upsert_price(
        session,
        {
            "id": new_id("price"),
            "metric": metric,
            "currency": currency,
            "scope": scope,
            "scope_id": scope_id,
            "filter_key": json.dumps(norm, separators=(",", ":"), ensure_ascii=False) if norm else "",
            "filters": dict(norm),
            "model": model,
            "tiers": stored,
            "package_size": None if spec.package_size is None else Decimal(spec.package_size),
            "display_name": display_name,
        },
    )


async def delete_price(session: AsyncSession, price_id: str) -> None:
    if not await mrepo.delete_price(session, price_id):
        raise NotFound(f"price {price_id} not found", param="price_id")


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
