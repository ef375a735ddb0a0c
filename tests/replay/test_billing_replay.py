"""Recorded billing workflow histories replay against the current code (determinism guard).

Re-record after an intentional, versioned change with
`MESHPAY_RECORD_HISTORIES=1 .venv/bin/pytest tests/workflows/test_billing_workflows.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.account_billing import AccountBillingWorkflow
from workflows.billing_run import BillingRunWorkflow
from workflows.subscription import SubscriptionWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("billing_*.json"))


def test_histories_are_recorded() -> None:
    names = {p.stem for p in HISTORIES}
    assert {"billing_subscription", "billing_account_paid", "billing_account_dunning", "billing_run"} <= names


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_billing_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=[BillingRunWorkflow, AccountBillingWorkflow, SubscriptionWorkflow])
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
