"""idempotency records: locked_until (a stale or released in-flight key may be re-run)

Revision ID: gateway_idempotency_lock
Revises: escrow_chargeback_clawbacks
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "gateway_idempotency_lock"
down_revision: str | None = "escrow_chargeback_clawbacks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "idempotency_records",
        sa.Column("locked_until", db.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("idempotency_records", "locked_until")
