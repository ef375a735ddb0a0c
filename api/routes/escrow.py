"""Escrow moves: fund, deliver, score, sign, dispute, resolve, refund, cancel — each a workflow Update.

The API never moves escrow money itself: every move is an Update whose validator runs the state
machine in domain/escrow.py (so the caller learns at once whether it counted). Authority comes from
the principal: the route passes who is asking (and whether they are a validator, from settings),
never a claim from the body. Create is in escrow_create.py, reads in escrow_reads.py.

Funding by card/PayPal/crypto starts a payment (purpose escrow) whose completion signals the escrow.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Response
from temporalio.client import Client

from api.auth import Principal
from api.deps import CurrentPrincipal, SessionFactoryDep, SettingsDep, TemporalDep
from api.exact_json import ExactJSONRoute
from api.idempotency import IdempotencyKey, op_id
from api.routes.escrow_common import actor_of, find_row, respond, snapshot_of
from api.routes.escrow_reads import current
from api.schemas.common import ERROR_RESPONSES
from api.schemas.escrow import (
    CancelIn,
    DeliverIn,
    DisputeIn,
    EscrowOut,
    FundIn,
    RefundIn,
    ResolveIn,
    ScoreIn,
    SignIn,
)
from config.settings import Settings
from contracts import escrow as c
from contracts.temporal import escrow_workflow_id
from db.models.escrow import Escrow
from db.session import SessionFactory
from domain import errors
from domain import escrow as rules
from domain.money import parse_amount
from services import temporal_gateway as gateway

router = APIRouter(tags=["escrow"], route_class=ExactJSONRoute)


async def _update(
    client: Client,
    row: Escrow,
    actor: rules.Actor,
    move: rules.Move,
    name: str,
    arg: object,
    result_type: type,
    key: str | None,
) -> Any:
    """The one Temporal call of this module: an Update on `escrow-{contract_id}` through the gateway.
    Its id derives from (principal, Idempotency-Key, move, escrow): a retry after a lost answer or a
    503 is the same Update, which Temporal applies once and answers again."""

    def closed() -> errors.DomainError:
        # The workflow has closed (a terminal escrow): refuse from the row, as the machine would.
        rules.check(move, snapshot_of(row), actor)
        return errors.InvalidState(f"escrow is {row.status}", code=f"escrow_{row.status}")

    return await gateway.update(
        client,
        escrow_workflow_id(row.contract_id),
        name,
        arg,
        result_type=result_type,
        update_id=op_id(actor.id, key, f"escrow.{name}:{row.contract_id}"),
        closed=closed,
    )


@router.post("/escrow/{escrow_id}/fund", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def fund_escrow(
    escrow_id: str,
    body: FundIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    if body.provider == "credits":
        req = c.FundRequest(actor.id, actor.role, "credits")
        view = await _update(
            client, row, actor, rules.Move.FUND, c.UPDATE_FUND, req, c.EscrowView, idempotency_key
        )
        return await respond(factory, view)
    return await _fund_by_provider(row, body, principal, actor, factory, client, settings)


async def _fund_by_provider(
    row: Escrow,
    body: FundIn,
    principal: Principal,
    actor: rules.Actor,
    factory: SessionFactory,
    client: Client,
    settings: Settings,
) -> Response:
    from contracts.payments import PaymentPurpose
    from services.payment_start import await_next_action, start_payment

    rules.check(rules.Move.FUND, snapshot_of(row), actor)
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
    view = await current(client, row)
    payment = {"payment_id": started.payment_id, "status": started.status, "next_action": started.next_action}
    return await respond(factory, view, 202, payment=payment)


@router.post("/escrow/{escrow_id}/deliver", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def deliver_escrow(
    escrow_id: str,
    body: DeliverIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The payee (or a service) delivers evidence. A `validation_score` is a validator's claim: from
    anyone else it is refused (403 validator_required) and nothing changes."""
    score = None
    if body.validation_score is not None:
        score = rules.to_ppm(body.validation_score, param="validation_score")
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    if score is not None and not actor.validator:
        rules.check(rules.Move.SCORE, snapshot_of(row), actor)  # raises 403 validator_required
    req = c.DeliverRequest(actor.id, actor.role, score, body.evidence_url, actor.validator)
    view = await _update(
        client, row, actor, rules.Move.DELIVER, c.UPDATE_DELIVER, req, c.EscrowView, idempotency_key
    )
    return await respond(factory, view)


@router.post("/escrow/{escrow_id}/validate", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def validate_escrow(
    escrow_id: str,
    body: ScoreIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """A validator scores delivered work; at/above the threshold it releases (policy allowing)."""
    score = rules.to_ppm(body.validation_score, param="validation_score")
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    req = c.ScoreRequest(actor.id, actor.role, score, actor.validator)
    view = await _update(
        client, row, actor, rules.Move.SCORE, c.UPDATE_SCORE, req, c.EscrowView, idempotency_key
    )
    return await respond(factory, view)


@router.post("/escrow/{escrow_id}/sign", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def sign_escrow(
    escrow_id: str,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    body: SignIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    req = c.SignRequest(actor.id, actor.role)
    result = await _update(
        client, row, actor, rules.Move.SIGN, c.UPDATE_SIGN, req, c.SignResult, idempotency_key
    )
    return await respond(factory, result.view, counted=result.counted)


@router.post("/escrow/{escrow_id}/dispute", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def dispute_escrow(
    escrow_id: str,
    body: DisputeIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    req = c.DisputeRequest(actor.id, actor.role, body.reason)
    view = await _update(
        client, row, actor, rules.Move.DISPUTE, c.UPDATE_DISPUTE, req, c.EscrowView, idempotency_key
    )
    return await respond(factory, view)


@router.post("/escrow/{escrow_id}/resolve", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def resolve_escrow(
    escrow_id: str,
    body: ResolveIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    amount = parse_amount(body.payee_amount, row.currency, param="payee_amount", allow_zero=True)
    req = c.ResolveRequest(actor.id, actor.role, amount, body.note)
    view = await _update(
        client, row, actor, rules.Move.RESOLVE, c.UPDATE_RESOLVE, req, c.EscrowView, idempotency_key
    )
    return await respond(factory, view)


@router.post("/escrow/{escrow_id}/refund", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def refund_escrow(
    escrow_id: str,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    body: RefundIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    amount = None if body is None or body.amount is None else parse_amount(body.amount, row.currency)
    req = c.EscrowRefundRequest(actor.id, actor.role, amount)
    view = await _update(
        client, row, actor, rules.Move.REFUND, c.UPDATE_REFUND, req, c.EscrowView, idempotency_key
    )
    return await respond(factory, view)


@router.post("/escrow/{escrow_id}/cancel", response_model=EscrowOut, responses=ERROR_RESPONSES)
async def cancel_escrow(
    escrow_id: str,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    body: CancelIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    actor = actor_of(principal, settings)
    row = await find_row(factory, escrow_id, actor)
    req = c.CancelRequest(actor.id, actor.role, body.reason if body else "")
    view = await _update(
        client, row, actor, rules.Move.CANCEL, c.UPDATE_CANCEL, req, c.EscrowView, idempotency_key
    )
    return await respond(factory, view)
