"""The API floor: bare FastAPI that only checks the bearer token with the project's own auth code.

`uvicorn bench.floor_app:app` — no middleware, no database, no Temporal. Every authenticated
endpoint of meshpay does at least this much, so its latency and throughput are the floor the
project's HTTP rows are divided by.
"""

from __future__ import annotations

from fastapi import FastAPI, Header, HTTPException

from api.auth import AuthError, principal_from_header
from config.settings import get_settings

_settings = get_settings()
app = FastAPI()


@app.get("/floor")
async def floor(authorization: str | None = Header(None)) -> dict[str, str]:
    try:
        principal = principal_from_header(authorization, _settings.jwt_secret, _settings.jwt_audience)
    except AuthError as exc:
        raise HTTPException(401, exc.message) from None
    return {"id": principal.id, "role": principal.role.value}
