"""The error tree of the money rules. The API maps these to HTTP; workflows to non-retryable errors.

Each error has a stable `code` (what clients switch on) and an HTTP-ish `kind`.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal by the rules of money: never retried, always explained."""

    code = "domain_error"
    kind = "invalid_request"  # invalid_request | conflict | not_found | forbidden
    status = 400

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code


class InvalidAmount(DomainError):
    code = "invalid_amount"
    status = 422


class UnknownCurrency(DomainError):
    code = "unknown_currency"
    status = 422


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"
    status = 422


class UnbalancedTransaction(DomainError):
    code = "unbalanced_transaction"
    status = 422


class InsufficientFunds(DomainError):
    code = "insufficient_funds"
    kind = "conflict"
    status = 409


class InvalidState(DomainError):
    code = "invalid_state"
    kind = "conflict"
    status = 409


class Conflict(DomainError):
    code = "conflict"
    kind = "conflict"
    status = 409


class NotFound(DomainError):
    code = "not_found"
    kind = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    kind = "forbidden"
    status = 403
