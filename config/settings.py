"""All configuration, from MESHPAY_* environment variables (pydantic-settings).

Outside `env=dev` the app refuses to start with a default secret.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-production"
DEV_WEBHOOK_SECRET = "dev-only-webhook-secret"
DATA_DIR = Path(".data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MESHPAY_", env_file=".env", extra="ignore")

    env: str = Field("dev", description="dev | test | staging | production")
    database_url: str = Field(
        f"sqlite+aiosqlite:///{DATA_DIR}/meshpay.db",
        description="SQLAlchemy async URL; postgresql+psycopg://... for PostgreSQL",
    )
    db_pool_size: int = 10
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "meshpay"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    log_json: bool = False
    log_level: str = "INFO"

    jwt_secret: str = DEV_JWT_SECRET
    jwt_audience: str = "meshpay"
    idempotency_ttl_hours: int = 24

    credit_exponent: int = 4
    credits_per_unit: Decimal = Field(Decimal("1"), description="credits granted per 1.00 of currency")
    credit_purchase_currency: str = "USD"
    low_balance_threshold: Decimal = Decimal("0")

    platform_fee_percent: Decimal = Decimal("10")
    escrow_review_period_seconds: int = 7 * 24 * 3600
    escrow_arbitration_seconds: int = 14 * 24 * 3600
    escrow_default_ruling: str = Field("refund_payer", description="refund_payer | release_payee")
    escrow_default_currency: str = Field("CREDIT", description="escrows are in CREDIT unless told otherwise")
    escrow_funding_seconds: int = 3 * 24 * 3600
    escrow_delivery_seconds: int = 30 * 24 * 3600
    escrow_auto_release_threshold: Decimal = Decimal("0.8")
    escrow_search_attributes: bool = True

    stripe_secret_key: str = "sk_test_meshpay_dev"
    stripe_webhook_secret: str = DEV_WEBHOOK_SECRET
    stripe_api_base: str | None = None
    paypal_client_id: str = "meshpay-dev-client"
    paypal_client_secret: str = "meshpay-dev-secret"
    paypal_webhook_id: str = "meshpay-dev-webhook"
    paypal_api_base: str | None = None
    paypal_environment: str = "sandbox"  # sandbox | live (ignored when paypal_api_base is set)
    crypto_btc_xpub: str = (
        # BIP84 test vector account 0 ("abandon ... about"): watch-only, public by design.
        "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"
    )
    crypto_eth_xpub: str = "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt"  # noqa: E501
    crypto_webhook_secret: str = DEV_WEBHOOK_SECRET
    crypto_btc_confirmations: int = 2
    crypto_eth_confirmations: int = 12
    crypto_rates: dict[str, Decimal] = Field(
        default_factory=lambda: {"BTC": Decimal("60000"), "ETH": Decimal("3000")},
        description="fixed dev rates: 1 coin in USD",
    )
    payment_expiry_seconds: int = 30 * 60
    crypto_payment_expiry_seconds: int = 60 * 60
    payments_search_attributes: bool = True  # PaymentStatus etc. (needs them registered)
    stripe_webhook_tolerance_seconds: int = 300
    payment_create_wait_seconds: float = 15.0  # how long POST /create waits for the provider's next step
    payment_provider_heartbeat_seconds: int = 10  # a dead worker's provider call is retried after this

    pricing_min_multiplier: Decimal = Decimal("0.5")
    pricing_max_multiplier: Decimal = Decimal("3.0")
    quote_ttl_seconds: int = 15 * 60
    quote_max_ttl_seconds: int = 24 * 3600
    pricing_cache_ttl_seconds: float = Field(5.0, description="rules/agent-signal cache per process")
    pricing_demand_window_seconds: int = Field(3600, description="open escrows younger than this count")
    pricing_default_capacity: int = Field(10, description="open escrows an agent takes when none pushed")
    pricing_demand_push_ttl_seconds: int = Field(300, description="a pushed demand ratio wins this long")

    invoice_series: str = "INV"
    tax_rates: dict[str, Decimal] = Field(default_factory=lambda: {"default": Decimal("0")})
    dunning_retry_days: list[int] = Field(default_factory=lambda: [3, 5, 7])
    billing_seller_name: str = "meshpay Marketplace Ltd."
    billing_seller_address: str = "1 Market Street, San Francisco, CA 94105, USA"
    billing_invoice_due_days: int = 0
    billing_currency: str = "USD"
    billing_credits_destination: str = "system:revenue:CREDIT"
    billing_run_batch_size: int = 500
    billing_search_attributes: bool = True
    payout_minimum: Decimal = Decimal("10.00")
    payout_reserve_percent: Decimal = Decimal("0")
    payout_reserve_hold_days: int = Field(90, description="rolling reserve held this long after a payout is paid")
    payout_poll_interval_seconds: int = Field(3600, description="first poll interval for pending provider payouts")
    payout_schedule_cron: str = Field("0 6 * * 1", description="weekly payout run (UTC), a cron expression")
    payouts_search_attributes: bool = Field(True, description="payout/chargeback workflows upsert search attributes")

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_dev(self) -> Settings:
        if self.env != "dev":
            defaults = {
                "MESHPAY_JWT_SECRET": self.jwt_secret == DEV_JWT_SECRET,
                "MESHPAY_STRIPE_WEBHOOK_SECRET": self.stripe_webhook_secret == DEV_WEBHOOK_SECRET,
                "MESHPAY_CRYPTO_WEBHOOK_SECRET": self.crypto_webhook_secret == DEV_WEBHOOK_SECRET,
            }
            bad = [name for name, is_default in defaults.items() if is_default]
            if bad:
                raise ValueError(f"refusing to start with env={self.env!r} and default secrets: {bad}")
        return self

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


@lru_cache
def get_settings() -> Settings:
    return Settings()
