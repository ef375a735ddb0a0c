"""Every model module, imported so Base.metadata knows all tables (alembic, tests)."""

from db.models import (  # noqa: F401
    api_keys,
    billing,
    credits,
    disputes,
    escrow,
    events,
    ledger,
    mandates,
    payments,
    payouts,
    platform,
    pricing,
)
from db.models.ledger import Account, Balance, LedgerTransaction, Posting
from db.models.platform import IdempotencyRecord, WebhookEvent

__all__ = ["Account", "Balance", "IdempotencyRecord", "LedgerTransaction", "Posting", "WebhookEvent"]
