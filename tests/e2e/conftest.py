"""e2e options: `--long` runs the crash campaign at full size (hundreds of worker kills).

pytest only asks the conftests it loads first for options: `pytest tests/e2e --long` finds this
one; tests/conftest.py imports the hook too, so `pytest --long` from the root works as well.
"""

from __future__ import annotations

import contextlib
import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    # contextlib.suppress: already registered (this hook is reachable from two conftests)
    with contextlib.suppress(ValueError):
        parser.addoption(
            "--long",
            action="store_true",
            default=False,
            help="run the crash campaign at full size (hundreds of worker SIGKILLs; ~20+ minutes)",
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "long_capable: grows with --long (gets a longer timeout)")


def long_run(config: pytest.Config) -> bool:
    return bool(config.getoption("--long", default=False)) or os.environ.get("MESHPAY_LONG") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if long_run(config):  # the per-test timeout (pyproject) is sized for the CI run
        for item in items:
            if item.get_closest_marker("long_capable"):
                item.add_marker(pytest.mark.timeout(6 * 3600))


@pytest.fixture
def long(request: pytest.FixtureRequest) -> bool:
    return long_run(request.config)
