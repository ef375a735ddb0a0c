"""The deduct function comes from a migration: a role with DML rights only (no DDL) can deduct."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from db.session import make_engine, make_session_factory, unit_of_work
from domain import credits as rules
from services import credits
from tests.support.tokens import uid


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def dml_only_url(db_url: str) -> Iterator[str]:
    """A login role like compose's app role: it reads and writes rows, and may create nothing."""
    role = f"meshpay_app_{uuid.uuid4().hex[:8]}"
    database = make_url(db_url).database
    grants = [
        f'CREATE ROLE "{role}" LOGIN',
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    ]
    with psycopg.connect(_libpq(db_url), autocommit=True) as conn:
        for statement in grants:
            conn.execute(statement)  # type: ignore[arg-type]
    yield make_url(db_url).set(username=role, password=None).render_as_string(hide_password=False)
    with psycopg.connect(_libpq(db_url), autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')  # type: ignore[arg-type]
        conn.execute(f'DROP ROLE "{role}"')  # type: ignore[arg-type]


def test_the_migration_installed_the_function(db_url: str) -> None:
    with psycopg.connect(_libpq(db_url)) as conn:
        row = conn.execute("SELECT prolang FROM pg_proc WHERE proname = 'meshpay_credit_debit_v2'").fetchone()
        v1 = conn.execute("SELECT prolang FROM pg_proc WHERE proname = 'meshpay_credit_debit'").fetchone()
    assert row is not None
    assert v1 is None  # credits_mandates replaced it: one deduct function


async def test_an_app_role_without_ddl_rights_deducts(session_factory, dml_only_url: str) -> None:
    user = uid()
    async with unit_of_work(session_factory) as s:
        await credits.credit_wallet(
            s, user_id=user, amount=50_000, reference=uid("g"), source="reward",
            from_account=rules.FROM_ACCOUNT["reward"], expires_at=None,
        )  # fmt: skip
    engine = make_engine(dml_only_url, pool_size=2)
    try:
        with pytest.raises(Exception, match="permission denied"):
            async with engine.begin() as conn:
                await conn.exec_driver_sql("CREATE TABLE should_not_exist (id int)")
        result = await credits.deduct(
            make_session_factory(engine), user_id=user, amount=20_000, reference=uid("r")
        )
    finally:
        await engine.dispose()
    assert result.created and result.balance == 30_000
