"""Settings for CLI commands: a refused configuration is named in one line (exit 2, no traceback),
and in dev an empty MESHPAY_DATABASE_URL means the embedded PostgreSQL under .data/pg."""

from __future__ import annotations

import os

import typer
from pydantic import ValidationError

from config.settings import Settings
from config.settings import get_settings as _load_settings


def get_settings() -> Settings:
    """The settings, or exit 2 with the settings that are wrong named (never a traceback)."""
    try:
        return _load_settings()
    except ValidationError as exc:
        for error in exc.errors():
            message = str(error.get("ctx", {}).get("error", error["msg"]))
            loc = error["loc"]
            where = f"MESHPAY_{str(loc[0]).upper()}" if loc else ""
            typer.echo(f"meshpay: configuration refused{f' ({where})' if where else ''}: {message}", err=True)
        raise typer.Exit(2) from None


def database_url(settings: Settings) -> str:
    """MESHPAY_DATABASE_URL, or (dev only: outside dev it is required) the embedded PostgreSQL
    under .data/pg, started if `meshpay run` is not already running it."""
    if settings.database_url:
        return settings.database_url
    from config.settings import DATA_DIR
    from db import embedded

    return embedded.start(DATA_DIR).url


def with_database(settings: Settings) -> Settings:
    if settings.database_url:
        return settings
    url = database_url(settings)
    os.environ["MESHPAY_DATABASE_URL"] = url  # for code that reads get_settings() (api.main)
    _load_settings.cache_clear()
    return settings.model_copy(update={"database_url": url})
