"""Every workflow and activity the worker runs. Tests and the replayer build from this too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.billing import billing_activities
from activities.credits import CreditsActivities
from activities.deps import Deps
from activities.disputes import DisputeActivities
from activities.escrow import EscrowActivities
from activities.idempotency import IdempotencyActivities
from activities.payments import PaymentActivities
from activities.payouts import PayoutActivities
from activities.webhooks import WebhookActivities
from workflows import payment
from workflows.account_billing import AccountBillingWorkflow
from workflows.billing_run import BillingRunWorkflow
from workflows.chargeback import ChargebackWorkflow
from workflows.credit_expiry import CreditExpiryWorkflow
from workflows.escrow import EscrowWorkflow
from workflows.idempotency_purge import IdempotencyPurgeWorkflow
from workflows.payout import PayoutWorkflow
from workflows.payout_schedule import WeeklyPayoutsWorkflow
from workflows.subscription import SubscriptionWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow, WebhookDispatcherWorkflow


def workflows() -> list[type]:
    return [
        CreditExpiryWorkflow,
        *payment.WORKFLOWS,  # payment, refund, payment method
        EscrowWorkflow,
        BillingRunWorkflow,
        AccountBillingWorkflow,
        SubscriptionWorkflow,
        PayoutWorkflow,
        WeeklyPayoutsWorkflow,
        ChargebackWorkflow,
        IdempotencyPurgeWorkflow,
        WebhookDeliveryWorkflow,
        WebhookDispatcherWorkflow,
    ]


def activities(deps: Deps) -> list[Callable[..., Any]]:
    credits = CreditsActivities(deps)
    return [
        credits.expire_due,
        credits.next_expiry,
        *PaymentActivities(deps).all(),
        *EscrowActivities(deps).all(),
        *billing_activities(deps),
        *PayoutActivities(deps).all(),
        *DisputeActivities(deps).all(),
        *IdempotencyActivities(deps).all(),
        *WebhookActivities(deps).all(),
    ]
