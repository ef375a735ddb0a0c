"""Usage billing endpoints: usage intake, meters, usage prices (global, per plan, per account, per
property), live spend this period and the upcoming-invoice preview.

Who may call: usage intake — services (and admins); meters and prices — admins; current usage and
the preview — the account itself or an admin (anyone else gets 404, as for invoices).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Response

from api.auth import Principal
from api.deps import AdminPrincipal, CurrentPrincipal, ServicePrincipal, SessionDep, SettingsDep
from api.exact_json import ExactJSONRoute
from api.schemas.billing import UsageBatchIn, UsageBatchOut, UsageItemError
from api.schemas.billing_usage import (
    CurrentUsageOut,
    MeterIn,
    MeterOut,
    PreviewLineOut,
    PreviewOut,
    PriceIn,
    UsageLineOut,
)
from api.schemas.common import ERROR_RESPONSES
from db.base import utcnow
from domain.charges import plain
from domain.errors import DomainError, InvalidAmount, NotFound
from domain.money import check_currency, format_amount
from services import billing

router = APIRouter(tags=["billing"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)

_USAGE_FIELDS = {
    "event_id",
    "account_id",
    "metric",
    "quantity",
    "timestamp",
    "agent_id",
    "metadata",
    "properties",
}
_FUTURE_SKEW = timedelta(hours=1)


# --- usage ---------------------------------------------------------------------------------------


def _usage_item(raw: object, now: datetime) -> billing.UsageIn | DomainError:
    """Shape checks; the quantity is parsed by the service against the metric's meter."""
    if not isinstance(raw, dict):
        return InvalidAmount("a usage record is an object", code="invalid_record")
    unknown = set(raw) - _USAGE_FIELDS
    if unknown:
        return InvalidAmount(
            f"unknown field {sorted(unknown)[0]!r}", param=sorted(unknown)[0], code="invalid_record"
        )
    for name, limit in (("event_id", 200), ("account_id", 100), ("metric", 100)):
        value = raw.get(name)
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            return InvalidAmount(
                f"{name} must be a string of 1 to {limit} characters", param=name, code="invalid_record"
            )
    q = raw.get("quantity")
    if isinstance(q, bool) or not isinstance(q, (int, Decimal, str)):
        return InvalidAmount(
            "quantity must be a decimal string or number", param="quantity", code="invalid_quantity"
        )
    ts_raw = raw.get("timestamp")
    try:
        ts = datetime.fromisoformat(ts_raw) if isinstance(ts_raw, str) else None
    except ValueError:
        ts = None
    if ts is None or ts.tzinfo is None:
        return InvalidAmount(
            "timestamp must be ISO 8601 with a timezone", param="timestamp", code="invalid_timestamp"
        )
    if ts > now + _FUTURE_SKEW:
        return InvalidAmount("timestamp is in the future", param="timestamp", code="invalid_timestamp")
    agent, meta = raw.get("agent_id"), raw.get("metadata")
    if agent is not None and (not isinstance(agent, str) or len(agent) > 100):
        return InvalidAmount("agent_id must be a string", param="agent_id", code="invalid_record")
    if meta is not None and (not isinstance(meta, dict) or len(meta) > 50):
        return InvalidAmount(
            "metadata must be an object of at most 50 keys", param="metadata", code="invalid_record"
        )
    if meta is not None:
        meta = {str(k): (str(v) if isinstance(v, Decimal) else v) for k, v in meta.items()}
    props = raw.get("properties")
    return billing.UsageIn(raw["event_id"], raw["account_id"], raw["metric"], q, ts, agent, meta, props)


@router.post("/usage", response_model=UsageBatchOut)
async def record_usage(
    body: UsageBatchIn, session: SessionDep, settings: SettingsDep, _: ServicePrincipal
) -> UsageBatchOut:
    """Up to 1,000 records; `event_id` deduplicates; invalid records are reported per index.
    Quantities are exact decimals with at most the metric's precision; `properties` (model, region)
    split the usage into the groups prices filter on."""
    now = utcnow()
    result = await billing.record_usage(session, settings, [_usage_item(r, now) for r in body.records])
    return UsageBatchOut(
        accepted=result.accepted,
        duplicates=result.duplicates,
        rejected=len(result.errors),
        errors=[UsageItemError(**e) for e in result.errors],
    )


