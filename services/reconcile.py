"""Reconciliation, the database side: what the provider's word means for a payment, and applying it.

The provider is the truth about money it holds. A capture the ledger lacks is completed through the
same service as a workflow's completion (ledger + purpose, or the purpose's refund path when it no
longer takes the money); a provider's final failure ends a payment nobody is ending. Whatever cannot
be decided safely (the ledger says captured and the provider does not; amounts differ) is returned
as UNRESOLVED for a person — never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy

from config.settings import Settings
from contracts.reconcile import (
    CLEAN,
    COMPLETED,
    ENDED,
    IN_FLIGHT,
    RECONCILE_PAYMENT_WORKFLOW,
    UNRESOLVED,
    ReconcileOutcome,
    ReconcilePaymentInput,
    reconcile_payment_workflow_id,
)
from db.base import utcnow
from db.repositories import payments as repo
from domain import payments as rules
from domain.errors import DomainError
from services import payments
from services import temporal_gateway as gateway

# The provider-neutral statuses of providers.base.
SUCCEEDED, FAILED, CANCELED, PROCESSING = "succeeded", "failed", "canceled", "processing"
FINAL_FAILURES = frozenset({FAILED, CANCELED})


@dataclass(frozen=True)
class ProviderView:
    """What a provider says about a payment's object (plain data: services never call providers)."""

    status: str  # requires_action | processing | succeeded | failed | canceled
    amount: int
    currency: str
    capture_id: str | None = None


def decide(row_status: str, provider_status: str, *, workflow_running: bool) -> str:
    """What reconciling a payment should do, from our status and the provider's (pure)."""
    success = row_status in rules.SUCCESS
    if provider_status == SUCCEEDED:
        if success:
            return CLEAN
        return IN_FLIGHT if workflow_running else COMPLETED
    if success:
        return UNRESOLVED  # the ledger holds money the provider says it never captured
    if provider_status in FINAL_FAILURES:
        if row_status in rules.TERMINAL:
            return CLEAN
        return IN_FLIGHT if workflow_running else ENDED
    if provider_status == PROCESSING:
        return IN_FLIGHT  # e.g. a PayPal capture PENDING: only the provider's final word ends it
    if row_status in rules.TERMINAL:
        return CLEAN  # nothing captured (an approval we no longer act on)
    return IN_FLIGHT  # the workflow drives it — or, with none, the caller cancels it at the provider


async def settle_capture(session: AsyncSession, payment_id: str, seen: ProviderView) -> ReconcileOutcome:
    """The provider captured this payment: post it (completed, or parked and refunded by the purpose).

    Idempotent: a payment already a success is CLEAN. The provider's amount and currency must be the
    payment's, or nothing moves (UNRESOLVED)."""
    row = await repo.get_payment(session, payment_id, for_update=True)
    if row is None:
        return ReconcileOutcome(payment_id, UNRESOLVED, "no such payment", seen.status)
    if row.status in rules.SUCCESS:
        return ReconcileOutcome(payment_id, CLEAN, "", seen.status)
    if (seen.amount, seen.currency.upper()) != (row.amount, row.currency):
        return ReconcileOutcome(
            payment_id,
            UNRESOLVED,
            f"the provider captured {seen.amount} {seen.currency.upper()}, "
            f"the payment is for {row.amount} {row.currency}",
            seen.status,
        )
    was, was_code = row.status, row.failure_code
    try:
        async with session.begin_nested():
            done = await payments.complete(session, payment_id, capture_id=seen.capture_id, reconciled=True)
    except DomainError as exc:  # the purpose refused it: listed for a person, nothing posted
        return ReconcileOutcome(
            payment_id,
            UNRESOLVED,
            f"captured, but its purpose refused it: {exc.code}: {exc.message}",
            seen.status,
        )
    row = await repo.get_payment(session, payment_id)
    assert row is not None
    if was in rules.LATE_SUCCESS_FROM and row.failure_code == was_code:  # not a parking code of complete()
        await repo.update_payment(session, payment_id, failure_code=None, failure_message=None)
    note = f"completed late (was {was})" if was in rules.LATE_SUCCESS_FROM else "completed"
    if row.failure_code == payments.ESCROW_CLOSED:
        note += "; its escrow no longer takes it: refunding"
    return ReconcileOutcome(
        payment_id, COMPLETED, f"{note}; ledger {done.ledger_transaction_id}", seen.status
    )


async def end_payment(session: AsyncSession, payment_id: str, provider_status: str) -> ReconcileOutcome:
    """The provider's final failure, on a payment no workflow is ending."""
    status = "cancelled" if provider_status == CANCELED else "failed"
    await payments.record_status(
        session,
        payment_id,
        status,
        failure_code=f"provider_{provider_status}",
        failure_message="ended by reconciliation with the provider",
    )
    return ReconcileOutcome(payment_id, ENDED, status, provider_status)


async def settle_crypto(
    session: AsyncSession, payment_id: str, settings: Settings, *, workflow_running: bool
) -> ReconcileOutcome:
    """A crypto payment: confirmed deposits are the provider's word. Ended → late deposits become
    credits; running → its workflow decides; orphaned → evaluated here as its workflow would."""
    row = await repo.get_payment(session, payment_id)
    if row is None:
        return ReconcileOutcome(payment_id, UNRESOLVED, "no such payment")
    if row.status in rules.TERMINAL:
        granted = await payments.settle_crypto_excess(session, payment_id, settings)
        return ReconcileOutcome(
            payment_id, COMPLETED if granted else CLEAN, f"credited {granted}" if granted else ""
        )
    if workflow_running:
        return ReconcileOutcome(payment_id, IN_FLIGHT)
    expired = row.expires_at is not None and utcnow() >= row.expires_at
    decision, received, expected = await payments.evaluate_crypto(
        session, payment_id, settings, expired=expired
    )
    if decision in rules.SUCCESS:
        await payments.complete(session, payment_id, status=decision)
        await payments.settle_crypto_excess(session, payment_id, settings)
        return ReconcileOutcome(payment_id, COMPLETED, f"received {received} of {expected}")
    if decision == "underpaid":
        return ReconcileOutcome(payment_id, ENDED, "underpaid: received value credited")
    if decision == "expired":
        await payments.record_status(session, payment_id, "expired", failure_code="expired")
        await payments.settle_crypto_excess(session, payment_id, settings)
        return ReconcileOutcome(payment_id, ENDED, "expired")
    return ReconcileOutcome(payment_id, IN_FLIGHT, f"received {received} of {expected}")


async def start_payment_reconcile(client: Client, task_queue: str, payment_id: str, reason: str = "") -> None:
    """Start `reconcile-payment-{id}`, or join the run already going (never two at once), through
    the Temporal gateway: webhooks and the sweep call this. A later event, after an earlier run
    closed, gets a fresh look (ALLOW_DUPLICATE)."""
    await gateway.start(
        client,
        RECONCILE_PAYMENT_WORKFLOW,
        ReconcilePaymentInput(payment_id, reason),
        id=reconcile_payment_workflow_id(payment_id),
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )
