"""The `meshpay` command: run, api, worker, migrate, token, check."""

from __future__ import annotations

import asyncio
import logging
import os

import typer
from pydantic import ValidationError

from config.settings import Settings
from config.settings import get_settings as _load_settings

app = typer.Typer(
    help="meshpay: payments, escrow, credits, pricing and billing on Temporal.", no_args_is_help=True
)


def get_settings() -> Settings:
    """The settings, or exit 2 with the settings that are wrong named (never a traceback)."""
    try:
        return _load_settings()
    except ValidationError as exc:
        for error in exc.errors():
            message = str(error.get("ctx", {}).get("error", error["msg"]))
            where = ".".join(map(str, error["loc"]))
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


def _with_database(settings: Settings) -> Settings:
    if settings.database_url:
        return settings
    url = database_url(settings)
    os.environ["MESHPAY_DATABASE_URL"] = url  # for code that reads get_settings() (api.main)
    _load_settings.cache_clear()
    return settings.model_copy(update={"database_url": url})


@app.command()
def run() -> None:
    """Start the embedded PostgreSQL (unless MESHPAY_DATABASE_URL is set), migrate, then the Temporal
    dev server (UI on :8233), the worker and the API (:8000). Ctrl-C, SIGTERM or SIGHUP stop them all."""
    from cli.supervisor import run_all

    raise typer.Exit(run_all(get_settings()))


@app.command()
def api(
    host: str | None = None,
    port: int | None = None,
    workers: int = typer.Option(1, help="API processes (on 2 cores, 2 lift deducts from ~940/s to ~1,070/s)"),
) -> None:
    """Serve the HTTP API with uvicorn."""
    import uvicorn

    settings = _with_database(get_settings())
    uvicorn.run(
        "api.main:app",
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@app.command()
def worker() -> None:
    """Run the Temporal worker (every workflow and activity) and make sure the schedules exist."""
    from api.observability import configure_logging
    from workers.main import run_worker

    settings = _with_database(get_settings())
    configure_logging(json_logs=settings.log_json, level=settings.log_level)
    asyncio.run(run_worker(settings))


@app.command()
def migrate() -> None:
    """Apply database migrations (alembic upgrade head)."""
    from cli.migrate import upgrade_head

    upgrade_head(database_url(get_settings()))
    typer.echo("database is at head")


@app.command()
def token(
    sub: str = typer.Option(..., help="principal id"),
    role: str = typer.Option("user", help="user | agent | service | admin"),
    ttl: int = typer.Option(3600, help="seconds until expiry"),
) -> None:
    """Print a bearer token for local use (signed with MESHPAY_JWT_SECRET)."""
    from api.auth import issue_token

    settings = get_settings()
    typer.echo(issue_token(settings.jwt_secret, sub, role, audience=settings.jwt_audience, ttl_seconds=ttl))


@app.command()
def check() -> None:
    """Verify the money invariants on the configured database; exit 1 on any violation."""
    from rich.console import Console
    from rich.table import Table

    from db.session import make_engine, make_session_factory
    from services.invariants import check as run_checks
    from services.invariants import failures

    settings = _with_database(get_settings())

    async def _run():  # type: ignore[no-untyped-def]
        engine = make_engine(settings.database_url)
        try:
            async with make_session_factory(engine)() as session:
                return await run_checks(session)
        finally:
            await engine.dispose()

    results = asyncio.run(_run())
    table = Table("invariant", "result", "examples")
    for r in results:
        status = "skipped" if r.skipped else ("[green]ok[/]" if r.ok else "[red]VIOLATED[/]")
        table.add_row(r.description, status, "; ".join(map(str, r.examples[:3])))
    Console().print(table)
    raise typer.Exit(1 if failures(results) else 0)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":
    app()
