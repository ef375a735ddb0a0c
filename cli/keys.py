"""`meshpay keys create|list|revoke`: API keys from the operator's terminal (same service as the API)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from cli.config import get_settings, with_database

app = typer.Typer(help="Secret API keys for server-to-server callers.", no_args_is_help=True)
T = TypeVar("T")


def _in_session(work: Callable[[Any], Awaitable[T]]) -> T:
    from db.session import make_engine, make_session_factory, unit_of_work

    async def run() -> T:
        engine = make_engine(with_database(get_settings()).database_url)
        try:
            async with unit_of_work(make_session_factory(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    from domain.errors import DomainError

    try:
        return asyncio.run(run())
    except DomainError as exc:  # a refusal is one line for the operator, not a traceback
        typer.echo(f"meshpay keys: {exc.message}", err=True)
        raise typer.Exit(1) from None


@app.command("create")
def create(
    principal: str = typer.Option(..., help="the principal id the key acts as"),
    role: str = typer.Option(..., help="user | agent | service | admin"),
    permission: list[str] = typer.Option(None, help="restrict to operations, e.g. credits:deduct (repeat)"),
    description: str = typer.Option(None, help="what the key is for"),
) -> None:
    """Create a key and print its secret once."""
    from services import api_keys

    created = _in_session(
        lambda s: api_keys.create(
            s,
            principal_id=principal,
            role=role,
            permissions=permission or None,
            description=description,
            created_by="cli",
        )
    )
    typer.echo(f"{created.row.id}  (shown once, store it now)")
    typer.echo(created.secret)


@app.command("list")
def list_keys() -> None:
    """Every key, without secrets."""
    from db.repositories import api_keys as repo

    rows = _in_session(lambda s: repo.page(s, limit=1000, starting_after=None))
    table = Table("prefix", "principal", "role", "permissions", "revoked")
    table.add_column("id", no_wrap=True, min_width=28)
    for r in rows:
        perms = ", ".join(r.permissions or ["all"])
        table.add_row(r.prefix, r.principal_id, r.role, perms, str(r.revoked_at or ""), r.id)
    Console(width=max(120, Console().width)).print(table)


@app.command("revoke")
def revoke(key_id: str) -> None:
    """Revoke a key (API processes refuse it within api_key_cache_seconds)."""
    from services import api_keys

    row = _in_session(lambda s: api_keys.revoke(s, key_id))
    typer.echo(f"{row.id} revoked at {row.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
