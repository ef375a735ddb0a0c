"""Every `workflow.patched()` branch has a recorded history of its old path and of its new path
(issue 12, Replay), and the recorder keeps old histories on purpose.

A patch is added with a row in PATCH_PATHS: the `<module>__<test>` prefix of a history recorded
before the patch (no marker: executions that were running when it shipped) and of one recorded
after it (the marker). Re-recording never deletes the old one (tests/replay/record.py `merge`).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from tests.replay.record import merge, old_tag, patches_of

HISTORIES = Path(__file__).parent / "histories"
WORKFLOWS = Path(__file__).parents[2] / "workflows"

# patch id → (history prefix of the old path, history prefix of the new path)
PATCH_PATHS: dict[str, tuple[str, str]] = {
    # the funding deadline / cancel asks the row first
    "escrow-guarded-close-v1": (
        "escrow_pre_guard__funding_deadline_expires",
        "escrow_workflow__funding_deadline_expires",
    ),
    # a payment signal in the first task waits for `created`
    "escrow-created-before-payment-v1": (
        "escrow_workflow__resolve_splits_and_refunds_card",
        "escrow_signal_first__",
    ),
    # payments: what arrived is applied before the expiry (a confirmation pending at the deadline)
    "payment-events-before-expiry-v1": (
        "payment_workflow__never_confirmed_expires_and_cancels",
        "payment_provider_truth__a_confirmation_pending_at_the_deadline",
    ),
    # payments: a processing payment (PayPal PENDING capture) never expires
    "payment-processing-never-expires-v1": (
        "payment_paypal_workflow__declined_capture_fails_and_never_approved",
        "payment_provider_truth__a_pending_paypal_capture_never_expires",
    ),
    # deliver follows the release policy: the payee's score no longer releases
    "escrow-release-policy-v1": (
        "escrow_workflow__score_at_threshold_releases_at_once",
        "escrow_policy__the_payee_cannot_release_to_itself",
    ),
}


def _patch_ids_in_source() -> set[str]:
    found: set[str] = set()
    for path in WORKFLOWS.glob("*.py"):
        text = path.read_text()
        constants = dict(re.findall(r'^(_?[A-Z_]+)\s*=\s*"([^"]+)"', text, re.MULTILINE))
        for arg in re.findall(r"workflow\.patched\(\s*([^)]+?)\s*\)", text):
            found.add(arg.strip("\"'") if arg[0] in "\"'" else constants[arg])
    return found


def test_every_patch_in_the_workflows_has_a_row() -> None:
    missing = _patch_ids_in_source() - set(PATCH_PATHS)
    assert not missing, f"record the old and new path of {sorted(missing)} and add them to PATCH_PATHS"


@pytest.mark.parametrize("patch_id", sorted(PATCH_PATHS))
def test_old_and_new_paths_are_recorded(patch_id: str) -> None:
    old_prefix, new_prefix = PATCH_PATHS[patch_id]
    old = [p for p in HISTORIES.glob(f"{old_prefix}*.json") if patch_id not in patches_of(p)]
    new = [p for p in HISTORIES.glob(f"{new_prefix}*.json") if patch_id in patches_of(p)]
    assert old, f"{patch_id}: no history of the old path ({old_prefix}*, without the marker)"
    assert new, f"{patch_id}: no history of the new path ({new_prefix}*, with the marker)"


# ---- the recorder keeps old histories ---------------------------------------------------------


def _history(patches: list[str], marker: str = "") -> str:
    events = [{"eventId": "1", "workflowExecutionStartedEventAttributes": {"workflowType": {"name": "W"}}}]
    for p in patches:
        data = base64.b64encode(json.dumps({"id": p, "deprecated": False}).encode()).decode()
        events.append(
            {
                "markerRecordedEventAttributes": {
                    "markerName": "core_patch",
                    "details": {"patch-data": {"payloads": [{"data": data}]}},
                }
            }
        )
    return json.dumps({"events": events, "marker": marker})


def test_merge_keeps_a_history_of_another_path_and_refreshes_the_same_path(tmp_path: Path) -> None:
    kept, scratch = tmp_path / "histories", tmp_path / "scratch"
    kept.mkdir()
    scratch.mkdir()
    name = "mod__a_test__1_W.json"
    (kept / name).write_text(_history([], "recorded before the patch"))
    (kept / "other__t__1_W.json").write_text(_history([]))
    (kept / "billing_x.json").write_text(_history([]))
    (scratch / name).write_text(_history(["p-v1"], "after"))
    assert merge([scratch / name], kept) == {"pruned": 0, "added": 0, "refreshed": 0, "kept_old": 1}
    old = kept / f"mod__a_test__1_W__{old_tag(frozenset())}.json"
    assert json.loads(old.read_text())["marker"] == "recorded before the patch"
    assert patches_of(kept / name) == {"p-v1"}
    assert (kept / "other__t__1_W.json").exists()  # another module's history: untouched
    # The same path recorded again: refreshed in place, the old-path history still kept.
    (scratch / name).write_text(_history(["p-v1"], "again"))
    assert merge([scratch / name], kept)["refreshed"] == 1
    assert json.loads((kept / name).read_text())["marker"] == "again" and old.exists()
    # Deleting is deliberate: --prune MODULE.
    assert merge([], kept, prune=frozenset({"mod"}))["pruned"] == 2
    assert sorted(p.name for p in kept.iterdir()) == ["billing_x.json", "other__t__1_W.json"]
