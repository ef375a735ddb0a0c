"""Outbound webhooks across the Temporal boundary: names, inputs, ids."""

from __future__ import annotations

from dataclasses import dataclass

DELIVERY_WORKFLOW = "WebhookDeliveryWorkflow"
DISPATCHER_WORKFLOW = "WebhookDispatcherWorkflow"
DISPATCHER_WORKFLOW_ID = "webhook-dispatcher"
DISPATCH_ACTIVITY = "webhooks.dispatch"
DELIVER_ACTIVITY = "webhooks.deliver"
GIVE_UP_ACTIVITY = "webhooks.give_up"


def delivery_workflow_id(delivery_id: int) -> str:
    return f"webhook-delivery-{delivery_id}"


@dataclass(frozen=True)
class DeliveryInput:
    delivery_id: int
    # Exponential backoff from `initial` doubling to `maximum`, for `window` seconds (about three
    # days), then the endpoint is disabled.
    retry_window_seconds: int = 3 * 24 * 3600
    initial_interval_seconds: int = 10
    maximum_interval_seconds: int = 6 * 3600


@dataclass(frozen=True)
class DeliveryResult:
    status: str  # succeeded | skipped (endpoint disabled or delivery no longer pending)
    attempts: int = 0


@dataclass(frozen=True)
class DispatcherInput:
    run_seconds: int = 600  # one long activity per run, then continue-as-new (tiny histories)
    sweep_seconds: float = 1.0  # a missed NOTIFY delays a delivery at most this long
    task_queue: str = ""
