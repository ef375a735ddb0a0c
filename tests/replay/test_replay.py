"""Every recorded workflow history replays against the workflows the worker registers today.

A change to a workflow that would break executions already running (a new activity call, a
reordered timer, a removed signal wait…) makes its recorded histories fail here with a
nondeterminism error, so it fails the build before it reaches a worker. Histories are recorded from
real runs of the workflow and e2e tests: re-record with `python -m tests.replay.record` (see
README.md) only after an intentional, replay-safe change.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError, _Definition

from contracts import payments as c
from tests.replay.altered_workflow import RefundWorkflowThatChangedUnderRunningExecutions
from workers import registry

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))

# Paths through a workflow that must stay recorded: (workflow type, a word of the test it came from).
REQUIRED_PATHS = [
    ("EscrowWorkflow", "score"),  # release by score
    ("EscrowWorkflow", "signers"),  # release by signatures
    ("EscrowWorkflow", "dispute"),  # dispute, then arbitration
    ("EscrowWorkflow", "resolve"),  # dispute resolved by split
    ("EscrowWorkflow", "refund"),  # refunds
    ("EscrowWorkflow", "deadline"),  # expiry of the funding / delivery deadline
    ("PaymentWorkflow", "webhook"),
    ("PaymentWorkflow", "expires"),
    ("PaymentWorkflow", "crypto"),
    ("PaymentWorkflow", "paypal"),
    ("PaymentWorkflow", "killed_worker"),  # a worker SIGKILLed mid-activity, restarted
    ("PayoutWorkflow", "rejected"),
    ("ChargebackWorkflow", "lost"),
    ("ChargebackWorkflow", "won"),
]


def _type_of(path: Path) -> str:
    first = json.loads(path.read_text())["events"][0]
    return str(first["workflowExecutionStartedEventAttributes"]["workflowType"]["name"])


@cache
def _types() -> dict[Path, str]:
    return {p: _type_of(p) for p in HISTORIES}


@cache
def _replayer() -> Replayer:
    return Replayer(workflows=registry.workflows())


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_every_registered_workflow_type_has_recorded_histories() -> None:
    registered = {str(_Definition.must_from_class(w).name) for w in registry.workflows()}
    missing = registered - set(_types().values())
    assert not missing, f"no recorded history for {sorted(missing)}: run python -m tests.replay.record"


@pytest.mark.parametrize(("wtype", "word"), REQUIRED_PATHS, ids=lambda v: str(v))
def test_required_paths_are_recorded(wtype: str, word: str) -> None:
    assert any(t == wtype and word in p.name.split("__")[1] for p, t in _types().items()), (wtype, word)


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_history_replays_against_current_workflows(path: Path) -> None:
    result = await _replayer().replay_workflow(_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure!r}"


# --- the guard itself can fail ---------------------------------------------------------------------


async def test_a_changed_workflow_fails_replay_with_a_nondeterminism_error() -> None:
    refunds = [p for p, t in _types().items() if t == c.REFUND_WORKFLOW]
    assert refunds, "no recorded RefundWorkflow history"
    history = _history(refunds[0])
    # The registered workflow replays it…
    assert (await _replayer().replay_workflow(history, raise_on_replay_failure=False)).replay_failure is None
    # …the altered one does not.
    altered = Replayer(workflows=[RefundWorkflowThatChangedUnderRunningExecutions])
    with pytest.raises(NondeterminismError):
        await altered.replay_workflow(history)
