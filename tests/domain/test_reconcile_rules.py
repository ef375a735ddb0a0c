"""What reconciling one payment does, from our status and the provider's (services.reconcile.decide)."""

from __future__ import annotations

import pytest

from contracts.reconcile import CLEAN, COMPLETED, ENDED, IN_FLIGHT, UNRESOLVED
from domain import payments as rules
from domain.errors import InvalidState
from services.reconcile import decide


@pytest.mark.parametrize(
    ("ours", "provider", "running", "want"),
    [
        # The provider captured.
        ("completed", "succeeded", False, CLEAN),
        ("requires_action", "succeeded", True, IN_FLIGHT),  # the workflow will complete it
        ("requires_action", "succeeded", False, COMPLETED),  # its workflow is gone
        ("expired", "succeeded", False, COMPLETED),  # captured after we gave up: never dropped
        ("cancelled", "succeeded", False, COMPLETED),
        ("failed", "succeeded", False, COMPLETED),
        # The provider did not capture.
        ("completed", "canceled", False, UNRESOLVED),  # the ledger holds money never captured
        ("completed", "requires_action", False, UNRESOLVED),
        ("expired", "canceled", False, CLEAN),
        ("processing", "failed", True, IN_FLIGHT),
        ("processing", "failed", False, ENDED),
        ("expired", "processing", False, IN_FLIGHT),  # a PENDING capture: wait for the final word
        ("expired", "requires_action", False, CLEAN),  # nothing captured, nothing to do
        ("requires_action", "requires_action", True, IN_FLIGHT),
    ],
)
def test_decide(ours: str, provider: str, running: bool, want: str) -> None:
    assert decide(ours, provider, workflow_running=running) == want


def test_only_reconciliation_turns_a_given_up_payment_into_a_success() -> None:
    for given_up in rules.LATE_SUCCESS_FROM:
        with pytest.raises(InvalidState):
            rules.check_move(given_up, "completed")
        rules.check_late_success(given_up, "completed")
        with pytest.raises(InvalidState):
            rules.check_late_success(given_up, "processing")  # only to a success
    with pytest.raises(InvalidState):
        rules.check_late_success("underpaid", "completed")  # crypto's own end state stays final
