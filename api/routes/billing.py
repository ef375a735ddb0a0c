"""billing endpoints: usage intake, billing runs, invoices (list/get/pdf/void), and billing
configuration (prices, tax rates, account settings, items). Plans and subscriptions live in
api/routes/subscriptions.py.

The API writes rows and starts/updates workflows; invoices are built and collected by workflows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from api.deps import (
    AdminPrincipal,
    CurrentPrincipal,
    ServicePrincipal,
    SessionDep,
    SettingsDep,
    TemporalDep,
)
from api.exact_json import ExactJSONRoute
from api.pagination import Page, PageQuery, page_of
from api.schemas.billing import (
    AccountSettingsIn,
    AccountSettingsOut,
    AdminAccountSettingsIn,
    BillingRunIn,
    BillingRunOut,
    InvoiceOut,
    ItemIn,
    ItemOut,
    PriceIn,
    TaxRateIn,
    UsageBatchIn,
    UsageBatchOut,
    UsageItemError,
)
from api.schemas.common import ERROR_RESPONSES
from contracts.billing import (
    BILLING_RUN_WORKFLOW,
    BillingRunInput,
    billing_run_workflow_id,
)
from db.base import utcnow
from db.models.billing import BillingAccount
from domain.billing import Period
from domain.errors import DomainError, InvalidAmount, InvalidState
from domain.money import check_currency, format_amount, parse_amount
from services import billing
from services import temporal_gateway as gateway

router = APIRouter(tags=["billing"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)

_USAGE_FIELDS = {"event_id", "account_id", "metric", "quantity", "timestamp", "agent_id", "metadata"}
_FUTURE_SKEW = timedelta(hours=1)


# --- usage ---------------------------------------------------------------------------------------


def _usage_item(raw: object, now: datetime) -> billing.UsageIn | DomainError:
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
        return InvalidAmount("quantity must be a whole number", param="quantity", code="invalid_quantity")
    try:
        qd = Decimal(q.strip()) if isinstance(q, str) else Decimal(q)
    except ArithmeticError:
        return InvalidAmount("quantity must be a whole number", param="quantity", code="invalid_quantity")
    if not qd.is_finite() or qd != qd.to_integral_value() or qd < 0 or qd > 10**15:
        return InvalidAmount("quantity must be a whole number ≥ 0", param="quantity", code="invalid_quantity")
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
    return billing.UsageIn(raw["event_id"], raw["account_id"], raw["metric"], int(qd), ts, agent, meta)


@router.post("/usage", response_model=UsageBatchOut)
async def record_usage(body: UsageBatchIn, session: SessionDep, _: ServicePrincipal) -> UsageBatchOut:
    """Up to 1,000 records; `event_id` deduplicates; invalid records are reported per index."""
    now = utcnow()
    result = await billing.record_usage(session, [_usage_item(r, now) for r in body.records])
    return UsageBatchOut(
        accepted=result.accepted,
        duplicates=result.duplicates,
        rejected=len(result.errors),
        errors=[UsageItemError(**e) for e in result.errors],
    )


# --- billing runs --------------------------------------------------------------------------------


@router.post("/billing/run", status_code=202, response_model=BillingRunOut)
async def run_billing(
    body: BillingRunIn, client: TemporalDep, settings: SettingsDep, _: AdminPrincipal
) -> BillingRunOut:
    """Bill a closed calendar month by hand. Running it twice never makes a second invoice."""
    period = Period.parse(body.period)
    if period.end > utcnow():
        raise InvalidState(f"period {period.label} has not ended yet", param="period", code="period_open")
    wid = billing_run_workflow_id(period.label)
    inp = BillingRunInput(
        period.label,
        batch_size=settings.billing_run_batch_size,
        search_attributes=settings.billing_search_attributes,
        retry_days=list(settings.dunning_retry_days),
    )
    started = await gateway.start(
        client,
        BILLING_RUN_WORKFLOW,
        inp,
        id=wid,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )
    status = "started" if started else "already_running"
    return BillingRunOut(workflow_id=wid, period=period.label, status=status)


# --- invoices ------------------------------------------------------------------------------------


@router.get("/invoices", response_model=Page[InvoiceOut])
async def list_invoices(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageQuery,
    account_id: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[InvoiceOut]:
    """Your invoices, newest first; admins may pass account_id (or see all)."""
    owner = account_id if principal.is_admin else principal.id
    rows, more = await billing.list_invoices(
        session, account_id=owner, limit=page.limit, starting_after=page.starting_after
    )
    return page_of(rows, page, InvoiceOut.of, has_more=more)


@router.get("/invoices/{invoice_id}", response_model=InvoiceOut)
async def get_invoice(invoice_id: str, session: SessionDep, principal: CurrentPrincipal) -> InvoiceOut:
    d = await billing.visible_invoice(session, invoice_id, principal.id, admin=principal.is_admin)
    return InvoiceOut.of(d.invoice, d.lines, d.attempts, d.payments)


@router.get(
    "/invoices/{invoice_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def get_invoice_pdf(
    invoice_id: str, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> Response:
    inv, pdf = await billing.invoice_pdf(
        session, settings, invoice_id, principal.id, admin=principal.is_admin
    )
    name = inv.number or inv.id
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}.pdf"'}
    )


# --- plans ---------------------------------------------------------------------------------------


def _settings_out(a: BillingAccount) -> AccountSettingsOut:
    return AccountSettingsOut(
        account_id=a.account_id,
        currency=a.currency,
        jurisdiction=a.jurisdiction,
        use_credits_first=a.use_credits_first,
        default_payment_method_id=a.default_payment_method_id,
        name=a.name,
        email=a.email,
        address=a.address,
    )


@router.get("/billing/account", response_model=AccountSettingsOut)
async def get_account_settings(session: SessionDep, principal: CurrentPrincipal) -> AccountSettingsOut:
    return _settings_out(await billing.configure_account(session, principal.id))


@router.patch("/billing/account", response_model=AccountSettingsOut)
async def update_account_settings(
    body: AccountSettingsIn, session: SessionDep, principal: CurrentPrincipal
) -> AccountSettingsOut:
    """Your own billing settings: credits first, default payment method, name/email/address."""
    return _settings_out(
        await billing.configure_account(session, principal.id, **body.model_dump(exclude_unset=True))
    )


@router.put("/billing/accounts/{account_id}", response_model=AccountSettingsOut)
async def admin_account_settings(
    account_id: str, body: AdminAccountSettingsIn, session: SessionDep, _: AdminPrincipal
) -> AccountSettingsOut:
    values = body.model_dump(exclude_unset=True)
    if values.get("discount_percent") is not None:
        try:
            pct = Decimal(str(values["discount_percent"]).strip())
        except ArithmeticError:
            pct = Decimal(-1)
        if not pct.is_finite() or not 0 <= pct <= 100:
            raise InvalidAmount("discount_percent must be between 0 and 100", param="discount_percent")
        values["discount_percent"] = pct
    if "currency" in values:
        values["currency"] = check_currency(values["currency"])
    return _settings_out(await billing.configure_account(session, account_id, **values))


@router.put("/billing/prices/{metric}", status_code=204)
async def set_price(metric: str, body: PriceIn, session: SessionDep, _: AdminPrincipal) -> Response:
    currency = check_currency(body.currency)
    tiers = []
    for i, t in enumerate(body.tiers):
        try:
            unit = (
                t.unit_amount if isinstance(t.unit_amount, Decimal) else Decimal(str(t.unit_amount).strip())
            )
        except ArithmeticError:
            raise InvalidAmount("unit_amount must be a number", param=f"tiers.{i}.unit_amount") from None
        if not unit.is_finite() or unit < 0:
            raise InvalidAmount("unit_amount must be ≥ 0", param=f"tiers.{i}.unit_amount")
        tiers.append({"up_to": t.up_to, "unit_amount": str(unit), "flat_amount": t.flat_amount})
    await billing.set_price(
        session,
        metric=metric,
        currency=currency,
        model=body.model,
        tiers=tiers,
        display_name=body.display_name,
    )
    return Response(status_code=204)


@router.put("/billing/tax-rates/{jurisdiction}", status_code=204)
async def set_tax_rate(
    jurisdiction: str, body: TaxRateIn, session: SessionDep, _: AdminPrincipal
) -> Response:
    try:
        percent = Decimal(str(body.percent))
    except ArithmeticError:
        raise InvalidAmount("percent must be a number", param="percent") from None
    await billing.set_tax_rate(
        session, jurisdiction=jurisdiction, percent=percent, inclusive=body.inclusive, name=body.name
    )
    return Response(status_code=204)


@router.post("/billing/accounts/{account_id}/items", status_code=201, response_model=ItemOut)
async def add_item(account_id: str, body: ItemIn, session: SessionDep, _: AdminPrincipal) -> ItemOut:
    """An adjustment or discount, billed on the account's next invoice."""
    currency = check_currency(body.currency)
    amount = parse_amount(body.amount, currency, allow_negative=body.kind == "adjustment")
    if body.kind == "discount":
        amount = -amount
    key = f"item:{account_id}:{body.reference}" if body.reference else billing.new_id("item")
    created = await billing.add_item(
        session,
        account_id=account_id,
        kind=body.kind,
        description=body.description,
        amount=amount,
        currency=currency,
        effective_at=utcnow(),
        idempotency_key=key,
    )
    return ItemOut(
        account_id=account_id,
        kind=body.kind,
        description=body.description,
        amount=format_amount(amount, currency),
        currency=currency,
        created=created,
    )


@router.post("/invoices/{invoice_id}/void", response_model=InvoiceOut)
async def void_invoice(invoice_id: str, session: SessionDep, _: AdminPrincipal) -> InvoiceOut:
    """Void an invoice with no payments on it (its number stays used: the series stays gapless)."""
    await billing.void_invoice(session, invoice_id)
    d = await billing.visible_invoice(session, invoice_id, "", admin=True)
    return InvoiceOut.of(d.invoice, d.lines, d.attempts, d.payments)
