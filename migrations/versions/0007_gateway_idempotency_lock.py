"""idempotency records: locked_until (a stale or released in-flight key may be re-run)

Revision ID: gateway_idempotency_lock
Revises: ops_deduct_function
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "gateway_idempotency_lock"
down_revision: str | None = "credits_mandates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "idempotency_records",
        sa.Column("locked_until", db.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("idempotency_records", "locked_until")
