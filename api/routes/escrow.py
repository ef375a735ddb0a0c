"""Escrow endpoints: create, fund, deliver, sign, dispute, resolve, refund, cancel, get, list.

The API never moves escrow money itself: create writes the row and starts `escrow-{contract_id}`;
every move is a workflow Update whose validator runs the state machine (so the caller learns at once
whether it counted); GET is a workflow query, falling back to the row once the workflow has closed.
Funding by card/PayPal/crypto starts a payment (purpose escrow) whose completion signals the escrow.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Response
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.auth import Principal, Role
from api.deps import CurrentPrincipal, SessionDep, SessionFactoryDep, SettingsDep, TemporalDep
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.pagination import PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from api.schemas.escrow import (
    CancelIn,
    CreateEscrowIn,
    DeliverIn,
    DisputeIn,
    EscrowOut,
    FundIn,
    RefundIn,
    ResolveIn,
    SignIn,
    escrow_out,
)
from config.settings import Settings
from contracts import escrow as c
from contracts.temporal import SA_CONTRACT_ID, SA_ESCROW_STATE, SA_PAYEE_ID, SA_PAYER_ID, escrow_workflow_id
from db.base import utcnow
from db.models.escrow import Escrow
from db.repositories import escrow as repo
from domain import errors
from domain import escrow as rules
from domain.money import check_currency, parse_amount
from services import escrow as service

router = APIRouter(tags=["escrow"], route_class=ExactJSONRoute)

_DOMAIN_ERRORS: dict[str, type[errors.DomainError]] = {
    cls.__name__: cls
    for cls in (
        errors.InvalidAmount,
        errors.UnknownCurrency,
        errors.CurrencyMismatch,
        errors.UnbalancedTransaction,
        errors.InsufficientFunds,
        errors.InvalidState,
        errors.Conflict,
        errors.NotFound,
        errors.Forbidden,
    )
}


def _ok(body: dict[str, Any], status: int = 200) -> Response:
    """A dict already shaped like EscrowOut, serialised once (no second validation pass)."""
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


# ---- create ---------------------------------------------------------------------------------------


@router.post("/escrow/create", status_code=201, response_model=EscrowOut, responses=ERROR_RESPONSES)
async def create_escrow(
    body: CreateEscrowIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    client: TemporalDep,
    settings: SettingsDep,
) -> Response:
    privileged = principal.role in (Role.ADMIN, Role.SERVICE)
    if body.payer_id is not None and body.payer_id != principal.id and not privileged:
        raise errors.Forbidden("only a service may create an escrow for another payer", param="payer_id")
    if body.fee_percent is not None and not privileged:
        raise errors.Forbidden("only a service may set the fee", param="fee_percent")
    payer_id = body.payer_id or principal.id
    payee_id, currency, amount_raw = body.payee_id, body.currency, body.amount
    quote_amount: int | None = None
    if body.quote_id is not None:
        from services.pricing import consume_quote

        locked = await consume_quote(
            session, quote_id=body.quote_id, principal_id=principal.id, reference=f"escrow:{body.contract_id}"
        )
        if payee_id is not None and payee_id != locked.agent_id:
            raise errors.Conflict(
                "payee_id differs from the quote's agent", code="quote_mismatch", param="payee_id"
            )
        if currency is not None and check_currency(currency) != locked.currency:
            raise errors.Conflict("currency differs from the quote", code="quote_mismatch", param="currency")
        payee_id, currency, quote_amount = locked.agent_id, locked.currency, locked.amount
    currency = check_currency(currency or settings.escrow_default_currency)
    if quote_amount is not None:
        amount = quote_amount
        if amount_raw is not None and parse_amount(amount_raw, currency) != amount:
            raise errors.Conflict(
                "amount differs from the quoted price", code="quote_mismatch", param="amount"
            )
    elif amount_raw is None:
        raise errors.InvalidAmount("amount is required (or a quote_id)", param="amount")
    else:
        amount = parse_amount(amount_raw, currency)
    if payee_id is None:
        raise errors.InvalidAmount(
            "payee_id is required (or a quote_id)", param="payee_id", code="invalid_request"
        )
    signers, required = rules.validate_signers(payer_id, payee_id, body.signers, body.required_signatures)
    threshold_ppm = rules.to_ppm(
        body.auto_release_threshold
        if body.auto_release_threshold is not None
        else settings.escrow_auto_release_threshold,
        param="auto_release_threshold",
    )
    fee_percent = rules.check_fee_percent(
        _decimal(body.fee_percent, "fee_percent")
        if body.fee_percent is not None
        else settings.platform_fee_percent
    )
    now = utcnow()
    funding_deadline = body.funding_deadline or now + timedelta(seconds=settings.escrow_funding_seconds)
    for name, deadline in (
        ("funding_deadline", funding_deadline),
        ("delivery_deadline", body.delivery_deadline),
    ):
        if deadline is not None and deadline <= now:
            raise errors.InvalidAmount(f"{name} must be in the future", param=name, code="invalid_deadline")
    escrow_id = f"esc_{uuid.uuid4().hex[:24]}"
    inp = c.EscrowInput(
        escrow_id=escrow_id,
        contract_id=body.contract_id,
        payer_id=payer_id,
        payee_id=payee_id,
        amount=amount,
        currency=currency,
        signers=list(signers),
        required_signatures=required,
        threshold_ppm=threshold_ppm,
        fee_percent=f"{fee_percent.normalize():f}",
        created_at=now.isoformat(),
        funding_deadline=funding_deadline.isoformat(),
        delivery_deadline=body.delivery_deadline.isoformat() if body.delivery_deadline else None,
        delivery_period_seconds=settings.escrow_delivery_seconds,
        review_period_seconds=body.review_period or settings.escrow_review_period_seconds,
        arbitration_seconds=settings.escrow_arbitration_seconds,
        default_ruling=settings.escrow_default_ruling,
        quote_id=body.quote_id,
        search_attributes=settings.escrow_search_attributes,
    )
    created = await repo.insert_escrow(
        session,
        escrow_id=escrow_id,
        contract_id=body.contract_id,
        payer_id=payer_id,
        payee_id=payee_id,
        amount=amount,
        currency=currency,
        fee_percent=fee_percent,
        signers=signers,
        required_signatures=required,
        threshold_ppm=threshold_ppm,
        quote_id=body.quote_id,
        created_at=now,
    )
    if not created:
        raise _exists(body.contract_id)
    try:
        await client.start_workflow(
            c.ESCROW_WORKFLOW,
            inp,
            id=escrow_workflow_id(body.contract_id),
            task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=_search_attributes(inp),
        )
    except WorkflowAlreadyStartedError:
        raise _exists(body.contract_id) from None
    view = c.EscrowView(
        escrow_id=escrow_id,
        contract_id=inp.contract_id,
        status="created",
        payer_id=payer_id,
        payee_id=payee_id,
        amount=amount,
        currency=currency,
        signers=list(signers),
        required_signatures=required,
        threshold_ppm=threshold_ppm,
        fee_percent=inp.fee_percent,
        created_at=inp.created_at,
        funding_deadline=inp.funding_deadline,
    )
    return _ok(escrow_out(view), 201)


def _exists(contract_id: str) -> errors.Conflict:
    return errors.Conflict(
        f"contract {contract_id} already has an escrow", code="escrow_exists", param="contract_id"
    )


def _decimal(raw: object, param: str) -> Decimal:
    try:
        value = Decimal(str(raw)) if not isinstance(raw, Decimal) else raw
    except ArithmeticError:
        raise errors.InvalidAmount(f"{param} is not a number", param=param) from None
    if isinstance(raw, bool) or not value.is_finite():
        raise errors.InvalidAmount(f"{param} is not a number", param=param)
    return value


def _search_attributes(inp: c.EscrowInput) -> TypedSearchAttributes | None:
    if not inp.search_attributes:
        return None
    return TypedSearchAttributes(
        [
            SearchAttributePair(SA_ESCROW_STATE, "created"),
            SearchAttributePair(SA_CONTRACT_ID, inp.contract_id),
            SearchAttributePair(SA_PAYER_ID, inp.payer_id),
            SearchAttributePair(SA_PAYEE_ID, inp.payee_id),
        ]
    )


# ---- moves: workflow Updates ----------------------------------------------------------------------


async def _row(factory: Any, escrow_id: str, principal: Principal) -> Escrow:
    """The escrow, if the caller may see it: a stranger gets the same 404 as for a missing id (a 403
    would confirm that the escrow exists)."""
    async with factory() as s:
        row = await repo.get(s, escrow_id) or await repo.get_by_contract(s, escrow_id)
    if row is None or not rules.can_see(_snapshot(row), rules.Actor(principal.id, principal.role.value)):
        raise errors.NotFound(f"no escrow {escrow_id!r}", code="escrow_not_found")
    return row


def _snapshot(row: Escrow) -> rules.Snapshot:
    return rules.Snapshot(
        rules.Status(row.status), row.payer_id, row.payee_id, tuple(row.signers), row.held, row.delivered
    )


async def _update(
    client: Client,
    row: Escrow,
    principal: Principal,
    move: rules.Move,
    name: str,
    arg: object,
    result_type: type,
) -> Any:
    handle = client.get_workflow_handle(escrow_workflow_id(row.contract_id))
    try:
        return await handle.execute_update(name, arg, result_type=result_type)
    except WorkflowUpdateFailedError as exc:
        _raise_domain(exc)
        raise
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            # A transient Temporal failure is not a state conflict: the client should retry.
            raise ApiError(
                503, "temporal_unavailable", "escrow workflow unreachable; retry", type_="api_error"
            ) from exc
        # The workflow has closed (a terminal escrow): refuse from the row, as the machine would.
        rules.check(move, _snapshot(row), rules.Actor(principal.id, principal.role.value))
        raise errors.InvalidState(f"escrow is {row.status}", code=f"escrow_{row.status}") from None


def _raise_domain(exc: BaseException) -> None:
    cur: BaseException | None = exc
    while cur is not None:
        if isinstance(cur, ApplicationError) and cur.type in _DOMAIN_ERRORS:
            d = cur.details[0] if cur.details and isinstance(cur.details[0], dict) else {}
            raise _DOMAIN_ERRORS[cur.type](cur.message, code=d.get("code"), param=d.get("param")) from None
        cur = getattr(cur, "cause", None) or cur.__cause__


def _role(p: Principal) -> str:
    return p.role.value


@router.post("/escrow/{escrow_id}/fund", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def fund_escrow(
    escrow_id: str,
    body: FundIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
) -> Response:
    row = await _row(factory, escrow_id, principal)
    if body.provider == "credits":
        req = c.FundRequest(principal.id, _role(principal), "credits")
        view = await _update(client, row, principal, rules.Move.FUND, c.UPDATE_FUND, req, c.EscrowView)
        return _ok(escrow_out(view))
    return await _fund_by_provider(row, body, principal, factory, client, settings)


async def _fund_by_provider(
    row: Escrow, body: FundIn, principal: Principal, factory: Any, client: Client, settings: Settings
) -> Response:
    from api.payment_flow import await_next_action, start_payment
    from contracts.payments import PaymentPurpose

    rules.check(rules.Move.FUND, _snapshot(row), rules.Actor(principal.id, _role(principal)))
    # One payment per escrow and provider: a repeated fund call finds the same payment.
    payment_id = "pay_esc" + hashlib.sha256(f"{row.contract_id}:{body.provider}".encode()).hexdigest()[:29]
    async with factory() as s, s.begin():
        started = await start_payment(
            s,
            client,
            settings,
            payer_id=row.payer_id,
            amount=row.amount,
            currency=row.currency,
            provider=body.provider,
            purpose=PaymentPurpose(kind="escrow", reference=row.contract_id),
            payment_method_id=body.payment_method_id,
            payment_id=payment_id,
            chain=body.chain,
        )
    started = await await_next_action(client, payment_id) or started
    view = await _current(client, row)
    payment = {"payment_id": started.payment_id, "status": started.status, "next_action": started.next_action}
    return _ok(escrow_out(view, payment=payment), 202)


@router.post("/escrow/{escrow_id}/deliver", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def deliver_escrow(
    escrow_id: str,
    body: DeliverIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
) -> Response:
    score = rules.to_ppm(body.validation_score, param="validation_score")
    row = await _row(factory, escrow_id, principal)
    req = c.DeliverRequest(principal.id, _role(principal), score, body.evidence_url)
    view = await _update(client, row, principal, rules.Move.DELIVER, c.UPDATE_DELIVER, req, c.EscrowView)
    return _ok(escrow_out(view))


@router.post("/escrow/{escrow_id}/sign", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def sign_escrow(
    escrow_id: str,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    body: SignIn | None = None,
) -> Response:
    row = await _row(factory, escrow_id, principal)
    req = c.SignRequest(principal.id, _role(principal))
    result = await _update(client, row, principal, rules.Move.SIGN, c.UPDATE_SIGN, req, c.SignResult)
    return _ok(escrow_out(result.view, counted=result.counted))


@router.post("/escrow/{escrow_id}/dispute", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def dispute_escrow(
    escrow_id: str,
    body: DisputeIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
) -> Response:
    row = await _row(factory, escrow_id, principal)
    req = c.DisputeRequest(principal.id, _role(principal), body.reason)
    view = await _update(client, row, principal, rules.Move.DISPUTE, c.UPDATE_DISPUTE, req, c.EscrowView)
    return _ok(escrow_out(view))


@router.post("/escrow/{escrow_id}/resolve", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def resolve_escrow(
    escrow_id: str,
    body: ResolveIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
) -> Response:
    row = await _row(factory, escrow_id, principal)
    amount = parse_amount(body.payee_amount, row.currency, param="payee_amount", allow_zero=True)
    req = c.ResolveRequest(principal.id, _role(principal), amount, body.note)
    view = await _update(client, row, principal, rules.Move.RESOLVE, c.UPDATE_RESOLVE, req, c.EscrowView)
    return _ok(escrow_out(view))


@router.post("/escrow/{escrow_id}/refund", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def refund_escrow(
    escrow_id: str,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    body: RefundIn | None = None,
) -> Response:
    row = await _row(factory, escrow_id, principal)
    amount = None if body is None or body.amount is None else parse_amount(body.amount, row.currency)
    req = c.EscrowRefundRequest(principal.id, _role(principal), amount)
    view = await _update(client, row, principal, rules.Move.REFUND, c.UPDATE_REFUND, req, c.EscrowView)
    return _ok(escrow_out(view))


@router.post("/escrow/{escrow_id}/cancel", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def cancel_escrow(
    escrow_id: str,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    body: CancelIn | None = None,
) -> Response:
    row = await _row(factory, escrow_id, principal)
    req = c.CancelRequest(principal.id, _role(principal), body.reason if body else "")
    view = await _update(client, row, principal, rules.Move.CANCEL, c.UPDATE_CANCEL, req, c.EscrowView)
    return _ok(escrow_out(view))


# ---- reads ----------------------------------------------------------------------------------------


async def _current(client: Client, row: Escrow) -> c.EscrowView:
    """The workflow's state by query; the row's last mirror once the workflow has closed."""
    if row.status in rules.TERMINAL and row.snapshot:
        return service.view_from_row(row)
    try:
        return await client.get_workflow_handle(escrow_workflow_id(row.contract_id)).query(
            c.QUERY_STATE, result_type=c.EscrowView
        )
    except RPCError:
        return service.view_from_row(row)


@router.get("/escrow/{escrow_id}", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def get_escrow(
    escrow_id: str, principal: CurrentPrincipal, factory: SessionFactoryDep, client: TemporalDep
) -> Response:
    row = await _row(factory, escrow_id, principal)
    return _ok(escrow_out(await _current(client, row)))


@router.get("/escrow", responses=ERROR_RESPONSES)
async def list_escrows(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageQuery,
    contract_id: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[str | None, Query(max_length=30)] = None,
) -> Response:
    if status is not None and status not in {s.value for s in rules.Status}:
        raise errors.InvalidAmount(f"unknown status {status!r}", param="status", code="invalid_request")
    party = None if principal.role in (Role.ADMIN, Role.SERVICE) else principal.id
    rows = await repo.list_escrows(
        session,
        party_id=party,
        contract_id=contract_id,
        status=status,
        limit=page.limit + 1,
        starting_after=page.starting_after,
    )
    return _ok(page_of(rows, page, lambda r: escrow_out(service.view_from_row(r))).model_dump())
