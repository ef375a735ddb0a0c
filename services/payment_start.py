"""Starting a payment: write the Payment row and start PaymentWorkflow `payment-{payment_id}`.

The one way to start a payment, for the API (create, escrow funding) and for activities (billing
collection); every Temporal call goes through services.temporal_gateway.

Other areas (escrow funding by card, billing collection) call `start_payment` inside their own unit
of work; the HTTP route commits first and then waits (an Update) for the provider's next step.
The workflow input is the source of truth: its first activity writes the row too if the caller's
transaction never committed, so a started workflow never lacks its row.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from config.settings import Settings
from contracts.payments import (
    PAYMENT_NEXT_ACTION_UPDATE,
    PAYMENT_WORKFLOW,
    PaymentInput,
    PaymentPurpose,
    PaymentStarted,
)
from contracts.temporal import SA_PAYER_ID, SA_PAYMENT_PROVIDER, SA_PAYMENT_STATUS, payment_workflow_id
from db.models.payments import Payment
from db.repositories import payments as payments_repo
from domain import payments as rules
from domain.errors import Conflict, DomainError, InvalidAmount
from domain.money import check_currency
from services import payment_purpose
from services import payments as svc
from services import temporal_gateway as gateway


def validate(
    *, amount: int, currency: str, provider: str, purpose: PaymentPurpose, chain: str | None
) -> None:
    if provider not in rules.PROVIDERS:
        raise InvalidAmount(f"unknown provider {provider!r}", param="provider", code="invalid_provider")
    if purpose.kind not in rules.PURPOSES:
        raise InvalidAmount(f"unknown purpose {purpose.kind!r}", param="purpose.kind", code="invalid_purpose")
    if amount <= 0:
        raise InvalidAmount("amount must be greater than zero", param="amount")
    if provider == "credits" and currency != "CREDIT":
        raise InvalidAmount("a credits payment is in CREDIT", param="currency", code="invalid_currency")
    if provider != "credits" and currency == "CREDIT":
        raise InvalidAmount("CREDIT is paid with provider credits", param="provider", code="invalid_provider")
    if provider == "credits" and purpose.kind == "credits":
        raise InvalidAmount("credits cannot buy credits", param="purpose.kind", code="invalid_purpose")
    if provider == "crypto" and (chain or "BTC") not in rules.CHAINS:
        raise InvalidAmount(f"unsupported chain {chain!r}", param="chain", code="invalid_chain")
    if purpose.kind in ("escrow", "invoice") and not purpose.reference:
        raise InvalidAmount("purpose.reference is required", param="purpose.reference")


async def _refuse_past_open_crypto_cap(session: AsyncSession, settings: Settings, payer_id: str) -> None:
    """Each crypto payment takes the next HD address index for good: a payer may hold only a few
    open at once (a retry of an existing payment is not a new one)."""
    open_statuses = set(rules.TRANSITIONS) - rules.TERMINAL
    count = await payments_repo.count_open_payments(session, payer_id, "crypto", open_statuses=open_statuses)
    if count >= settings.crypto_max_open_payments:
        raise Conflict(
            f"{count} crypto payments are already open; pay or cancel one first",
            code="too_many_open_payments",
            param="provider",
        )


async def start_payment(
    session: AsyncSession,
    client: Client,
    settings: Settings,
    *,
    payer_id: str,
    amount: int,
    currency: str,
    provider: str,
    purpose: PaymentPurpose,
    payment_method_id: str | None = None,
    off_session: bool = False,
    payment_id: str | None = None,
    chain: str | None = None,
    quote_id: str | None = None,
    privileged: bool = False,
) -> PaymentStarted:
    """Write the row and start the workflow; the same payment_id twice starts nothing new.

    `privileged`: the caller is a service or an admin (may pay an invoice for its account)."""
    currency = check_currency(currency)
    validate(amount=amount, currency=currency, provider=provider, purpose=purpose, chain=chain)
    if (provider == "crypto" and not settings.crypto_enabled) or (
        provider == "paypal" and not settings.paypal_enabled
    ):
        raise InvalidAmount(
            f"{provider} payments are not enabled here", param="provider", code="provider_disabled"
        )
    if purpose.kind == "credits" and purpose.credits <= 0:
        purpose = PaymentPurpose(
            "credits",
            purpose.reference,
            purpose.user_id or payer_id,
            payment_purpose.credits_bought(settings, amount, currency),  # the server's price
        )
    if payment_id is None or await payments_repo.get_payment(session, payment_id) is None:
        if provider == "crypto":
            await _refuse_past_open_crypto_cap(session, settings, payer_id)
        await payment_purpose.check_at_create(
            session,
            payer_id=payer_id,
            privileged=privileged,
            amount=amount,
            currency=currency,
            purpose=purpose,
        )
    payment_id = payment_id or svc.new_payment_id()
    expiry = (
        settings.crypto_payment_expiry_seconds if provider == "crypto" else settings.payment_expiry_seconds
    )
    inp = PaymentInput(
        payment_id=payment_id,
        payer_id=payer_id,
        amount=amount,
        currency=currency,
        provider=provider,
        purpose=purpose,
        payment_method_id=payment_method_id,
        off_session=off_session,
        expires_in_seconds=expiry,
        crypto_chain=(chain or "BTC").upper() if provider == "crypto" else None,
        search_attributes=settings.payments_search_attributes,
        provider_heartbeat_seconds=settings.payment_provider_heartbeat_seconds,
    )
    row, created = await svc.ensure_payment(session, inp, quote_id=quote_id)
    sa = None
    if settings.payments_search_attributes:
        sa = TypedSearchAttributes(
            [
                SearchAttributePair(SA_PAYMENT_STATUS, "pending"),
                SearchAttributePair(SA_PAYMENT_PROVIDER, provider),
                SearchAttributePair(SA_PAYER_ID, payer_id),
            ]
        )
    # Also when the row exists (a retry with the same derived payment id): attaches to the running
    # workflow, or finds it finished; either way nothing new starts.
    await gateway.start(
        client,
        PAYMENT_WORKFLOW,
        inp,
        id=payment_workflow_id(payment_id),
        task_queue=settings.task_queue,
        search_attributes=sa,
    )
    return PaymentStarted(payment_id, "pending", {}) if created else started_from_row(row)


async def await_next_action(
    client: Client, payment_id: str, *, timeout: float = 15.0
) -> PaymentStarted | None:
    """Wait (an Update) until the workflow knows the caller's next step; None if it did not in time
    or the workflow has already finished (read the row then)."""
    try:
        return await gateway.update(
            client,
            payment_workflow_id(payment_id),
            PAYMENT_NEXT_ACTION_UPDATE,
            result_type=PaymentStarted,
            wait=timeout,
        )
    except DomainError:  # unavailable, closed or refused: the row tells the caller where it stands
        return None


def started_from_row(row: Payment) -> PaymentStarted:
    return PaymentStarted(row.id, row.status, next_action_of(row))


def next_action_of(row: Payment) -> dict[str, str]:
    if row.provider == "crypto" and row.crypto_address:
        return svc.crypto_next_action(row)
    if row.client_secret:
        return {"type": "client_secret", "client_secret": row.client_secret}
    if row.approval_url:
        return {"type": "approval_url", "approval_url": row.approval_url}
    return {}
