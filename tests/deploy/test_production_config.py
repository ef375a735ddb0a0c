"""Configuration fails closed: outside dev every refusal names the setting that is wrong."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from bip_utils import Bip44, Bip44Coins, Bip84, Bip84Coins
from pydantic import ValidationError

from config import production
from config.settings import DEV_JWT_SECRET, Settings
from config.temporal import connect_options

ROOT = Path(__file__).resolve().parents[2]
# Published "abandon … about" account keys other than our old defaults: BIP44 BTC account 0.
BIP44_BTC_TEST_XPUB = "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj"  # noqa: E501


def real_xpubs() -> dict[str, str]:
    seed = secrets.token_bytes(64)
    btc = Bip84.FromSeed(seed, Bip84Coins.BITCOIN).Purpose().Coin().Account(0)
    eth = Bip44.FromSeed(seed, Bip44Coins.ETHEREUM).Purpose().Coin().Account(0)
    return {"crypto_btc_xpub": btc.PublicKey().ToExtended(), "crypto_eth_xpub": eth.PublicKey().ToExtended()}


def production_env(**overrides: object) -> dict[str, object]:
    """A configuration production accepts: generated secrets, real (fresh) xpubs, a database URL."""
    values: dict[str, object] = {
        "env": "production",
        "database_url": "postgresql+psycopg://meshpay:pw@db:5432/meshpay",
        "jwt_secret": secrets.token_hex(32),
        "crypto_webhook_secret": secrets.token_hex(32),
        "stripe_secret_key": "sk_live_" + secrets.token_urlsafe(72),
        "stripe_webhook_secret": "whsec_" + secrets.token_urlsafe(24),
        "paypal_client_secret": secrets.token_urlsafe(48),
        **real_xpubs(),
    }
    values.update(overrides)
    return values


def refusal(**overrides: object) -> str:
    with pytest.raises(ValidationError) as info:
        Settings(**production_env(**overrides))  # type: ignore[arg-type]
    return str(info.value)


def test_a_complete_production_configuration_is_accepted() -> None:
    s = Settings(**production_env())  # type: ignore[arg-type]
    assert s.env == "production"


def test_the_default_environment_is_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MESHPAY_ENV", raising=False)
    with pytest.raises(ValidationError, match="MESHPAY_JWT_SECRET: is the published development default"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("env", ["production", "staging", "test", "prod"])
def test_every_environment_but_dev_refuses_the_development_secrets(env: str) -> None:
    text = refusal(env=env, jwt_secret=DEV_JWT_SECRET)
    assert "MESHPAY_JWT_SECRET: is the published development default" in text


@pytest.mark.parametrize(
    ("setting", "name"),
    [
        ("jwt_secret", "MESHPAY_JWT_SECRET"),
        ("crypto_webhook_secret", "MESHPAY_CRYPTO_WEBHOOK_SECRET"),
        ("stripe_secret_key", "MESHPAY_STRIPE_SECRET_KEY"),
        ("stripe_webhook_secret", "MESHPAY_STRIPE_WEBHOOK_SECRET"),
        ("paypal_client_secret", "MESHPAY_PAYPAL_CLIENT_SECRET"),
    ],
)
def test_each_secret_is_required(setting: str, name: str) -> None:
    assert f"{name}: required outside dev" in refusal(**{setting: ""})


@pytest.mark.parametrize(
    "weak",
    [
        "s" * 200,  # long but one character
        "abcdefghijkl" * 20,  # long, 12 distinct characters, one class
        secrets.token_hex(16),  # 16 random bytes: 128 bits, not 256
        "correct horse battery staple",
    ],
)
def test_a_weak_own_secret_is_refused_with_its_estimate(weak: str) -> None:
    text = refusal(jwt_secret=weak)
    assert "MESHPAY_JWT_SECRET: too weak" in text


def test_the_documented_generators_pass_the_estimate() -> None:
    for _ in range(200):  # random: no unlucky draw may fail
        assert production.estimated_bits(secrets.token_hex(32)) >= production.MIN_OWN_SECRET_BITS
        assert production.estimated_bits(secrets.token_urlsafe(32)) >= production.MIN_OWN_SECRET_BITS


def test_a_weak_provider_secret_is_refused() -> None:
    assert "MESHPAY_STRIPE_WEBHOOK_SECRET: too weak" in refusal(stripe_webhook_secret="whsec_abc123")


def test_secrets_must_differ() -> None:
    shared = secrets.token_hex(32)
    text = refusal(jwt_secret=shared, crypto_webhook_secret=shared)
    assert "MESHPAY_CRYPTO_WEBHOOK_SECRET: must differ from MESHPAY_JWT_SECRET" in text
    shared_stripe = "whsec_" + secrets.token_urlsafe(40)
    text = refusal(jwt_secret=shared_stripe, stripe_webhook_secret=shared_stripe)
    assert "MESHPAY_STRIPE_WEBHOOK_SECRET: must differ from MESHPAY_JWT_SECRET" in text


def test_a_test_mode_stripe_key_is_refused_in_production() -> None:
    key = "sk_test_" + secrets.token_urlsafe(72)
    assert "MESHPAY_STRIPE_SECRET_KEY: a test-mode key in production" in refusal(stripe_secret_key=key)
    Settings(**production_env(env="staging", stripe_secret_key=key))  # type: ignore[arg-type]


def test_the_published_test_xpubs_are_refused() -> None:
    defaults = Settings(env="dev")
    text = refusal(crypto_btc_xpub=defaults.crypto_btc_xpub, crypto_eth_xpub=defaults.crypto_eth_xpub)
    assert "MESHPAY_CRYPTO_BTC_XPUB: is derived from the published 'abandon … about'" in text
    assert "MESHPAY_CRYPTO_ETH_XPUB: is derived from the published 'abandon … about'" in text
    # Any other account of the test mnemonic is as public as the defaults.
    text = refusal(crypto_eth_xpub=BIP44_BTC_TEST_XPUB)
    assert "MESHPAY_CRYPTO_ETH_XPUB: is derived from the published" in text


def test_xpubs_must_be_real_public_keys_when_crypto_is_enabled() -> None:
    assert "MESHPAY_CRYPTO_BTC_XPUB: required when crypto is enabled" in refusal(crypto_btc_xpub="")
    assert "MESHPAY_CRYPTO_ETH_XPUB: not a valid" in refusal(crypto_eth_xpub="xpub-nonsense")
    private = Bip84.FromSeed(secrets.token_bytes(64), Bip84Coins.BITCOIN).Purpose().Coin().Account(0)
    text = refusal(crypto_btc_xpub=private.PrivateKey().ToExtended())
    assert "MESHPAY_CRYPTO_BTC_XPUB: is a PRIVATE extended key" in text


def test_crypto_disabled_needs_no_xpubs_or_watcher_secret() -> None:
    off = production_env(
        crypto_enabled=False, crypto_btc_xpub="", crypto_eth_xpub="", crypto_webhook_secret=""
    )
    Settings(**off)  # type: ignore[arg-type]


def test_the_database_url_is_required_outside_dev() -> None:
    assert "MESHPAY_DATABASE_URL: required outside dev" in refusal(database_url="")


def test_mtls_needs_both_halves_and_real_files(tmp_path: Path) -> None:
    cert = tmp_path / "client.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----")
    text = refusal(temporal_tls_client_cert_path=str(cert))
    assert "MESHPAY_TEMPORAL_TLS_CLIENT_KEY_PATH: mTLS needs both" in text
    text = refusal(
        temporal_tls_client_cert_path=str(cert), temporal_tls_client_key_path="/nonexistent/key.pem"
    )
    assert "MESHPAY_TEMPORAL_TLS_CLIENT_KEY_PATH: no readable file at /nonexistent/key.pem" in text
    assert "MESHPAY_TEMPORAL_TLS_SERVER_CA_PATH: no readable file" in refusal(
        temporal_tls_server_ca_path=str(tmp_path / "missing-ca.pem")
    )


def test_dev_still_starts_with_the_built_in_values() -> None:
    Settings(env="dev", _env_file=None)  # type: ignore[call-arg]


def test_temporal_connect_options_pass_tls_and_api_key_to_the_sdk(tmp_path: Path) -> None:
    ca, cert, key = (tmp_path / n for n in ("ca.pem", "client.pem", "client.key"))
    for path in (ca, cert, key):
        path.write_bytes(f"-----{path.name}-----".encode())
    s = Settings(
        env="dev",
        temporal_namespace="meshpay.a1b2c",
        temporal_tls_server_ca_path=str(ca),
        temporal_tls_server_name="meshpay.a1b2c.tmprl.cloud",
        temporal_tls_client_cert_path=str(cert),
        temporal_tls_client_key_path=str(key),
        temporal_api_key="tc-key",
    )
    options = connect_options(s)
    assert options["namespace"] == "meshpay.a1b2c"
    assert options["api_key"] == "tc-key"
    tls = options["tls"]
    assert tls.server_root_ca_cert == b"-----ca.pem-----"
    assert tls.domain == "meshpay.a1b2c.tmprl.cloud"
    assert tls.client_cert == b"-----client.pem-----"
    assert tls.client_private_key == b"-----client.key-----"
    plain = connect_options(Settings(env="dev"))
    assert plain["tls"] is False and plain["api_key"] is None


@pytest.mark.parametrize("command", ["worker", "api", "migrate"])
def test_the_cli_refuses_to_start_and_names_the_setting(command: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHPAY_")}
    env["MESHPAY_ENV"] = "production"
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", command],
        cwd=tmp_path,  # no .env file
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "MESHPAY_JWT_SECRET: is the published development default" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_crypto_disabled_blanks_the_default_xpubs() -> None:
    off = Settings(**production_env(crypto_enabled=False, crypto_webhook_secret=""))  # type: ignore[arg-type]
    assert off.crypto_btc_xpub == "" and off.crypto_eth_xpub == ""


@pytest.mark.parametrize(("provider", "flag"), [("crypto", "crypto_enabled"), ("paypal", "paypal_enabled")])
async def test_a_disabled_provider_is_refused_before_anything_starts(
    make_app, ts_env, provider, flag
) -> None:
    import httpx

    from tests.support.tokens import auth, uid

    app = make_app(temporal_client=ts_env.client, **{flag: False})
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        r = await http.post(
            "/api/v1/payments/credits/purchase",
            headers=auth(uid("u")),
            json={"amount": "60.00", "provider": provider, "chain": "BTC"},
        )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "provider_disabled"
