"""Every workflow and activity the worker runs. Tests build their workers from this too.

Each area appends its own entries (one line per area) so areas do not edit each other's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities.deps import Deps


def workflows() -> list[type]:
    found: list[type] = []
    # credits
    # payments
    found.append(__import__("workflows.escrow", fromlist=["_"]).EscrowWorkflow)  # escrow
    # pricing
    # billing
    return found


def activities(deps: Deps) -> list[Callable[..., Any]]:
    found: list[Callable[..., Any]] = []
    # credits
    # payments
    found += __import__("activities.escrow", fromlist=["_"]).EscrowActivities(deps).all()  # escrow
    # pricing
    # billing
    return found
