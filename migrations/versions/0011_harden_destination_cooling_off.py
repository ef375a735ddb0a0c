"""payout destinations: usable_from (the cooling-off period before a first payout)

Revision ID: harden_destination_cooling_off
Revises: gateway_idempotency_lock
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "harden_destination_cooling_off"
down_revision: str | None = "billing_credit_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payout_destinations", sa.Column("usable_from", db.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("payout_destinations", "usable_from")
