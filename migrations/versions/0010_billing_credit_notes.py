"""billing: credit notes

Revision ID: billing_credit_notes
Revises: billing_coupons
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "billing_credit_notes"
down_revision: str | None = "billing_coupons"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("invoice_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("subtotal", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("tax", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("total", db.base.MinorUnits(precision=38, scale=0), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("issued_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("total > 0 AND subtotal + tax = total", name=op.f("ck_credit_notes_amounts")),
        sa.CheckConstraint("method IN ('credit_balance')", name=op.f("ck_credit_notes_method")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_credit_notes_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_credit_notes_idempotency_key")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
    )
    op.create_index(op.f("ix_credit_notes_account_id"), "credit_notes", ["account_id"], unique=False)
    op.create_index(op.f("ix_credit_notes_invoice_id"), "credit_notes", ["invoice_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_credit_notes_invoice_id"), table_name="credit_notes")
    op.drop_index(op.f("ix_credit_notes_account_id"), table_name="credit_notes")
    op.drop_table("credit_notes")
