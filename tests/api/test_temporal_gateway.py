"""The one error mapping of services.temporal_gateway, with a fake Temporal client: transient →
TemporalUnavailable (503 + Retry-After, generic message), closed → the caller's error (409 by
default), a refusal → the domain error its ApplicationError names, or the caller's refusal."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import RPCTimeoutOrCancelledError, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import install_error_handlers
from domain import errors
from services import temporal_gateway as gateway


class FakeHandle:
    def __init__(self, fail: BaseException | None = None, *, result: Any = "ok", delay: float = 0) -> None:
        self.fail, self.result_value, self.delay = fail, result, delay
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def _answer(self, kind: str, **kw: Any) -> Any:
        self.calls.append((kind, kw))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return self.result_value

    async def execute_update(self, name: str, **kw: Any) -> Any:
        return await self._answer("update", name=name, **kw)

    async def signal(self, name: str, *args: Any, **kw: Any) -> Any:
        return await self._answer("signal", name=name, **kw)

    async def query(self, name: str, **kw: Any) -> Any:
        return await self._answer("query", name=name, **kw)

    async def result(self, **kw: Any) -> Any:
        return await self._answer("result", **kw)


class FakeClient:
    def __init__(self, handle: FakeHandle, start_fail: BaseException | None = None) -> None:
        self.handle, self.start_fail = handle, start_fail
        self.started: list[dict[str, Any]] = []

    def get_workflow_handle(self, workflow_id: str, **_: Any) -> FakeHandle:
        return self.handle

    async def start_workflow(self, workflow: str, arg: Any, **kw: Any) -> FakeHandle:
        self.started.append(kw)
        if self.start_fail is not None:
            raise self.start_fail
        return self.handle


def rpc(status: RPCStatusCode, message: str = "secret internals at 10.0.0.7:7233") -> RPCError:
    return RPCError(message, status, b"")


def update_failed(app: ApplicationError) -> WorkflowUpdateFailedError:
    return WorkflowUpdateFailedError(app)


@pytest.mark.parametrize(
    "status", [RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.RESOURCE_EXHAUSTED]
)
@pytest.mark.parametrize("kind", ["start", "signal", "update", "query"])
async def test_transient_errors_become_unavailable_for_every_kind_of_call(
    status: RPCStatusCode, kind: str
) -> None:
    handle = FakeHandle(rpc(status))
    client: Any = FakeClient(handle, start_fail=rpc(status))
    with pytest.raises(gateway.TemporalUnavailable) as caught:
        if kind == "start":
            await gateway.start(client, "W", None, id="w-1", task_queue="q")
        elif kind == "signal":
            await gateway.signal(client, "w-1", "s")
        elif kind == "update":
            await gateway.update(client, "w-1", "u", result_type=str)
        else:
            await gateway.query(client, "w-1", "q", result_type=str)
    assert caught.value.status == 503
    assert caught.value.headers["Retry-After"].isdigit()
    assert "10.0.0.7" not in caught.value.message


async def test_every_call_carries_an_rpc_timeout() -> None:
    handle = FakeHandle()
    client: Any = FakeClient(handle)
    await gateway.start(client, "W", None, id="w-1", task_queue="q")
    await gateway.signal(client, "w-1", "s")
    await gateway.update(client, "w-1", "u", result_type=str, update_id="upd-1")
    await gateway.query(client, "w-1", "q", result_type=str)
    assert client.started[0]["rpc_timeout"] is not None
    assert all(kw.get("rpc_timeout") is not None for _, kw in handle.calls)
    assert handle.calls[1][1]["id"] == "upd-1"  # the Update id reaches Temporal (dedupe)


async def test_closed_workflow_is_the_callers_error_or_409() -> None:
    client: Any = FakeClient(FakeHandle(rpc(RPCStatusCode.NOT_FOUND, "workflow execution already completed")))
    with pytest.raises(gateway.WorkflowClosed) as default:
        await gateway.update(client, "w-1", "u", result_type=str)
    assert default.value.status == 409
    chosen = errors.InvalidState("the payment has already finished", code="payment_invalid_state")
    with pytest.raises(errors.InvalidState) as caught:
        await gateway.signal(client, "w-1", "s", closed=chosen)
    assert caught.value is chosen
    assert await gateway.signal(client, "w-1", "s") is False  # no error chosen: the caller is told
    assert await gateway.query(client, "w-1", "q", result_type=str) is None


async def test_a_validator_rejection_comes_back_as_its_domain_error() -> None:
    refusal = ApplicationError(
        "only the payer may fund",
        {"code": "escrow_forbidden", "param": None, "status": 403},
        type="Forbidden",
        non_retryable=True,
    )
    client: Any = FakeClient(FakeHandle(update_failed(refusal)))
    with pytest.raises(errors.Forbidden) as caught:
        await gateway.update(client, "w-1", "fund", result_type=str)
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        403,
        "escrow_forbidden",
        "only the payer may fund",
    )


async def test_a_refusal_naming_no_domain_error_uses_the_callers_refusal() -> None:
    plain = ApplicationError("the payment is already completed", type="ValueError")
    client: Any = FakeClient(FakeHandle(update_failed(plain)))
    with pytest.raises(errors.InvalidState) as caught:
        await gateway.update(
            client,
            "w-1",
            "confirm",
            result_type=str,
            refused=lambda m: errors.InvalidState(f"cannot confirm: {m}", code="payment_invalid_state"),
        )
    assert caught.value.code == "payment_invalid_state"
    assert caught.value.message == "cannot confirm: the payment is already completed"


async def test_a_failed_short_workflow_is_its_refusal() -> None:
    declined = ApplicationError("refund refused", "refund_refused", type="ProviderDeclined")
    failure = WorkflowFailureError(cause=declined)
    client: Any = FakeClient(FakeHandle(failure))
    with pytest.raises(errors.Conflict) as caught:
        await gateway.execute(
            client,
            "RefundWorkflow",
            None,
            id="refund-1",
            task_queue="q",
            result_type=str,
            refused=lambda m: errors.Conflict(m, code="refund_failed"),
        )
    assert caught.value.code == "refund_failed"


async def test_an_update_that_outlasts_its_wait_is_a_503_not_a_held_request() -> None:
    client: Any = FakeClient(FakeHandle(delay=5))
    started = asyncio.get_running_loop().time()
    with pytest.raises(gateway.TemporalUnavailable):
        await gateway.update(client, "w-1", "confirm", result_type=str, wait=0.2)
    assert asyncio.get_running_loop().time() - started < 2
    client = FakeClient(FakeHandle(RPCTimeoutOrCancelledError("update poll timed out")))
    with pytest.raises(gateway.TemporalUnavailable):
        await gateway.update(client, "w-1", "confirm", result_type=str)


async def test_the_api_answers_503_with_retry_after_and_a_generic_message() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/x")
    async def x() -> None:
        client: Any = FakeClient(FakeHandle(rpc(RPCStatusCode.UNAVAILABLE)))
        await gateway.update(client, "w-1", "u", result_type=str)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post("/x")
    assert r.status_code == 503
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["error"]["code"] == "temporarily_unavailable"
    assert "10.0.0.7" not in r.text


def test_derived_ids_are_stable_and_scoped() -> None:
    a = gateway.derived_id("user_1", "key-1", "payments.create")
    assert a == gateway.derived_id("user_1", "key-1", "payments.create")
    assert a != gateway.derived_id("user_2", "key-1", "payments.create")  # another principal
    assert a != gateway.derived_id("user_1", "key-1", "escrow.refund:ct_1")  # another operation
    assert a != gateway.derived_id("user_1", "key-2", "payments.create")
