"""One shared Temporal client, connected on first use so the API can start before Temporal is up."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client

from api.errors import ApiError


class TemporalHolder:
    def __init__(
        self,
        address: str,
        namespace: str,
        client: Client | None = None,
        *,
        interceptors: list[Any] | None = None,
    ) -> None:
        self.address, self.namespace = address, namespace
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
                        Client.connect(
                            self.address, namespace=self.namespace, interceptors=self._interceptors
                        ),
                        timeout=5,
                    )
                except Exception as exc:
                    raise ApiError(
                        503, "temporal_unavailable", f"Temporal is not reachable: {exc}", type_="api_error"
                    ) from exc
        return self._client
