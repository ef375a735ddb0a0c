"""Usage intake: events are stored (deduplicated by event_id) and folded into the running aggregates
in the same transaction, under the billing accounts' row locks; an account with a progressive
threshold gets an invoice at once when its usage reaches the next threshold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from db.base import utcnow
from db.models.billing import BillingAccount
from db.repositories import billing as repo
from db.repositories import metering as mrepo
from domain.billing import Period
from domain.errors import DomainError, InvalidAmount, NotFound
from domain.metering import (
    EMPTY,
    AggState,
    Meter,
    check_properties,
    default_meter,
    group_of,
    observe,
    parse_quantity,
)
from domain.usage_lines import thresholds_reached, usage_subtotal
from services.billing_invoices import ProgressiveCredit, issue_progressive_invoice
from services.billing_pricing import aggregate_of, meter_of, pricing_context

MAX_USAGE_BATCH = 1000


@dataclass(frozen=True)
class UsageIn:
    event_id: str
    account_id: str
    metric: str
    quantity: Decimal | int | str  # parsed against the metric's meter (precision)
    timestamp: datetime
    agent_id: str | None = None
    metadata: dict[str, Any] | None = None
    properties: dict[str, Any] | None = None


@dataclass
class UsageResult:
    accepted: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    progressive_invoices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Valid:
    rec: UsageIn
    meter: Meter
    quantity: Decimal
    properties: dict[str, str]


def _item_error(index: int, err: DomainError) -> dict[str, Any]:
    return {"index": index, "code": err.code, "message": err.message, "param": err.param}


async def record_usage(
    session: AsyncSession, settings: Settings, records: list[UsageIn | DomainError]
) -> UsageResult:
    """Take every valid record (deduplicated by event_id); report the invalid ones per index.

    A record for a period already invoiced is aggregated into the account's next bill period and
    billed there as a late-usage line."""
    result = UsageResult()
    metrics = sorted({r.metric for r in records if isinstance(r, UsageIn)})
    known = await mrepo.known_metrics(session, metrics) if metrics else set()
    meter_rows = await mrepo.meters(session, metrics) if metrics else {}
    valid: list[_Valid] = []
    seen: set[str] = set()
    for index, rec in enumerate(records):
        if isinstance(rec, DomainError):
            result.errors.append(_item_error(index, rec))
            continue
        if rec.metric not in known:
            err = NotFound(
                f"no meter or price for metric {rec.metric!r}", param="metric", code="unknown_metric"
            )
            result.errors.append(_item_error(index, err))
            continue
        meter = meter_of(meter_rows[rec.metric]) if rec.metric in meter_rows else default_meter(rec.metric)
        try:
            quantity = parse_quantity(rec.quantity, meter)
            props = check_properties(rec.properties)
            if meter.unique_property and meter.unique_property not in props:
                raise InvalidAmount(
                    f"{rec.metric} counts distinct {meter.unique_property!r}: the property is required",
                    param=f"properties.{meter.unique_property}",
                    code="invalid_record",
                )
        except DomainError as err:
            result.errors.append(_item_error(index, err))
            continue
        if rec.event_id in seen:
            result.duplicates += 1
            continue
        seen.add(rec.event_id)
        valid.append(_Valid(rec, meter, quantity, props))
    if not valid:
        return result

    account_ids = sorted({v.rec.account_id for v in valid})
    await repo.ensure_accounts(session, account_ids)
    accounts = await mrepo.lock_accounts(session, account_ids)
    now = utcnow()
    inserted = await repo.insert_usage(
        session,
        [
            {
                "event_id": v.rec.event_id,
                "account_id": v.rec.account_id,
                "metric": v.rec.metric,
                "quantity": v.quantity,
                "ts": v.rec.timestamp,
                "agent_id": v.rec.agent_id,
                "properties": v.properties or None,
                "metadata": v.rec.metadata,
                "received_at": now,
            }
            for v in valid
        ],
    )
    new = [v for v in valid if v.rec.event_id in inserted]
    result.accepted = len(new)
    result.duplicates += len(valid) - len(new)
    touched = await _aggregate(session, accounts, new, now)
    for account_id, bill_period in sorted(touched):
        acct = accounts[account_id]
        if acct.progressive_threshold:
            issued = await _check_threshold(session, settings, acct, bill_period, now)
            if issued:
                result.progressive_invoices.append(issued)
    return result


async def _aggregate(
    session: AsyncSession, accounts: dict[str, BillingAccount], new: list[_Valid], now: datetime
) -> set[tuple[str, str]]:
    """Fold the new events into their aggregates; the (account, bill period) pairs touched."""
    deltas: dict[tuple[str, str, str, str, str], AggState] = defaultdict(lambda: EMPTY)
    groups: dict[tuple[str, str, str, str, str], dict[str, str]] = {}
    uniques: dict[tuple[str, ...], dict[str, Any]] = {}
    for v in new:
        period = Period.containing(v.rec.timestamp).label
        billed = accounts[v.rec.account_id].billed_through
        late = billed is not None and period <= billed
        bill_period = Period.parse(billed).next().label if late and billed else period
        gkey, gprops = group_of(v.meter, v.properties)
        key = (v.rec.account_id, bill_period, v.rec.metric, gkey, period if late else "")
        deltas[key] = observe(deltas[key], v.quantity, v.rec.timestamp)
        groups[key] = gprops
        if v.meter.unique_property:
            value = v.properties[v.meter.unique_property]
            uniques[(*key, value)] = dict(zip((*mrepo.AGG_KEY, "value"), (*key, value), strict=True))
    new_values = await mrepo.insert_unique_values(session, list(uniques.values()))
    unique_counts: dict[tuple[str, ...], int] = defaultdict(int)
    for k in new_values:
        unique_counts[k] += 1
    rows = []
    for key in sorted(deltas):
        d = deltas[key]
        rows.append(
            {
                **dict(zip(mrepo.AGG_KEY, key, strict=True)),
                "properties": groups[key],
                "total": d.total,
                "count": d.count,
                "maximum": d.maximum,
                "latest_value": d.latest_value,
                "latest_at": d.latest_at,
                "unique_count": unique_counts.get(key, 0),
                "invoice_id": None,
                "updated_at": now,
            }
        )
    await mrepo.upsert_aggregates(session, rows)
    return {(k[0], k[1]) for k in deltas}


async def _check_threshold(
    session: AsyncSession, settings: Settings, acct: BillingAccount, bill_period: str, now: datetime
) -> str | None:
    """Under the account's row lock: has this period's usage reached a threshold not yet invoiced?"""
    step = int(acct.progressive_threshold or 0)
    aggs = [
        a
        for a in await mrepo.open_aggregates(session, acct.account_id, bill_period)
        if a.bill_period == bill_period
    ]
    ctx = await pricing_context(session, acct.account_id, acct.currency, sorted({a.metric for a in aggs}))
    lines = ctx.lines([aggregate_of(a) for a in aggs])
    reached = thresholds_reached(usage_subtotal(lines), step)
    if reached <= await mrepo.last_threshold(session, acct.account_id, bill_period):
        return None
    prior = [
        ProgressiveCredit(number, amount)
        for (_, period, number, amount) in await repo.unsettled_progressive(
            session, [acct.account_id], bill_period
        )
        if period == bill_period
    ]
    return await issue_progressive_invoice(
        session, settings, acct, Period.parse(bill_period), reached, lines, prior, now
    )
