"""A worker interceptor that binds the activity's workflow id, run id, type and attempt to every log
line written while it runs (structlog contextvars), whichever logger writes it."""

from __future__ import annotations

from typing import Any

from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from config.logging import bound


class _BindActivity(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        with bound(
            workflow_id=info.workflow_id,
            run_id=info.workflow_run_id,
            activity_type=info.activity_type,
            attempt=info.attempt,
        ):
            return await super().execute_activity(input)


class LogContextInterceptor(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _BindActivity(super().intercept_activity(next))
