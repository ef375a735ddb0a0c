"""`meshpay check`: the money invariants on the configured database.

Exit codes, for scripts and alerting: 0 the books balance, 1 an invariant is broken, 2 the check
could not run (database unreachable, or not migrated to head) — said in one line, no traceback.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OK, VIOLATED, CANNOT_RUN = 0, 1, 2


class CannotRun(Exception):
    pass


def _head_revisions() -> set[str]:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return set(ScriptDirectory.from_config(cfg).get_heads())


async def _results(settings: Settings) -> list:  # type: ignore[type-arg]
    from db.session import make_engine, make_session_factory
    from services.invariants import check as run_checks

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            try:
                current = set(
                    (await session.execute(text("SELECT version_num FROM alembic_version"))).scalars()
                )
            except SQLAlchemyError as exc:
                if "alembic_version" in str(exc):
                    raise CannotRun("the database is not migrated (run `meshpay migrate`)") from None
                raise
            if current != _head_revisions():
                raise CannotRun(
                    f"the database is at {sorted(current) or 'no revision'}, not at head "
                    f"{sorted(_head_revisions())} (run `meshpay migrate`)"
                )
            return await run_checks(session)
    finally:
        await engine.dispose()


def run_check(settings: Settings) -> int:
    from rich.console import Console
    from rich.table import Table

    from services.invariants import failures

    try:
        results = asyncio.run(_results(settings))
    except CannotRun as exc:
        typer.echo(f"meshpay check: cannot run: {exc}", err=True)
        return CANNOT_RUN
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        typer.echo(f"meshpay check: cannot run: the database is unreachable: {reason}", err=True)
        return CANNOT_RUN
    table = Table("invariant", "result", "examples")
    for r in results:
        status = "skipped" if r.skipped else ("[green]ok[/]" if r.ok else "[red]VIOLATED[/]")
        table.add_row(r.description, status, "; ".join(map(str, r.examples[:3])))
    Console().print(table)
    return VIOLATED if failures(results) else OK
