"""The reconciler on demand: `POST /admin/reconcile` runs the sweep (ReconcileWorkflow, on the
worker: the API never calls a provider) and answers its report. Admins only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.deps import AdminPrincipal, SettingsDep, TemporalDep
from api.errors import ApiError
from api.exact_json import ExactJSONRoute
from api.schemas.common import ERROR_RESPONSES
from contracts.reconcile import RECONCILE_WORKFLOW, ReconcileInput, ReconcileReport

router = APIRouter(tags=["reconciliation"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)
_WAIT = timedelta(minutes=3)


class DifferenceOut(BaseModel):
    kind: str
    provider: str
    object_id: str
    payment_id: str
    detail: str
    fixed: bool


class ReconcileReportOut(BaseModel):
    since: str
    checked: int
    differences: list[DifferenceOut]
    unresolved: int


def _since(value: str | None) -> str:
    if value is None:
        return ""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_since", "since must be an ISO 8601 time", param="since") from None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()


_PARAMS = frozenset({"since", "fix"})


@router.post("/admin/reconcile", response_model=ReconcileReportOut)
async def reconcile(
    request: Request,
    _admin: AdminPrincipal,
    client: TemporalDep,
    settings: SettingsDep,
    since: Annotated[str | None, Query(max_length=40, description="ISO 8601; default: the lookback")] = None,
    fix: Annotated[bool, Query(description="start the repair of safe differences")] = True,
) -> ReconcileReportOut:
    unknown = sorted(set(request.query_params) - _PARAMS)
    if unknown:  # a misspelt option must not silently run a full sweep with the defaults
        raise ApiError(422, "unknown_parameter", f"unknown query parameter {unknown[0]!r}", param=unknown[0])
    report: ReconcileReport = await client.execute_workflow(
        RECONCILE_WORKFLOW,
        ReconcileInput(_since(since), settings.reconcile_lookback_hours, fix),
        id=f"reconcile-{uuid.uuid4().hex[:16]}",
        task_queue=settings.task_queue,
        result_type=ReconcileReport,
        execution_timeout=_WAIT,
    )
    return ReconcileReportOut(
        since=report.since,
        checked=report.checked,
        differences=[DifferenceOut(**d.__dict__) for d in report.differences],
        unresolved=len(report.unresolved),
    )
