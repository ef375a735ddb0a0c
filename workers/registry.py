"""Every workflow and activity the worker runs. Tests build their workers from this too.

Each area appends its own entries (one line per area) so areas do not edit each other's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.deps import Deps


def workflows() -> list[type]:
    found: list[type] = []
    found.append(__import__("workflows.credit_expiry", fromlist=["_"]).CreditExpiryWorkflow)  # credits
    found += __import__("workflows.payment", fromlist=["_"]).WORKFLOWS  # payments
    found.append(__import__("workflows.escrow", fromlist=["_"]).EscrowWorkflow)  # escrow
    # pricing
    found += [__import__(f"workflows.{m}", fromlist=["_"]).__dict__[n] for m, n in (("billing_run", "BillingRunWorkflow"), ("account_billing", "AccountBillingWorkflow"), ("subscription", "SubscriptionWorkflow"))]  # billing
    found += [__import__(f"workflows.{m}", fromlist=["_"]).__dict__[n] for m, n in (("payout", "PayoutWorkflow"), ("payout_schedule", "WeeklyPayoutsWorkflow"), ("chargeback", "ChargebackWorkflow"))]  # payouts/chargebacks
    return found


def activities(deps: Deps) -> list[Callable[..., Any]]:
    found: list[Callable[..., Any]] = []
    found += [(a := __import__("activities.credits", fromlist=["_"]).CreditsActivities(deps)).expire_due, a.next_expiry]  # credits
    found += __import__("activities.payments", fromlist=["_"]).PaymentActivities(deps).all()  # payments
    found += __import__("activities.escrow", fromlist=["_"]).EscrowActivities(deps).all()  # escrow
    # pricing
    found += __import__("activities.billing", fromlist=["_"]).billing_activities(deps)  # billing
    found += __import__("activities.payouts", fromlist=["_"]).PayoutActivities(deps).all() + __import__("activities.disputes", fromlist=["_"]).DisputeActivities(deps).all()  # payouts/chargebacks
    return found
