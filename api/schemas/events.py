"""Events and webhook endpoints as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import StrictModel

EVENT_FILTER = r"^(\*|[a-z_]+\.(\*|[a-z_]+))$"


class EventOut(BaseModel):
    id: str
    type: str
    account_id: str
    object_type: str
    object_id: str
    data: dict[str, Any] = Field(description="the object as the API showed it when the event happened")
    created_at: datetime


class EndpointIn(StrictModel):
    url: str = Field(max_length=2000, examples=["https://example.com/meshpay/webhooks"])
    event_types: list[Any] | None = Field(
        None, max_length=100, description="types or `area.*`; omit for every event", examples=[["escrow.*"]]
    )
    all_accounts: bool = Field(False, description="every account's events (admin and service only)")
    description: str | None = Field(None, max_length=200)


class EndpointPatch(StrictModel):
    url: str | None = Field(None, max_length=2000)
    event_types: list[Any] | None = Field(None, max_length=100, description="[] or null: every event")
    enabled: bool | None = None
    description: str | None = Field(None, max_length=200)


class EndpointOut(BaseModel):
    id: str
    url: str
    event_types: list[str] | None
    all_accounts: bool
    status: str = Field(description="enabled | disabled")
    disabled_reason: str | None
    description: str | None
    created_at: datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(description="the signing secret (Standard Webhooks whsec_…), shown only here")


class AttemptOut(BaseModel):
    id: int
    event_id: str
    status_code: int | None
    error: str | None
    succeeded: bool
    duration_ms: int
    created_at: datetime


class ResendIn(StrictModel):
    event_id: str = Field(max_length=40, pattern=r"^evt_[0-9a-f]{1,36}$")


class ResendOut(BaseModel):
    delivery_id: int
    endpoint_id: str
    event_id: str
