"""The one way the API and activities talk to Temporal: connect, start, execute, signal, update, query.

Every call carries an `rpc_timeout`, and every failure leaves in one of three shapes:
- transient (Temporal unavailable, deadline exceeded, resource exhausted, or our own bounded wait
  ran out) → `TemporalUnavailable`: 503 with `Retry-After` and a generic message. The change may
  have been applied: the caller retries with the same Idempotency-Key, and the derived workflow and
  update ids make that retry find the first attempt instead of starting a second one;
- the workflow has closed or never existed → the caller's `closed` error (409 unless it chose one);
- a refusal the workflow sent back (an Update validator, a handler, a failed workflow) → the
  `DomainError` its ApplicationError names (type, code, param), else the caller's `refused` class.

Names come from contracts/ (workflows/ are not imported here: the import contracts forbid it).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import TypedSearchAttributes, WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from config import temporal
from config.settings import Settings
from domain import errors

T = TypeVar("T")

# One RPC's deadline: a healthy frontend answers in milliseconds (an Update round trip ~8.5 ms here).
RPC_TIMEOUT = timedelta(seconds=5)
# How long a request may wait for an Update or a short workflow before answering 503 "retry": the
# work goes on in the workflow; the retry (same key → same update id) picks up its outcome.
UPDATE_WAIT_SECONDS = 10.0
RETRY_AFTER_SECONDS = 2

_TRANSIENT = frozenset(
    {
        RPCStatusCode.UNAVAILABLE,
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.RESOURCE_EXHAUSTED,
        RPCStatusCode.CANCELLED,
        RPCStatusCode.ABORTED,
    }
)

DOMAIN_ERRORS: dict[str, type[errors.DomainError]] = {
    cls.__name__: cls
    for cls in (
        errors.InvalidAmount,
        errors.UnknownCurrency,
        errors.CurrencyMismatch,
        errors.UnbalancedTransaction,
        errors.InsufficientFunds,
        errors.InvalidState,
        errors.Conflict,
        errors.NotFound,
        errors.Forbidden,
    )
}


class TemporalUnavailable(errors.DomainError):
    """Temporal did not answer (or not in time). Never carries the raw exception text."""

    code = "temporarily_unavailable"
    kind = "unavailable"
    status = 503

    def __init__(
        self,
        message: str = "the service is temporarily unavailable; retry with the same Idempotency-Key",
        *,
        retry_after: int = RETRY_AFTER_SECONDS,
    ) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)}


class WorkflowClosed(errors.InvalidState):
    code = "workflow_closed"


# What to raise when the workflow has closed: an error, or a zero-argument factory of one.
ErrorOrFactory = errors.DomainError | Callable[[], errors.DomainError]
# What to raise for a refusal that names no domain error: called with the refusal's message.
Refusal = Callable[[str], errors.DomainError]


def derived_id(principal_id: str, idempotency_key: str, purpose: str, *, length: int = 32) -> str:
    """A stable id for what a caller's key asked for: the same (principal, key, purpose) gives the
    same id after a lost answer, a 503 or a killed API process, so a retry finds the first attempt."""
    raw = f"{principal_id}\x1f{idempotency_key}\x1f{purpose}".encode()
    return hashlib.sha256(raw).hexdigest()[:length]


async def connect(settings: Settings, *, interceptors: Sequence[Any] = (), timeout: float = 5.0) -> Client:
    """The API's client, through config.temporal's one connect (TLS, API key); unreachable → 503."""
    try:
        return await asyncio.wait_for(temporal.connect(settings, interceptors=interceptors), timeout=timeout)
    except Exception as exc:
        raise TemporalUnavailable() from exc


# --- the five kinds of call ------------------------------------------------------------------------


async def start(
    client: Client,
    workflow: str,
    arg: Any,
    *,
    id: str,
    task_queue: str,
    id_reuse_policy: WorkflowIDReusePolicy = WorkflowIDReusePolicy.REJECT_DUPLICATE,
    id_conflict_policy: WorkflowIDConflictPolicy = WorkflowIDConflictPolicy.USE_EXISTING,
    search_attributes: TypedSearchAttributes | None = None,
    start_signal: str | None = None,
    start_signal_args: Sequence[Any] = (),
    exists: ErrorOrFactory | None = None,
) -> bool:
    """Start `workflow` as `id`; True if this call started (or attached to) it, False if the id is
    taken by a run the reuse/conflict policy refuses (or raise `exists` if the caller gave one).
    With the default USE_EXISTING, a retry of the same start attaches to the running workflow."""
    try:
        await client.start_workflow(
            workflow,
            arg,
            id=id,
            task_queue=task_queue,
            id_reuse_policy=id_reuse_policy,
            id_conflict_policy=id_conflict_policy,
            search_attributes=search_attributes,
            start_signal=start_signal,
            start_signal_args=start_signal_args,
            rpc_timeout=RPC_TIMEOUT,
        )
    except WorkflowAlreadyStartedError:
        if exists is not None:
            raise _make(exists) from None
        return False
    except (RPCError, RPCTimeoutOrCancelledError) as exc:
        raise _mapped(exc, None) from exc
    return True


async def execute(
    client: Client,
    workflow: str,
    arg: Any,
    *,
    id: str,
    task_queue: str,
    result_type: type[T],
    id_reuse_policy: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    wait: float = UPDATE_WAIT_SECONDS,
    refused: Refusal = errors.Conflict,
) -> T:
    """Start (or find) a short workflow and wait, at most `wait` seconds, for its result. A repeat
    with the same id attaches to the first run (running or completed) instead of starting anew."""
    await start(client, workflow, arg, id=id, task_queue=task_queue, id_reuse_policy=id_reuse_policy)
    handle: WorkflowHandle[Any, T] = client.get_workflow_handle(id, result_type=result_type)
    try:
        return await asyncio.wait_for(handle.result(rpc_timeout=timedelta(seconds=wait)), timeout=wait)
    except WorkflowFailureError as exc:
        raise _refusal(exc, refused) from exc
    except (RPCError, RPCTimeoutOrCancelledError, TimeoutError) as exc:
        raise _mapped(exc, None) from exc


async def signal(
    client: Client,
    workflow_id: str,
    name: str,
    arg: Any = None,
    *,
    closed: ErrorOrFactory | None = None,
) -> bool:
    """Signal a workflow. False when it has closed (or raise `closed` if the caller gave one)."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        if arg is None:
            await handle.signal(name, rpc_timeout=RPC_TIMEOUT)
        else:
            await handle.signal(name, arg, rpc_timeout=RPC_TIMEOUT)
    except (RPCError, RPCTimeoutOrCancelledError) as exc:
        if _is_closed(exc) and closed is None:
            return False
        raise _mapped(exc, closed) from exc
    return True


