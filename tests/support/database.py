"""A fresh PostgreSQL database per test session (migrated with alembic). PostgreSQL is the one
database engine: without one reachable the run fails loudly rather than test something else."""

from __future__ import annotations

import os
import uuid
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


def test_database_url(tmp_dir: Path) -> tuple[str, str]:
    """(database url, server url to drop it from)."""
    server = os.environ.get("MESHPAY_TEST_DATABASE_URL", DEFAULT_SERVER)
    if not postgres_reachable(server):
        raise RuntimeError(
            f"PostgreSQL is not reachable at {server}: start one, or point MESHPAY_TEST_DATABASE_URL at "
            "a server where this user may CREATE DATABASE (the tests run on PostgreSQL only)"
        )
    url = create_database(server)
    migrate(url)
    return url, server
