"""The models and the alembic migrations agree: autogenerate finds nothing to do."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import db.models  # noqa: F401
from db.base import Base
from db.urls import sync_url


def test_models_match_migrations(db_url: str) -> None:
    engine = create_engine(sync_url(db_url))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations disagree; run migrations/regenerate.sh: {diff}"
