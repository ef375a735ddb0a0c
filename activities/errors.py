"""How a refusal by the rules of money leaves an activity: a typed, non-retryable ApplicationError
(retrying a declined move cannot make it legal), carrying the code the API shows."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from domain.errors import DomainError


def domain_application_error(exc: DomainError) -> ApplicationError:
    return ApplicationError(
        exc.message,
        {"code": exc.code, "param": exc.param, "status": exc.status},
        type=type(exc).__name__,
        non_retryable=True,
    )
