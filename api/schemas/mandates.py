"""Mandate requests and responses. Caps are decimal strings in the mandate's currency (CREDIT)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.common import AmountIn, DateTimeIn, StrictModel


class MandateIn(StrictModel):
    agent_id: str = Field(min_length=1, max_length=100, description="the agent allowed to charge")
    currency: str = Field("CREDIT", min_length=1, max_length=10)
    max_per_charge: AmountIn
    max_per_day: AmountIn = Field(description="per UTC day")
    max_per_month: AmountIn = Field(description="per UTC calendar month")
    contract_id: str | None = Field(None, min_length=1, max_length=100, description="only this contract")
    expires_at: DateTimeIn | None = None
    description: str | None = Field(None, max_length=300)


class MandateOut(BaseModel):
    id: str
    user_id: str
    agent_id: str
    currency: str
    max_per_charge: str
    max_per_day: str
    max_per_month: str
    contract_id: str | None
    description: str | None
    expires_at: datetime | None
    revoked_at: datetime | None
    status: str = Field(description="active | revoked | expired")
    spent_today: str = Field(description="charged under it this UTC day (refunds do not give it back)")
    spent_this_month: str
    created_at: datetime
