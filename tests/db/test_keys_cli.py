"""`meshpay keys`: an operator creates, lists and revokes API keys from the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from db.session import make_engine, make_session_factory
from services import api_keys
from tests.support import database

SERVER = os.environ.get("MESHPAY_TEST_DATABASE_URL", database.DEFAULT_SERVER)


@pytest.fixture
def url() -> Iterator[str]:
    u = database.create_database(SERVER)
    database.migrate(u)
    yield u
    database.drop_database(SERVER, u)


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MESHPAY_ENV": "dev", "MESHPAY_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "keys", *args], env=env, capture_output=True, text=True, timeout=60
    )


async def _active(url: str, secret: str) -> bool:
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as s:
            return await api_keys.active_by_secret(s, secret) is not None
    finally:
        await engine.dispose()


async def test_create_list_revoke(url: str) -> None:
    made = _cli(
        url, "create", "--principal", "svc_ops", "--role", "service", "--permission", "credits:deduct"
    )
    assert made.returncode == 0, made.stderr
    key_id, secret = made.stdout.split()[0], made.stdout.strip().splitlines()[-1]
    assert key_id.startswith("key_") and secret.startswith("sk_")
    assert await _active(url, secret)
    listed = _cli(url, "list")
    assert key_id in listed.stdout and secret not in listed.stdout
    assert _cli(url, "revoke", key_id).returncode == 0
    assert not await _active(url, secret)
    missing = _cli(url, "revoke", "key_nope")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert _cli(url, "create", "--principal", "x", "--role", "root").returncode == 1
