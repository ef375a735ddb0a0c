"""Dependency aliases: SessionDep, TemporalDep, SettingsDep, CurrentPrincipal, and role guards."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.api_keys import authenticate, check_permission
from api.auth import Principal, Role
from api.errors import ApiError
from config.logging import bind
from config.settings import Settings
from db.session import SessionFactory


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_session_factory(request: Request) -> SessionFactory:
    return request.app.state.session_factory


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The unit of work of one request: commits when the handler returns, before the response."""
    async with request.app.state.session_factory() as session, session.begin():
        yield session


async def get_temporal(request: Request) -> Client:
    client = await request.app.state.temporal.get()
    return client


async def get_principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = await authenticate(request.headers.get("authorization"), request.app.state)
    check_permission(request, principal)
    bind(principal_id=principal.id, role=principal.role.value)  # this request's log lines say who
    request.state.principal = principal
    return principal


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SessionFactoryDep = Annotated[SessionFactory, Depends(get_session_factory)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[..., Any]:
    allowed = frozenset(roles)

    async def guard(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise ApiError(403, "forbidden", f"role {principal.role.value!r} may not do this")
        return principal

    return guard


AdminPrincipal = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
ServicePrincipal = Annotated[Principal, Depends(require_roles(Role.SERVICE, Role.ADMIN))]
