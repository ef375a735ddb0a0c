"""One Protocol over Stripe, PayPal (and, in part, crypto). Every write takes an idempotency key.

Statuses are provider-neutral: requires_action (the customer has a step to take) | processing |
succeeded | failed | canceled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class ProviderDeclined(Exception):
    """The provider refused (card declined, order not approved, refund refused): not retried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class ProviderIntent:
    object_id: str
    status: str
    amount: int
    currency: str
    next_action: dict[str, str] = field(default_factory=dict)
    capture_id: str | None = None  # what a refund refers to (Stripe: the PaymentIntent; PayPal: capture)
    failure_code: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class ProviderRefund:
    refund_id: str
    status: str  # succeeded | pending | failed
    amount: int


@dataclass(frozen=True)
class CreateParams:
    payment_id: str
    amount: int
    currency: str
    idempotency_key: str
    customer_id: str | None = None
    payment_method_id: str | None = None  # the provider's token (pm_...)
    off_session: bool = False  # confirm at once with the stored method (billing collection)
    description: str = ""


class PaymentProvider(Protocol):
    name: str

    async def create(self, params: CreateParams) -> ProviderIntent: ...

    async def find(self, payment_id: str) -> ProviderIntent | None:
        """The object created for `payment_id`, if any (reconciles a create whose answer was lost)."""
        ...

    async def retrieve(self, object_id: str) -> ProviderIntent: ...

    async def confirm(
        self, object_id: str, *, payment_method_id: str | None, idempotency_key: str
    ) -> ProviderIntent: ...

    async def cancel(self, object_id: str, *, idempotency_key: str) -> ProviderIntent: ...

    async def refund(
        self, intent: ProviderIntent, *, amount: int, idempotency_key: str, reason: str = ""
    ) -> ProviderRefund: ...
