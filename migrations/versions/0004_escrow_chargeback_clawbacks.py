"""disputes: what a lost chargeback took from an escrow's hold and from a credits purchase's wallet

Revision ID: escrow_chargeback_clawbacks
Revises: lead_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.base

revision = "escrow_chargeback_clawbacks"
down_revision = "lead_events"
branch_labels = None
depends_on = None

_COLUMNS = ("escrow_taken", "credits_clawed_back", "credits_shortfall")


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column(
            "disputes",
            sa.Column(name, db.base.MinorUnits(precision=38, scale=0), nullable=False, server_default="0"),
        )


def downgrade() -> None:
    for name in reversed(_COLUMNS):
        op.drop_column("disputes", name)
