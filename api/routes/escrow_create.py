"""POST /escrow/create: write the row and start `escrow-{contract_id}` with its terms fixed.

The terms are the server's: the payer is the caller (a service/admin may name another), the fee is
the platform's (service/admin may set it), a quote fixes payee, currency and amount, and the release
policy is stated here once (`score_or_signatures` by default).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from fastapi import APIRouter, Response
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from api.deps import CurrentPrincipal, SessionDep, SettingsDep, TemporalDep
from api.exact_json import ExactJSONRoute
from api.idempotency import IdempotencyKey, op_id
from api.routes.escrow_common import ok
from api.routes.escrow_reads import current
from api.schemas.common import ERROR_RESPONSES
from api.schemas.escrow import CreateEscrowIn, EscrowOut, escrow_out
from config.settings import Settings
from contracts import escrow as c
from contracts.temporal import SA_CONTRACT_ID, SA_ESCROW_STATE, SA_PAYEE_ID, SA_PAYER_ID, escrow_workflow_id
from db.base import utcnow
from db.repositories import escrow as repo
from domain import errors
from domain import escrow as rules
from domain.money import check_currency, parse_amount
from services import temporal_gateway as gateway

router = APIRouter(tags=["escrow"], route_class=ExactJSONRoute)


@router.post("/escrow/create", status_code=201, response_model=EscrowOut, responses=ERROR_RESPONSES)
async def create_escrow(
    body: CreateEscrowIn,
    principal: CurrentPrincipal,
    session: SessionDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    actor = rules.Actor(principal.id, principal.role.value)
    payer_id = rules.check_create(actor, payer_id=body.payer_id, sets_fee=body.fee_percent is not None)
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
    # Derived from (principal, Idempotency-Key): a retry after a lost answer finds its own escrow.
    derived = op_id(principal.id, idempotency_key, "escrow.create")
    escrow_id = f"esc_{derived[:24]}" if derived else f"esc_{uuid.uuid4().hex[:24]}"
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
        release_policy=body.release_policy,
        changes_per_run=settings.escrow_changes_per_run,
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
        mine = await repo.get(session, escrow_id) if derived else None
        if mine is None or mine.contract_id != body.contract_id:
            raise _exists(body.contract_id)
        # This very create, retried: its row and workflow were committed and started together.
        return ok(escrow_out(await current(client, mine)), 201)
    await _start(client, settings, inp)
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
        release_policy=inp.release_policy,
    )
    return ok(escrow_out(view), 201)


async def _start(client: Client, settings: Settings, inp: c.EscrowInput) -> None:
    """The one Temporal call of this module: start `escrow-{contract_id}` (a closed one → 409)."""
    await gateway.start(
        client,
        c.ESCROW_WORKFLOW,
        inp,
        id=escrow_workflow_id(inp.contract_id),
        task_queue=settings.task_queue,
        search_attributes=_search_attributes(inp),
        exists=lambda: _exists(inp.contract_id),
    )


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
