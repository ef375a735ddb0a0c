"""What crosses the Temporal boundary for credits: the expiry sweeper's input, requests and results.

The sweeper is one long-running workflow (`credits-expiry`) that wakes at the next lot expiry (and
at least every `poll_seconds`), expires what is due through an activity, and continues-as-new.
Times are ISO-8601 strings in UTC (workflow time, so the time-skipping test server can drive it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CREDIT_EXPIRY_WORKFLOW_ID = "credits-expiry"
CREDIT_EXPIRY_WORKFLOW = "CreditExpiryWorkflow"
EXPIRE_DUE_ACTIVITY = "credits_expire_due"
NEXT_EXPIRY_ACTIVITY = "credits_next_expiry"


@dataclass(frozen=True)
class CreditExpiryInput:
    poll_seconds: int = 60  # the longest sleep: a lot granted meanwhile expires within this
    batch: int = 500  # lots per activity call
    iterations_per_run: int = 100  # continue-as-new after this many wake-ups (keeps history short)
    until: str | None = None  # ISO time: stop (return) once workflow time reaches it — tests, drains
    expired_lots: int = 0  # carried across continue-as-new
    expired_amount: int = 0


@dataclass(frozen=True)
class ExpireDueRequest:
    as_of: str  # ISO: expire lots whose expires_at <= as_of
    batch: int = 500


@dataclass(frozen=True)
class ExpireDueResult:
    expired_lots: int
    expired_amount: int  # CREDIT minor units moved to system:credits_expired:CREDIT
    more: bool  # the batch was full: call again
    lot_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class NextExpiryResult:
    next_expiry: str | None  # ISO, the earliest expiry among lots still holding credits


@dataclass(frozen=True)
class CreditExpirySummary:
    expired_lots: int
    expired_amount: int
    sweeps: list[str] = field(default_factory=list)  # as_of of each sweep that expired something (this run)
