"""payments endpoints: create (and the credits purchase), read, list, confirm, cancel, refund.

The API never calls a provider: it writes rows, starts/updates/signals workflows, and reads.
Static paths come before `/{payment_id}` (this router is mounted last).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth import Principal, Role
from api.deps import CurrentPrincipal, SessionFactoryDep, SettingsDep, TemporalDep, require_roles
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.idempotency import IdempotencyKey, op_id
from api.pagination import Page, PageQuery, page_of
from api.schemas.common import ERROR_RESPONSES
from api.schemas.payments import (
    ConfirmIn,
    CreatePaymentIn,
    CreditsPurchaseIn,
    CreditsPurchaseOut,
    PaymentOut,
    PurposeOut,
    RefundIn,
    RefundOut,
)
from contracts.payments import (
    PAYMENT_CANCEL_SIGNAL,
    PAYMENT_CONFIRM_UPDATE,
    REFUND_WORKFLOW,
    ConfirmRequest,
    PaymentPurpose,
    PaymentStarted,
    RefundRequest,
    RefundResult,
)
from contracts.temporal import payment_workflow_id
from db.models.payments import Payment, Refund
from db.repositories import payments as repo
from db.session import unit_of_work
from domain import payments as rules
from domain.errors import Conflict, InsufficientFunds, InvalidState
from domain.money import check_currency, format_amount, parse_amount
from services import payment_refunds as refunds
from services import payments as svc
from services import temporal_gateway as gateway
from services.payment_start import await_next_action, next_action_of, start_payment

router = APIRouter(tags=["payments"], route_class=ExactJSONRoute)
Refunder = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SERVICE))]


def payment_view(row: Payment) -> PaymentOut:
    credits = format_amount(row.purpose_credits, "CREDIT") if row.purpose_kind == "credits" else None
    return PaymentOut(
        payment_id=row.id,
        status=row.status,
        amount=format_amount(row.amount, row.currency),
        currency=row.currency,
        provider=row.provider,
        purpose=PurposeOut(kind=row.purpose_kind, reference=row.purpose_reference, credits=credits),
        next_action=next_action_of(row) if row.status not in rules.TERMINAL else {},
        captured_amount=format_amount(row.captured_amount, row.currency),
        refunded_amount=format_amount(row.refunded_amount, row.currency),
        failure_code=row.failure_code,
        failure_message=row.failure_message,
        created_at=row.created_at,
        expires_at=row.expires_at,
        completed_at=row.completed_at,
    )


def refund_view(r: Refund) -> RefundOut:
    return RefundOut(
        refund_id=r.id,
        payment_id=r.payment_id,
        amount=format_amount(r.amount, r.currency),
        currency=r.currency,
        status=r.status,
        reason=r.reason,
    )


async def _create(
    factory,
    client,
    settings,
    principal: Principal,
    *,
    amount: int,
    currency: str,  # type: ignore[no-untyped-def]
    provider: str,
    purpose: PaymentPurpose,
    payment_method_id: str | None,
    chain: str | None,
    quote_id: str | None = None,
    key: str | None = None,
) -> PaymentOut:
    # Derived from (principal, Idempotency-Key): a retry after a lost answer, a 503 or a killed API
    # process finds the first payment (row and workflow) instead of paying a second time.
    derived = op_id(principal.id, key, "payments.create")
    payment_id = f"pay_{derived}" if derived else None
    async with unit_of_work(factory) as s:
        if quote_id:
            from services.pricing import consume_quote

            payment_id = payment_id or svc.new_payment_id()
            locked = await consume_quote(
                s, quote_id=quote_id, principal_id=principal.id, reference=payment_id
            )
            if (locked.amount, locked.currency) != (amount, currency):
                raise Conflict(
                    "the amount differs from the quoted price", code="quote_mismatch", param="amount"
                )
        started: PaymentStarted = await start_payment(
            s,
            client,
            settings,
            payer_id=principal.id,
            amount=amount,
            currency=currency,
            provider=provider,
            purpose=purpose,
            payment_method_id=payment_method_id,
            chain=chain,
            payment_id=payment_id,
            quote_id=quote_id,
            privileged=principal.role in (Role.ADMIN, Role.SERVICE),
        )
    await await_next_action(client, started.payment_id, timeout=settings.payment_create_wait_seconds)
    async with factory() as s:
        row = await repo.get_payment(s, started.payment_id)
    assert row is not None
    if row.provider == "credits" and row.status == "failed" and row.failure_code == "insufficient_credits":
        raise InsufficientFunds(
            "not enough credits for this payment", code="insufficient_credits", param="amount"
        )
    return payment_view(row)


@router.post("/create", status_code=201, response_model=PaymentOut, responses=ERROR_RESPONSES)
async def create_payment(
    body: CreatePaymentIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> PaymentOut:
    """Start a payment; 201 with the provider's next step (client_secret | approval_url | address)."""
    currency = check_currency(body.currency)
    amount = parse_amount(body.amount, currency)
    purpose = PaymentPurpose(
        body.purpose.kind, body.purpose.reference, principal.id if body.purpose.kind == "credits" else None
    )
    return await _create(
        factory,
        client,
        settings,
        principal,
        amount=amount,
        currency=currency,
        provider=body.provider,
        purpose=purpose,
        payment_method_id=body.payment_method_id,
        chain=body.chain,
        quote_id=body.quote_id,
        key=idempotency_key,
    )


