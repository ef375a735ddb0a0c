"""Earnings and payouts: GET /earnings, payout destinations, POST/GET /payouts.

POST /payouts creates the payout and holds its funds (one DB transaction: earnings → transit +
reserve, refused with 409 when earnings do not cover it), COMMITS, and only then starts
PayoutWorkflow `payout-{id}`, which talks to the provider: a workflow started inside the
transaction could run its send before the commit, find no payout and fail it, leaving the earnings
in transit with no workflow behind them. If the start itself fails (Temporal unreachable) the payout
stays pending with its funds held and the answer is still 201: the reconciler starts the workflow of
every pending payout that has none (activities.reconcile), and a retry of this request starts it too.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query
from temporalio.client import Client

from api.auth import Role
from api.deps import CurrentPrincipal, SessionDep, SessionFactoryDep, SettingsDep, TemporalDep
from api.exact_json import ExactJSONRoute
from api.idempotency import IdempotencyKey, op_id
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from api.schemas.payouts import (
    CreatePayoutIn,
    DestinationIn,
    DestinationOut,
    EarningsList,
    EarningsOut,
    PayoutOut,
)
from config.settings import Settings
from contracts.payouts import PAYOUT_WORKFLOW
from contracts.temporal import payout_workflow_id
from db.models.payouts import Payout
from db.repositories import payouts as repo
from db.session import unit_of_work
from domain import payouts as payout_rules
from domain.errors import NotFound
from domain.money import check_currency, format_amount, parse_amount
from services import payouts as service
from services import temporal_gateway as gateway

log = logging.getLogger(__name__)
router = APIRouter(tags=["payouts"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


def _policy(settings: SettingsDep) -> service.PayoutPolicy:
    return service.PayoutPolicy(settings.payout_minimum, settings.payout_reserve_percent)


@router.get("/earnings", response_model=EarningsList)
async def get_earnings(
    principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> EarningsList:
    policy = _policy(settings)
    summary = await service.earnings_summary(session, principal.id)
    return EarningsList(
        data=[
            EarningsOut(
                currency=cur,
                available=format_amount(row["available"], cur),
                reserved=format_amount(row["reserved"], cur),
                in_transit=format_amount(row["in_transit"], cur),
                payout_minimum=format_amount(policy.minimum_minor(cur), cur),
            )
            for cur, row in summary.items()
        ]
    )


@router.post("/payouts/destinations", status_code=201, response_model=DestinationOut)
async def add_destination(
    body: DestinationIn, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> DestinationOut:
    """A new destination receives no payout before `usable_from` (MESHPAY_PAYOUT_DESTINATION_
    COOLING_OFF_SECONDS after it is added); its arrival is the event payout_destination.created."""
    dest = await service.add_destination(
        session,
        payee_id=principal.id,
        provider=body.provider,
        account_ref=body.account,
        cooling_off_seconds=settings.payout_destination_cooling_off_seconds,
        make_default=body.default,
    )
    return DestinationOut.of(dest)


@router.get("/payouts/destinations", response_model=Page[DestinationOut])
async def list_destinations(
    principal: CurrentPrincipal, session: SessionDep, page: PageQuery
) -> Page[DestinationOut]:
    rows = await repo.destinations_of(
        session, principal.id, limit=page.limit, starting_after=page.starting_after
    )
    return page_of(rows, page, DestinationOut.of)


@router.post("/payouts", status_code=201, response_model=PayoutOut)
async def create_payout(
    body: CreatePayoutIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> PayoutOut:
    currency = check_currency(body.currency)
    # Derived from (principal, Idempotency-Key): a retry after a lost answer finds this payout.
    derived = op_id(principal.id, idempotency_key, "payouts.create")
    amount = None if body.amount is None else parse_amount(body.amount, currency, param="amount")
    async with unit_of_work(factory) as session:  # committed before the workflow can look for it
        payout, _created = await service.create_payout(
            session,
            _policy(settings),
            payee_id=principal.id,
            currency=currency,
            amount=amount,
            destination_id=body.destination_id,
            requested_by=principal.id,
            payout_id=f"po_{derived[:24]}" if derived else None,
        )
    try:  # a retry also starts one a crash left unstarted
        await start_payout_workflow(client, payout, settings)
    except gateway.TemporalUnavailable as exc:  # held and committed: the reconciler starts it
        log.warning("payout %s: workflow start deferred to the reconciler: %s", payout.id, exc)
    return PayoutOut.of(payout)


async def start_payout_workflow(client: Client, payout: Payout, settings: Settings) -> bool:
    """Start `payout-{id}` for a committed, pending payout (attaches to a running one)."""
    if payout.status != payout_rules.PENDING:
        return False
    return await gateway.start(
        client,
        PAYOUT_WORKFLOW,
        service.workflow_input(payout, settings),
        id=payout_workflow_id(payout.id),
        task_queue=settings.task_queue,
    )


@router.get("/payouts", response_model=Page[PayoutOut])
async def list_payouts(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageQuery,
    status: Annotated[str | None, Query(pattern="^(pending|in_transit|paid|failed)$")] = None,
    payee_id: Annotated[str | None, Query(max_length=100, description="admin only")] = None,
) -> Page[PayoutOut]:
    who = payee_id if principal.role is Role.ADMIN else principal.id
    rows, more = await service.list_payouts(
        session, payee_id=who, status=status, limit=page.limit, starting_after=page.starting_after
    )
    return page_of(rows, page, PayoutOut.of, has_more=more)


@router.get("/payouts/{payout_id}", response_model=PayoutOut)
async def get_payout(payout_id: str, principal: CurrentPrincipal, session: SessionDep) -> PayoutOut:
    payout = await repo.payout(session, payout_id)
    if payout is None or (principal.role is not Role.ADMIN and payout.payee_id != principal.id):
        raise NotFound(f"no payout {payout_id}", param="payout_id", code="payout_not_found")
    return PayoutOut.of(payout)
