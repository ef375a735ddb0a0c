"""Credits requests and responses. Amounts are CREDIT decimal strings ("12.5000")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import AmountIn, DateTimeIn, StrictModel

UserId = Field(min_length=1, max_length=100)
Reference = Field(min_length=1, max_length=120, pattern=r"^[\x21-\x7e]+$")


class GrantIn(StrictModel):
    user_id: str = UserId
    amount: AmountIn
    reason: str = Field(min_length=1, max_length=300)
    expires_at: DateTimeIn | None = None
    reference: str | None = Field(
        None, min_length=1, max_length=120, description="idempotency within the user"
    )


class GrantOut(BaseModel):
    id: int
    lot_id: int | None
    user_id: str
    amount: str
    currency: str = "CREDIT"
    expires_at: datetime | None
    reference: str
    transaction_id: str
    created: bool


class DeductIn(StrictModel):
    user_id: str = UserId
    amount: AmountIn
    reference: str = Field(
        min_length=1,
        max_length=120,
        pattern=r"^[\x21-\x7e]+$",
        description="idempotency within the caller: the same reference never deducts twice",
    )
    description: str | None = Field(None, max_length=300)
    mandate_id: str | None = Field(
        None, min_length=1, max_length=40, description="required for agents: the user's mandate to this agent"
    )
    agent_id: str | None = Field(
        None, min_length=1, max_length=100, description="services: the agent this charge pays for"
    )
    run_id: str | None = Field(
        None, min_length=1, max_length=120, pattern=r"^[\x21-\x7e]+$", description="the orchestration run"
    )
    contract_id: str | None = Field(
        None, min_length=1, max_length=100, description="the contract, for a mandate scoped to one"
    )


class DeductOut(BaseModel):
    id: int
    user_id: str
    reference: str
    amount: str
    balance: str = Field(description="available balance right after this deduction")
    currency: str = "CREDIT"
    transaction_id: str
    created_at: datetime
    agent_id: str | None = None
    mandate_id: str | None = None
    run_id: str | None = None


class PrincipalRef(StrictModel):
    role: Literal["agent", "service", "admin"]
    id: str = Field(min_length=1, max_length=100)


class RefundIn(StrictModel):
    user_id: str = UserId
    reference: str = Reference
    amount: AmountIn | None = Field(None, description="omit to refund everything not yet refunded")
    refund_reference: str | None = Field(
        None, min_length=1, max_length=120, description="makes the refund idempotent; default: a new refund"
    )
    deducted_by: PrincipalRef | None = Field(
        None, description="services and admins: who made the deduct (default: the caller)"
    )


class RefundOut(BaseModel):
    id: int
    user_id: str
    reference: str
    refund_reference: str
    amount: str
    refunded_total: str
    currency: str = "CREDIT"
    transaction_id: str
    created: bool


class Expiring(BaseModel):
    amount: str
    expires_at: datetime


class BalanceOut(BaseModel):
    user_id: str
    balance: str
    currency: str = "CREDIT"
    expiring: list[Expiring]
    next_expiry: datetime | None


class EntryOut(BaseModel):
    id: str
    type: str
    amount: str = Field(description="signed: + into the wallet, - out of it")
    balance: str = Field(description="running wallet balance after this entry")
    reference: str | None
    description: str | None
    transaction_id: str
    created_at: datetime
    agent_id: str | None = Field(None, description="deducts and their refunds: the agent paid for")
    mandate_id: str | None = None
    run_id: str | None = None


class StatsOut(BaseModel):
    user_id: str
    currency: str = "CREDIT"
    period_from: datetime | None = Field(alias="from")
    period_to: datetime | None = Field(alias="to")
    purchased: str
    rewarded: str
    spent: str
    refunded: str
    expired: str
    adjusted: str
    balance: str

    model_config = {"populate_by_name": True}


class AgentCostOut(BaseModel):
    agent_id: str | None
    charges: int
    spent: str
    refunded: str
    net: str


class ByAgentOut(BaseModel):
    user_id: str
    currency: str = "CREDIT"
    period_from: datetime | None = Field(alias="from")
    period_to: datetime | None = Field(alias="to")
    group_by: Literal["agent"] = "agent"
    data: list[AgentCostOut]

    model_config = {"populate_by_name": True}


class ExecutionOut(BaseModel):
    id: str
    user_id: str
    agent_id: str | None
    mandate_id: str | None
    reference: str | None
    amount: str = Field(description="deducted (positive)")
    refunded: str
    transaction_id: str
    created_at: datetime


class ExecutionPage(BaseModel):
    data: list[ExecutionOut]
    has_more: bool
    next_cursor: str | None


class RunCostOut(BaseModel):
    run_id: str
    currency: str = "CREDIT"
    charges: int
    spent: str
    refunded: str
    net: str
    agents: list[AgentCostOut]
    executions: ExecutionPage


class SettingsIn(StrictModel):
    user_id: str | None = Field(None, max_length=100, description="admins only: whose settings")
    low_balance_threshold: AmountIn | None = Field(None, description="null: back to the platform default")


class SettingsOut(BaseModel):
    user_id: str
    low_balance_threshold: str | None


class LowBalanceEventOut(BaseModel):
    id: int
    user_id: str
    threshold: str
    balance: str
    created_at: datetime
