"""`meshpay reconcile [--since] [--no-fix]`: the reconciler's sweep, in this process, with a progress bar.

The same sweep as the scheduled ReconcileWorkflow (activities.reconcile): provider objects against
payments and the ledger. Safe differences are repaired through Temporal (reconcile-payment runs,
payout starts) unless --no-fix; the rest are listed. Exit 1 when anything is left unresolved.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from temporalio.client import Client

from activities.deps import Deps
from activities.reconcile import ReconcileActivities
from config.settings import Settings
from contracts.reconcile import ReconcileInput, ReconcileReport
from db.session import make_engine, make_session_factory


def parse_since(value: str | None) -> str:
    if not value:
        return ""
    at = datetime.fromisoformat(value)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()


async def run(settings: Settings, since: str, *, fix: bool, console: Console) -> ReconcileReport:
    client = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
    engine = make_engine(settings.database_url)
    try:
        acts = ReconcileActivities(Deps(settings, make_session_factory(engine), client))
        inp = ReconcileInput(since, settings.reconcile_lookback_hours, fix)
        total = await acts.count(inp)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("payments", total=total)

            def tick(advance: int, what: str) -> None:
                bar.update(task, advance=advance, description=what if not advance else "payments")

            return await acts.run_sweep(inp, progress=tick)
    finally:
        await engine.dispose()


def render(report: ReconcileReport, console: Console) -> None:
    console.print(f"checked {report.checked} provider objects since {report.since}")
    if not report.differences:
        console.print("[green]no differences[/]")
        return
    table = Table("kind", "provider", "object", "payment", "detail", "repair")
    for d in report.differences:
        table.add_row(
            d.kind,
            d.provider,
            d.object_id,
            d.payment_id,
            d.detail,
            "[green]started[/]" if d.fixed else "[red]open[/]",
        )
    console.print(table)
