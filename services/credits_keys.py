"""Credits idempotency keys and the namespace of API callers' references (issue #11.5).

Internal movements name themselves with business keys (`esc:{contract}:fund`, `pay:{id}:debit`,
`invoice:{id}:{due}`). A reference typed by an API caller never becomes such a key: it is put in the
caller's own namespace, `api:{role}:{principal id}:{reference}`, so no caller can reach (pre-empt or
refund) an internal movement, nor another caller's. A key repeated for a different movement is a
409 `idempotency_key_conflict`, never "already done".
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from config.metrics import IDEMPOTENCY
from domain.errors import Conflict, InvalidAmount

API_PREFIX = "api:"
_ENTRY_KEY_MAX = 220  # credit_entries.key
_LEDGER_KEY_MAX = 200  # ledger_transactions.idempotency_key


def caller_reference(role: str, principal_id: str, reference: str) -> str:
    """The caller's reference inside its namespace. The principal id is percent-encoded, so the
    namespace ends at the first ':' after it and no two (principal, reference) pairs collide."""
    return f"{API_PREFIX}{role}:{quote(principal_id, safe='')}:{reference}"


def entry_key(kind: str, reference: str) -> str:
    """credit_entries.key: `{kind}:{reference}`, hashed when it would not fit."""
    key = f"{kind}:{reference}"
    if len(key) <= _ENTRY_KEY_MAX:
        return key
    return f"{kind}:sha256:{hashlib.sha256(reference.encode()).hexdigest()}"


def ledger_key(kind: str, user_id: str, reference: str) -> str:
    """credits:{kind}:{user}:{reference}, hashed when it would not fit the ledger's 200 characters."""
    key = f"credits:{kind}:{user_id}:{reference}"
    if len(key) <= _LEDGER_KEY_MAX:
        return key
    return f"credits:{kind}:sha256:{hashlib.sha256(f'{user_id}:{reference}'.encode()).hexdigest()}"


def check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidAmount("amount must be a positive number of CREDIT minor units", param="amount")


def key_conflict(what: str, param: str = "reference") -> Conflict:
    IDEMPOTENCY.labels("movement_conflict").inc()
    return Conflict(
        f"this {what} was already used for a different movement", code="idempotency_key_conflict", param=param
    )
