"""The hourly purge of expired API Idempotency-Keys: names and payloads shared by worker and tests."""

from __future__ import annotations

from dataclasses import dataclass

IDEMPOTENCY_PURGE_WORKFLOW = "IdempotencyPurgeWorkflow"
IDEMPOTENCY_PURGE_ACTIVITY = "idempotency_purge_expired"
IDEMPOTENCY_PURGE_SCHEDULE_ID = "idempotency-purge"


@dataclass(frozen=True)
class PurgeRequest:
    batch: int = 5000  # 0: the worker's setting (idempotency_purge_batch)


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    more: bool = False