@router.post(
    "/credits/purchase", status_code=201, response_model=CreditsPurchaseOut, responses=ERROR_RESPONSES
)
async def purchase_credits(
    body: CreditsPurchaseIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> CreditsPurchaseOut:
    """Buy credits at the server's price in a currency they are sold in (`credit_prices`; any
    other currency is 422); the workflow grants them once on completion. `status` is the seed's
    purchase status (processing while in flight); `payment_status` the payment's own."""
    currency = check_currency(body.currency or settings.credit_purchase_currency)
    amount = parse_amount(body.amount, currency)
    payment = await _create(
        factory,
        client,
        settings,
        principal,
        amount=amount,
        currency=currency,
        provider=body.provider,
        purpose=PaymentPurpose("credits", None, principal.id),
        payment_method_id=body.payment_method_id,
        chain=body.chain,
        key=idempotency_key,
    )
    return CreditsPurchaseOut.of(payment)


@router.get("/", response_model=Page[PaymentOut], responses=ERROR_RESPONSES)
async def list_payments(
    principal: CurrentPrincipal, factory: SessionFactoryDep, page: PageQuery
) -> Page[PaymentOut]:
    """The caller's payments, newest first; pass `next_cursor` as `starting_after`."""
    async with factory() as s:
        rows = await repo.list_payments(s, principal.id, limit=page.limit, starting_after=page.starting_after)
    return page_of(rows, page, payment_view)


@router.get("/{payment_id}", response_model=PaymentOut, responses=ERROR_RESPONSES)
async def get_payment(payment_id: str, principal: CurrentPrincipal, factory: SessionFactoryDep) -> PaymentOut:
    async with factory() as s:
        row = await svc.get_visible(s, payment_id, principal.id, admin=principal.is_admin)
    return payment_view(row)


@router.post("/{payment_id}/confirm", response_model=PaymentOut, responses=ERROR_RESPONSES)
async def confirm_payment(
    payment_id: str,
    body: ConfirmIn,
    principal: CurrentPrincipal,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> PaymentOut:
    """Stripe: confirm with a stored method; PayPal: capture after the buyer approved.

    A provider refusal answers at once (the payment fails with the provider's reason); while the
    provider is down the wait is bounded: 503 + Retry-After, and the retry with the same
    Idempotency-Key joins the same Update."""
    async with factory() as s:
        row = await svc.get_visible(s, payment_id, principal.id, admin=principal.is_admin)
    if row.status in rules.TERMINAL or row.provider not in ("stripe", "paypal"):
        raise InvalidState(
            f"a {row.status} {row.provider} payment cannot be confirmed", code="payment_invalid_state"
        )
    answer = await gateway.update(
        client,
        payment_workflow_id(payment_id),
        PAYMENT_CONFIRM_UPDATE,
        ConfirmRequest(body.payment_method_id),
        result_type=PaymentStarted,
        update_id=op_id(principal.id, idempotency_key, f"payments.confirm:{payment_id}"),
        wait=settings.payment_confirm_wait_seconds,
        closed=InvalidState("the payment has already finished", code="payment_invalid_state"),
        refused=lambda m: InvalidState(
            f"the payment cannot be confirmed now: {m}", code="payment_invalid_state"
        ),
    )
    if row.provider == "paypal" and answer.status == "requires_action":
        raise Conflict(
            "the buyer has not approved this PayPal order yet (open its approval_url)",
            code="payment_not_approved",
        )
    async with factory() as s:
        row = await svc.get_visible(s, payment_id, principal.id, admin=True)
    return payment_view(row)


@router.post("/{payment_id}/cancel", response_model=PaymentOut, responses=ERROR_RESPONSES)
async def cancel_payment(
    payment_id: str, principal: CurrentPrincipal, factory: SessionFactoryDep, client: TemporalDep
) -> PaymentOut:
    async with factory() as s:
        row = await svc.get_visible(s, payment_id, principal.id, admin=principal.is_admin)
    if row.status not in rules.CANCELLABLE:
        raise InvalidState(f"a {row.status} payment cannot be cancelled", code="payment_invalid_state")
    await gateway.signal(
        client,
        payment_workflow_id(payment_id),
        PAYMENT_CANCEL_SIGNAL,
        closed=InvalidState("the payment has already finished", code="payment_invalid_state"),
    )
    for _ in range(50):  # the workflow cancels the provider object; answer once it has (or ~5 s)
        async with factory() as s:
            row = await svc.get_visible(s, payment_id, principal.id, admin=True)
        if row.status in rules.TERMINAL:
            break
        await asyncio.sleep(0.1)
    return payment_view(row)


@router.post("/{payment_id}/refund", status_code=201, response_model=RefundOut, responses=ERROR_RESPONSES)
async def refund_payment(
    payment_id: str,
    body: RefundIn,
    principal: Refunder,
    factory: SessionFactoryDep,
    client: TemporalDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> RefundOut:
    """Refund all (no amount) or part; the total never exceeds what was captured (DB-enforced).

    A credits purchase first takes its credits back (in proportion); already spent → 409
    credits_already_spent, unless an admin sends `force: true`."""
    if body.force and not principal.is_admin:
        raise ApiError(403, "forbidden", "only an admin may force a refund", param="force")
    key = f"api:{principal.id}:{idempotency_key}" if idempotency_key else f"api:{uuid.uuid4().hex}"
    async with unit_of_work(factory) as s:
        row = await repo.get_payment(s, payment_id)
        if row is None:
            raise ApiError(404, "payment_not_found", "no such payment", param="payment_id")
        amount = parse_amount(body.amount, row.currency) if body.amount is not None else None
        refund = await refunds.reserve_refund(
            s,
            payment_id,
            amount=amount,
            reason=body.reason,
            idempotency_key=key,
            force=body.force,
            direct=True,  # an escrow's funding is refunded only through the escrow (409)
        )
    if refund.status == "pending":
        # refund-{id}: the refund row's id follows the key, so a retry waits for the same workflow.
        await gateway.execute(
            client,
            REFUND_WORKFLOW,
            RefundRequest(payment_id, refund.amount, body.reason, key, force=body.force),
            id=f"refund-{refund.id}",
            task_queue=settings.task_queue,
            result_type=RefundResult,
            refused=lambda m: Conflict(f"the provider refused the refund: {m}", code="refund_failed"),
        )
        async with factory() as s:
            found = await repo.get_refund(s, refund.id)
        assert found is not None
        refund = found
    return refund_view(refund)
