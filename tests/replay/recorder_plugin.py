"""A pytest plugin that saves the history of every workflow a test run starts (for tests/replay).

Loaded only by `python -m tests.replay.record` (`-p tests.replay.recorder_plugin`); normal test runs
never see it. It wraps `temporalio.client.Client.start_workflow` (which `execute_workflow`, the API,
activities and webhook handlers all go through) to note each started workflow, and after each test
fetches the histories of those workflows, of the runs they continued as new into and of the child
workflows they started, and writes them as `<module>__<test>__<n>_<WorkflowType>.json`.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError

from tests.replay.record import module_slug, slug

OUT = Path(os.environ.get("MESHPAY_REPLAY_OUT", Path(__file__).parent / "histories"))
# Histories per (test, workflow type) and per workflow type overall: enough paths, not megabytes.
PER_TEST = int(os.environ.get("MESHPAY_REPLAY_PER_TEST", "2"))
PER_TYPE = int(os.environ.get("MESHPAY_REPLAY_PER_TYPE", "60"))

_started: list[tuple[Client, str, str | None]] = []
_per_type: dict[str, int] = {}
_original_start = Client.start_workflow


async def _recording_start(self: Client, *args: Any, **kwargs: Any) -> Any:
    handle = await _original_start(self, *args, **kwargs)
    _started.append((self, handle.id, handle.first_execution_run_id or handle.result_run_id))
    return handle


Client.start_workflow = _recording_start  # type: ignore[assignment,method-assign]


async def _collect(client: Client, workflow_id: str, run_id: str | None) -> list[WorkflowHistory]:
    """This run, the runs it continued as new into, and (recursively) its children."""
    found: list[WorkflowHistory] = []
    todo: list[tuple[str, str | None]] = [(workflow_id, run_id)]
    seen: set[tuple[str, str | None]] = set()
    while todo:
        wid, rid = todo.pop(0)
        if (wid, rid) in seen:
            continue
        seen.add((wid, rid))
        try:
            history = await client.get_workflow_handle(wid, run_id=rid).fetch_history()
        except RPCError:
            continue  # the server went away with its module (time-skipping env) — nothing to save
        if not history.events:
            continue
        found.append(history)
        for e in history.events:
            if e.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
                ex = e.child_workflow_execution_started_event_attributes.workflow_execution
                todo.append((ex.workflow_id, ex.run_id))
            elif e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
                todo.append(
                    (wid, e.workflow_execution_continued_as_new_event_attributes.new_execution_run_id)
                )
    return found


def workflow_type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


@pytest.fixture(autouse=True)
async def _record_histories(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    _started.clear()
    yield
    started, _started[:] = list(_started), []
    module = module_slug(Path(str(request.node.fspath)))
    test = slug(request.node.name.removeprefix("test_"), 48)
    per_test: dict[str, int] = {}
    n = 0
    for client, wid, rid in started:
        for history in await _collect(client, wid, rid):
            wtype = workflow_type(history)
            if per_test.get(wtype, 0) >= PER_TEST or _per_type.get(wtype, 0) >= PER_TYPE:
                continue
            per_test[wtype] = per_test.get(wtype, 0) + 1
            _per_type[wtype] = _per_type.get(wtype, 0) + 1
            n += 1
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / f"{module}__{test}__{n}_{wtype}.json").write_text(
                json.dumps(json.loads(history.to_json()), separators=(",", ":"))
            )
