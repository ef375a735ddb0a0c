"""`meshpay check` as operators and alerting scripts run it: 0 balanced, 1 broken, 2 cannot run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest

from tests.support import database

SERVER = os.environ.get("MESHPAY_TEST_DATABASE_URL", database.DEFAULT_SERVER)


def _check(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MESHPAY_ENV": "dev", "MESHPAY_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "check"], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def scratch_url() -> Iterator[str]:
    url = database.create_database(SERVER)
    yield url
    database.drop_database(SERVER, url)


def _one_line_no_traceback(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_unreachable_database_exits_2_in_one_line() -> None:
    _one_line_no_traceback(_check("postgresql+psycopg://postgres@127.0.0.1:1/nowhere"), "unreachable")


def test_unmigrated_database_exits_2_in_one_line(scratch_url: str) -> None:
    _one_line_no_traceback(_check(scratch_url), "not migrated")


def test_balanced_books_exit_0_and_a_broken_invariant_exits_1(scratch_url: str) -> None:
    database.migrate(scratch_url)
    ok = _check(scratch_url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with psycopg.connect(database._libpq(scratch_url), autocommit=True) as conn:
        # A balance with no postings behind it: money from nowhere.
        conn.execute(
            "INSERT INTO accounts (code, currency, kind, non_negative, created_at) "
            "VALUES ('earnings:x:CREDIT', 'CREDIT', 'earnings', true, now())"
        )
        conn.execute(
            "INSERT INTO balances (account_code, currency, balance, non_negative, updated_at) "
            "VALUES ('earnings:x:CREDIT', 'CREDIT', 5, true, now())"
        )
    broken = _check(scratch_url)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "VIOLATED" in broken.stdout
