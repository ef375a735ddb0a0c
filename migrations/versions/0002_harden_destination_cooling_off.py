"""payout destinations: usable_from (cooling-off period); account_events

Revision ID: harden_destination_cooling_off
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "harden_destination_cooling_off"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payout_destinations", sa.Column("usable_from", db.base.UTCDateTime(), nullable=True))
    op.create_table(
        "account_events",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_events")),
    )
    op.create_index(
        "ix_account_events_owner_created", "account_events", ["owner_id", "created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_account_events_owner_created", table_name="account_events")
    op.drop_table("account_events")
    op.drop_column("payout_destinations", "usable_from")