async def update(
    client: Client,
    workflow_id: str,
    name: str,
    arg: Any = None,
    *,
    result_type: type[T],
    update_id: str | None = None,
    wait: float = UPDATE_WAIT_SECONDS,
    closed: ErrorOrFactory | None = None,
    refused: Refusal = errors.InvalidState,
) -> T:
    """Run an Update and wait for its outcome, at most `wait` seconds. `update_id` (derived from the
    caller's Idempotency-Key) makes Temporal apply a retried Update once and answer it again."""
    handle = client.get_workflow_handle(workflow_id)
    args = [] if arg is None else [arg]
    try:
        return await asyncio.wait_for(
            handle.execute_update(
                name, args=args, id=update_id, result_type=result_type, rpc_timeout=timedelta(seconds=wait)
            ),
            timeout=wait + 1,
        )
    except WorkflowUpdateFailedError as exc:
        raise _refusal(exc, refused) from exc
    except (RPCError, RPCTimeoutOrCancelledError, TimeoutError) as exc:
        raise _mapped(exc, closed) from exc


async def query(client: Client, workflow_id: str, name: str, *, result_type: type[T]) -> T | None:
    """A workflow's answer to a query; None when the workflow has closed or does not exist (the
    caller reads the database's mirror then)."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.query(name, result_type=result_type, rpc_timeout=RPC_TIMEOUT)
    except (RPCError, RPCTimeoutOrCancelledError) as exc:
        if _is_closed(exc):
            return None
        raise _mapped(exc, None) from exc


# --- the one mapping --------------------------------------------------------------------------------


def _is_closed(exc: BaseException) -> bool:
    return isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND


def _mapped(exc: BaseException, closed: ErrorOrFactory | None) -> Exception:
    if _is_closed(exc):
        return _make(closed) if closed is not None else WorkflowClosed("the workflow has already finished")
    if isinstance(exc, RPCTimeoutOrCancelledError | TimeoutError):
        return TemporalUnavailable()
    if isinstance(exc, RPCError) and exc.status in _TRANSIENT:
        return TemporalUnavailable()
    return exc if isinstance(exc, Exception) else RuntimeError("temporal call failed")


def _refusal(exc: BaseException, refused: Refusal) -> errors.DomainError:
    """The DomainError an ApplicationError in the failure's cause chain names (with its code and
    param); any other refusal (a validator's ValueError, a provider's decline) → `refused(message)`."""
    app = application_error(exc)
    if app is None:
        return refused("the request was refused")
    cls = DOMAIN_ERRORS.get(app.type or "")
    if cls is None:
        return refused(app.message)
    code, param = _code_param(app)
    return cls(app.message, code=code, param=param)


def application_error(exc: BaseException) -> ApplicationError | None:
    cur: BaseException | None = exc
    while cur is not None:
        if isinstance(cur, ApplicationError):
            return cur
        cur = getattr(cur, "cause", None) or cur.__cause__
    return None


def _code_param(app: ApplicationError) -> tuple[str | None, str | None]:
    first = app.details[0] if app.details else None
    if isinstance(first, dict):
        return first.get("code"), first.get("param")
    if isinstance(first, str):
        return first, None
    return None, None


def _make(err: ErrorOrFactory) -> errors.DomainError:
    return err() if callable(err) else err
