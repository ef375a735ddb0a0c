"""One shared Temporal client, connected on first use so the API can start before Temporal is up."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client

from config.settings import Settings
from services import temporal_gateway as gateway


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
        """The client; TemporalUnavailable (503 + Retry-After) while Temporal cannot be reached."""
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                self._client = await gateway.connect(self.settings, interceptors=self._interceptors)
        return self._client
