"""Every model module, imported so Base.metadata knows all tables (alembic, tests)."""

from db.models import billing, credits, disputes, escrow, ledger, payments, payouts, platform, pricing  # noqa: F401
from db.models.ledger import Account, Balance, LedgerTransaction, Posting
from db.models.platform import IdempotencyRecord, WebhookEvent

__all__ = ["Account", "Balance", "IdempotencyRecord", "LedgerTransaction", "Posting", "WebhookEvent"]
