"""URL forms: the app uses psycopg 3 (async); alembic and the invariant checker use it synchronously."""

from __future__ import annotations


def sync_url(url: str) -> str:
    return async_url(url)  # psycopg 3 serves both: one URL form


def async_url(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
