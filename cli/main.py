"""The `meshpay` command: run, api, worker, migrate, token, check, reconcile."""

from __future__ import annotations

import asyncio
import logging

import typer

from cli.config import database_url, get_settings
from cli.config import with_database as _with_database

app = typer.Typer(
    help="meshpay: payments, escrow, credits, pricing and billing on Temporal.", no_args_is_help=True
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"meshpay {version('meshpay')}")
        raise typer.Exit()


@app.callback()
def _options(
    _version_flag: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """meshpay: payments, escrow, credits, pricing and billing on Temporal."""


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
    if workers > 1:  # the processes' metrics are added up from files (config/metrics.py)
        import os
        import shutil
        from pathlib import Path

        folder = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", ".data/prometheus"))
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
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
    from config.logging import configure_logging
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
    token = issue_token(
        settings.jwt_secret,
        sub,
        role,
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        ttl_seconds=ttl,
    )
    typer.echo(token)


@app.command()
def check() -> None:
    """Verify the money invariants: exit 0 balanced, 1 an invariant broken, 2 could not run."""
    from cli.check import run_check

    raise typer.Exit(run_check(_with_database(get_settings())))


@app.command()
def explain(
    object_id: str,
    as_json: bool = typer.Option(False, "--json", help="print the timeline as JSON"),
) -> None:
    """One timeline for a payment, escrow, invoice, payout or dispute: rows, ledger, events, history."""
    from cli.explain import run_explain

    raise typer.Exit(run_explain(object_id, as_json))


def _register_groups() -> None:
    from cli import keys

    app.add_typer(keys.app, name="keys")


_register_groups()


@app.command()
def reconcile(
    since: str = typer.Option(None, help="ISO 8601 time; default: MESHPAY_RECONCILE_LOOKBACK_HOURS ago"),
    fix: bool = typer.Option(True, help="start the repair of safe differences (--no-fix: report only)"),
) -> None:
    """Compare every provider's objects with payments and the ledger; exit 1 if any stay unresolved."""
    from rich.console import Console

    from cli.reconcile import parse_since, render
    from cli.reconcile import run as run_reconcile

    settings = get_settings()
    try:
        start = parse_since(since)
    except ValueError:
        raise typer.BadParameter(
            "an ISO 8601 time, e.g. 2026-11-29T00:00:00Z", param_hint="--since"
        ) from None
    console = Console()
    report = asyncio.run(run_reconcile(settings, start, fix=fix, console=console))
    render(report, console)
    raise typer.Exit(1 if report.unresolved else 0)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":
    app()
