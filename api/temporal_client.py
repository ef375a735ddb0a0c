"""One shared Temporal client, connected on first use so the API can start before Temporal is up."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from temporalio.client import Client

from api.errors import ApiError
from config import temporal
from config.settings import Settings

log = logging.getLogger("meshpay.api")


class TemporalHolder:
    def __init__(
        self, settings: Settings, client: Client | None = None, *, interceptors: list[Any] | None = None
    ) -> None:
        self.settings = settings
        self.address, self.namespace = settings.temporal_address, settings.temporal_namespace
        self._client = client
        self._interceptors = interceptors or []
        self._lock = asyncio.Lock()

    async def get(self) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await asyncio.wait_for(
                        temporal.connect(self.settings, interceptors=self._interceptors), timeout=5
                    )
                except Exception as exc:
                    # The cause goes to our log, never to the caller: it names hosts, ports and
                    # library internals.
                    log.warning("Temporal is not reachable at %s: %r", self.address, exc)
                    raise ApiError(
                        503,
                        "temporal_unavailable",
                        "the workflow service is unavailable; retry later",
                        type_="api_error",
                        headers={"Retry-After": "5"},
                    ) from exc
        return self._client
