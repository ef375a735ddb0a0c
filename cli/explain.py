"""`meshpay explain ID`: the timeline of one money object, in the terminal (or --json)."""

from __future__ import annotations

import asyncio
import json

import typer
from rich.console import Console
from rich.table import Table

from config.settings import get_settings


def run_explain(object_id: str, as_json: bool) -> int:
    from temporalio.client import Client

    from db.session import make_engine, make_session_factory
    from services import explain as service

    settings = get_settings()

    async def build() -> service.Explanation | None:
        engine = make_engine(settings.database_url)
        try:
            async with make_session_factory(engine)() as session:
                found = await service.explain(session, object_id)
        finally:
            await engine.dispose()
        if found is not None:
            try:
                client = await asyncio.wait_for(
                    Client.connect(settings.temporal_address, namespace=settings.temporal_namespace), 5
                )
                await service.add_history(found, client)
            except Exception as exc:
                found.entries.append(service.Entry(None, "workflow", f"Temporal unavailable: {exc}"))
        return found

    found = asyncio.run(build())
    if found is None:
        typer.echo(f"meshpay explain: nothing has the id {object_id!r}", err=True)
        return 1
    doc = found.as_json()
    if as_json:
        typer.echo(json.dumps(doc, default=str, indent=2))
        return 0
    console = Console(width=max(140, Console().width))
    console.print(
        f"[bold]{found.kind} {found.id}[/]  " + "  ".join(f"{k}={v}" for k, v in found.summary.items())
    )
    for wid in found.workflow_ids:
        console.print(
            f"Temporal UI: http://localhost:8233/namespaces/{settings.temporal_namespace}/workflows/{wid}"
        )
    table = Table("at (UTC)", "source", "what", "detail")
    for e in doc["entries"]:
        at = e["at"].strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if e["at"] else ""
        table.add_row(at, e["source"], e["what"], json.dumps(e["detail"], default=str)[:200])
    console.print(table)
    return 0
