"""Every fault test ends like the invariant checker: the reconciler's sweep finds no difference
between what the providers hold and what payments and the ledger say (report only, no repairs)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from temporalio.client import Client

from activities.deps import Deps
from activities.reconcile import ReconcileActivities
from config.settings import Settings
from contracts.reconcile import ReconcileInput, ReconcileReport
from db.session import SessionFactory


async def assert_reconciled(
    client: Client,
    settings: Settings,
    factory: SessionFactory,
    since: datetime,
    *,
    payment_ids: Collection[str] | None = None,
) -> ReconcileReport:
    """Sweep everything created since `since`; `payment_ids`: only differences about these count
    (other tests of the session may have left differences of their own on purpose)."""
    acts = ReconcileActivities(Deps(settings=settings, session_factory=factory, client=client))
    report = await acts.run_sweep(ReconcileInput(since=since.isoformat(), fix=False))
    diffs = [d for d in report.differences if payment_ids is None or d.payment_id in payment_ids]
    assert diffs == [], f"the reconciler found {len(diffs)} differences: {diffs[:5]}"
    return report
