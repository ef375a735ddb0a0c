"""A fresh PostgreSQL database per test session (migrated with alembic), or loud SQLite fallback."""

from __future__ import annotations

import os
import uuid
import warnings
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_reachable(server_url: str) -> bool:
    try:
        with psycopg.connect(_libpq(server_url), connect_timeout=3, autocommit=True):
            return True
    except psycopg.Error:
        return False


def create_database(server_url: str) -> str:
    name = f"meshpay_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return (
        make_url(server_url)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def drop_database(server_url: str, db_url: str) -> None:
    name = make_url(db_url).database
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(db_url: str) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db_url)
    command.upgrade(cfg, "head")


def test_database_url(tmp_dir: Path) -> tuple[str, str | None]:
    """(database url, server url to drop it from, or None for SQLite)."""
    server = os.environ.get("MESHPAY_TEST_DATABASE_URL", DEFAULT_SERVER)
    if postgres_reachable(server):
        url = create_database(server)
        migrate(url)
        return url, server
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"PostgreSQL is not reachable at {server}; CI requires it")
    bar = "!" * 70
    banner = f"\n{bar}\n  PostgreSQL NOT reachable at {server}\n  running database tests on SQLite\n{bar}\n"
    print(banner)
    warnings.warn("PostgreSQL not reachable: database tests ran on SQLite", stacklevel=1)
    url = f"sqlite+aiosqlite:///{tmp_dir}/meshpay-test.db"
    migrate(url)
    return url, None
