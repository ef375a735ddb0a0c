"""billing endpoints: usage intake, billing runs, invoices (list/get/pdf/void), and billing
configuration (prices, tax rates, account settings, items). Plans and subscriptions live in
api/routes/subscriptions.py.

The API writes rows and starts/updates workflows; invoices are built and collected by workflows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from api.deps import (
    AdminPrincipal,
    CurrentPrincipal,
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
    TaxRateIn,
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
from domain.errors import InvalidAmount, InvalidState
from domain.money import check_currency, format_amount, parse_amount
from services import billing
from services import temporal_gateway as gateway

router = APIRouter(tags=["billing"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


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
        tax_id=a.tax_id,
        progressive_threshold=None
        if a.progressive_threshold is None
        else format_amount(a.progressive_threshold, a.currency),
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
    if values.get("progressive_threshold") is not None:
        current = await billing.billing_account(session, account_id)
        currency = values.get("currency") or (current.currency if current else "USD")
        values["progressive_threshold"] = parse_amount(
            values["progressive_threshold"], currency, param="progressive_threshold"
        )
    return _settings_out(await billing.configure_account(session, account_id, **values))


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
