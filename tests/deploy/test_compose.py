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
    for key in SEARCH_ATTRIBUTES:
        assert f"--name {key.name} " in script


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [f"MESHPAY_{n.upper()}" for n in Settings.model_fields if f"MESHPAY_{n.upper()}" not in readme]
    assert not missing, f"README does not document: {missing}"
