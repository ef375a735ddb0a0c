"""A fault-injecting HTTP reverse proxy in front of a provider stand-in (localstripe).

    proxy = FaultProxy(localstripe_base).start()      # its own thread and event loop
    proxy.inject(Fault("lost_500", "POST", r"^/v1/refunds$", match=lambda r: r.form.get(...) == ...))
    ... point MESHPAY_STRIPE_API_BASE (or the provider) at proxy.base ...
    proxy.seen                                        # every request: method, path, Idempotency-Key
    proxy.stop()

Faults (each armed for `times` matching requests, then the proxy passes requests through):
- error_500:    answer 500 without forwarding (the provider failed; nothing happened there)
- timeout:      hold the request without forwarding, then close (the client times out first)
- slow:         wait `delay` seconds, then forward and answer normally
- lost_500:     forward (it happens at the provider), then answer 500: the success is lost
- lost_drop:    forward, then close the connection without any answer
- lost_timeout: forward, then hold the answer until the client gives up

It runs in its own thread so synchronous callers in the test (the stripe SDK, httpx) never block
the loop that serves the worker's requests. HTTP/1.1 with keep-alive and Content-Length bodies,
which is what the stripe SDK sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import httpx

ACTIONS = ("error_500", "timeout", "slow", "lost_500", "lost_drop", "lost_timeout")
_ERROR = b'{"error": {"type": "api_error", "message": "injected fault"}}'


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    form: dict[str, str]  # the form-encoded body (stripe: metadata[payment_id]=...)
    idempotency_key: str | None
    fault: str | None = None  # the fault injected into this request, if any
    status: int | None = None  # what the provider answered (None: never forwarded)


@dataclass
class Fault:
    action: str
    method: str
    path: str  # a regular expression matched against the path
    times: int = 1
    delay: float = 3.0  # timeout/lost_timeout: how long to hold; slow: the delay before forwarding
    match: Callable[[Request], bool] | None = None
    hits: int = 0

    def __post_init__(self) -> None:
        assert self.action in ACTIONS, self.action

    def wants(self, req: Request) -> bool:
        return (
            self.hits < self.times
            and req.method == self.method
            and re.search(self.path, req.path) is not None
            and (self.match is None or self.match(req))
        )


@dataclass
class FaultProxy:
    upstream: str
    seen: list[Request] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- control (any thread) ------------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def requests(self, method: str | None = None, path: str | None = None) -> list[Request]:
        with self._lock:
            return [
                r
                for r in self.seen
                if (method is None or r.method == method) and (path is None or re.search(path, r.path))
            ]

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "the fault proxy did not start"
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the server (its own loop) ---------------------------------------------------------------

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._http = httpx.AsyncClient(base_url=self.upstream, timeout=30)
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()
        await self._http.aclose()

    def _pick(self, req: Request) -> Fault | None:
        with self._lock:
            self.seen.append(req)
            for f in self.faults:
                if f.wants(req):
                    f.hits += 1
                    req.fault = f.action
                    return f
        return None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers: list[tuple[str, str]] = []
                for line in lines[1:]:
                    if line:
                        k, v = line.split(":", 1)
                        headers.append((k.strip(), v.strip()))
                hmap = {k.lower(): v for k, v in headers}
                body = await reader.readexactly(int(hmap.get("content-length", "0")))
                url = urlsplit(target)
                form = dict(parse_qsl(body.decode(), keep_blank_values=True)) if body else {}
                req = Request(method, url.path, dict(parse_qsl(url.query)), form, hmap.get("idempotency-key"))
                if not await self._answer(req, target, headers, body, writer):
                    return
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # the proxy is stopping with a request still held
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(
        self,
        req: Request,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Serve one request; False when the connection is to be dropped."""
        fault = self._pick(req)
        action = fault.action if fault else None
        if action == "error_500":
            await _write(writer, 500, [("Content-Type", "application/json")], _ERROR)
            return True
        if action == "timeout":
            await asyncio.sleep(fault.delay)  # type: ignore[union-attr]
            return False
        if action == "slow":
            await asyncio.sleep(fault.delay)  # type: ignore[union-attr]
        skip = {"host", "content-length", "connection", "accept-encoding"}
        upstream = await self._http.request(
            req.method,
            target,
            content=body,
            headers=[(k, v) for k, v in headers if k.lower() not in skip],
        )
        req.status = upstream.status_code
        if action == "lost_500":
            await _write(writer, 500, [("Content-Type", "application/json")], _ERROR)
            return True
        if action == "lost_drop":
            return False
        if action == "lost_timeout":
            await asyncio.sleep(fault.delay)  # type: ignore[union-attr]
            return False
        drop = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        out = [(k, v) for k, v in upstream.headers.items() if k.lower() not in drop]
        await _write(writer, upstream.status_code, out, upstream.content)
        return True


async def _write(
    writer: asyncio.StreamWriter, status: int, headers: list[tuple[str, str]], body: bytes
) -> None:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers]
    lines += [f"Content-Length: {len(body)}", "Connection: keep-alive", "", ""]
    writer.write("\r\n".join(lines).encode("latin-1") + body)
    await writer.drain()
