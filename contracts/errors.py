"""The one list of ApplicationError types that mean "refused" — never retried — and the retry
policies of money steps.

Derived once from the domain's error tree (every DomainError subclass defined anywhere in domain/,
by class name: that is the `type` an activity's ApplicationError carries, whether it was raised
through activities.errors or escaped raw), plus the providers' refusals. Everything else is an
outage or a bug, and an idempotent money step retries it without limit: giving up would leave money
at a provider and not in the ledger, or the reverse.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import timedelta

from temporalio.common import RetryPolicy

import domain
from domain.errors import DomainError

# Provider refusals (providers/ cannot be imported from here: workflows import contracts/).
# tests/domain/test_error_list.py pins them to the class names in providers/.
PROVIDER_DECLINED = "ProviderDeclined"  # providers.base.ProviderDeclined
PAYOUT_REJECTED = "PayoutRejected"  # providers.payouts.PayoutRejected


def _domain_error_names() -> list[str]:
    for mod in pkgutil.iter_modules(domain.__path__, "domain."):
        importlib.import_module(mod.name)  # domain/ is pure: importing it does nothing
    names: list[str] = []
    todo: list[type[DomainError]] = [DomainError]
    while todo:
        cls = todo.pop()
        if cls.__name__ not in names:
            names.append(cls.__name__)
        todo.extend(cls.__subclasses__())
    return sorted(names)


NON_RETRYABLE_ERROR_TYPES: tuple[str, ...] = (
    *_domain_error_names(),
    PROVIDER_DECLINED,
    PAYOUT_REJECTED,
)


def is_refusal(error_type: str | None) -> bool:
    return error_type in NON_RETRYABLE_ERROR_TYPES


def money_retry(
    initial: timedelta = timedelta(seconds=1), maximum: timedelta = timedelta(minutes=1)
) -> RetryPolicy:
    """An idempotent money step (ledger post, provider call keyed by a business key): retried with
    capped exponential backoff for as long as it takes; only a refusal stops it."""
    return RetryPolicy(
        initial_interval=initial,
        backoff_coefficient=2.0,
        maximum_interval=maximum,
        maximum_attempts=0,  # unlimited
        non_retryable_error_types=list(NON_RETRYABLE_ERROR_TYPES),
    )