# --- meters and prices (admin) -------------------------------------------------------------------


@router.put("/billing/meters/{metric}", response_model=MeterOut)
async def set_meter(metric: str, body: MeterIn, session: SessionDep, _: AdminPrincipal) -> MeterOut:
    """How a metric counts: sum, count, max, unique_count (of a property) or latest; its precision."""
    m = await billing.set_meter(session, metric=metric, **body.model_dump())
    return MeterOut(
        metric=m.metric,
        aggregation=m.aggregation,
        precision=m.precision,
        group_by=list(m.group_by),
        unique_property=m.unique_property,
    )


def _decimal(raw: Any, param: str) -> Decimal:
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except ArithmeticError:
        raise InvalidAmount("must be a number", param=param) from None
    if not value.is_finite() or value < 0 or value > 10**15:
        raise InvalidAmount("must be a number from 0 to 10^15", param=param)
    return value


@router.put("/billing/prices/{metric}", status_code=204)
async def set_price(metric: str, body: PriceIn, session: SessionDep, _: AdminPrincipal) -> Response:
    """The price of a metric for everyone, a plan (scope=plan) or an account (scope=account),
    optionally only for usage with some property values (filters: {"model": "gpt-4o"})."""
    currency = check_currency(body.currency)
    tiers = [
        {
            "up_to": None if t.up_to is None else _decimal(t.up_to, f"tiers.{i}.up_to"),
            "unit_amount": _decimal(t.unit_amount, f"tiers.{i}.unit_amount"),
            "flat_amount": t.flat_amount,
        }
        for i, t in enumerate(body.tiers)
    ]
    await billing.set_price(
        session,
        metric=metric,
        currency=currency,
        model=body.model,
        tiers=tiers,
        display_name=body.display_name,
        scope=body.scope,
        scope_id=body.scope_id,
        filters=body.filters,
        package_size=None if body.package_size is None else _decimal(body.package_size, "package_size"),
    )
    return Response(status_code=204)


# --- live spend ----------------------------------------------------------------------------------


def _own(account_id: str, principal: Principal) -> None:
    if not principal.is_admin and principal.id != account_id:
        raise NotFound(f"billing account {account_id} not found", param="account_id")


@router.get("/billing/accounts/{account_id}/current-usage", response_model=CurrentUsageOut)
async def current_usage(
    account_id: str, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> CurrentUsageOut:
    """Usage so far this period, priced line by line, from the running aggregates."""
    _own(account_id, principal)
    u = await billing.current_usage(session, settings, account_id, utcnow())
    cur = u.currency
    return CurrentUsageOut(
        account_id=account_id,
        period=u.period.label,
        period_start=u.period.start,
        period_end=u.period.end,
        currency=cur,
        amount=format_amount(u.amount, cur),
        progressively_billed=format_amount(u.progressively_billed, cur),
        progressive_threshold=None if u.threshold is None else format_amount(u.threshold, cur),
        lines=[UsageLineOut.of(ln, cur) for ln in u.lines],
    )


@router.get("/billing/accounts/{account_id}/upcoming-invoice", response_model=PreviewOut)
async def upcoming_invoice(
    account_id: str, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> PreviewOut:
    """What the period-end invoice would say if it were built now: every line, tax and total."""
    _own(account_id, principal)
    p = await billing.preview_invoice(session, settings, account_id, utcnow())
    cur = p.currency
    return PreviewOut(
        account_id=account_id,
        period=p.period.label,
        currency=cur,
        subtotal=format_amount(p.totals.subtotal, cur),
        tax=format_amount(p.totals.tax, cur),
        total=format_amount(p.totals.total, cur),
        tax_name=p.tax.name,
        tax_percent=plain(p.tax.percent),
        tax_inclusive=p.tax.inclusive,
        lines=[PreviewLineOut.of(ln, cur) for ln in p.lines],
    )
