"""The one way meshpay connects to Temporal (API, worker, CLI, gateway): address, namespace, TLS /
mTLS and API key from Settings, passed to the SDK's own `Client.connect(tls=..., api_key=...)`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from config.settings import Settings


def _read(path: str) -> bytes | None:
    return Path(path).read_bytes() if path else None


def tls_config(settings: Settings) -> TLSConfig | bool:
    """False for plaintext (the dev server); otherwise the SDK's TLSConfig, read from the PEM files."""
    if not settings.temporal_uses_tls:
        return False
    return TLSConfig(
        server_root_ca_cert=_read(settings.temporal_tls_server_ca_path),
        domain=settings.temporal_tls_server_name or None,
        client_cert=_read(settings.temporal_tls_client_cert_path),
        client_private_key=_read(settings.temporal_tls_client_key_path),
    )


def connect_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Client.connect(settings.temporal_address, **connect_options(settings))`."""
    return {
        "namespace": settings.temporal_namespace,
        "tls": tls_config(settings),
        "api_key": settings.temporal_api_key or None,
    }


async def connect(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    interceptors: Sequence[Any] = (),
    attempts: int = 1,
    timeout: float | None = None,
) -> Client:
    """Connect, retrying `attempts` times a second apart (a dev server may still be starting)."""
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            return await Client.connect(
                settings.temporal_address,
                runtime=runtime,
                interceptors=list(interceptors),
                connect_timeout=timedelta(seconds=timeout) if timeout else None,
                **connect_options(settings),
            )
        except Exception as exc:  # connection refused, TLS or auth failure: all say "not reachable"
            last = exc
            if attempt + 1 < attempts:
                await asyncio.sleep(1)
    raise RuntimeError(f"could not reach Temporal at {settings.temporal_address}: {last}") from last
