"""All configuration, from MESHPAY_* environment variables (pydantic-settings).

The default environment is production: only `make run` and the tests set MESHPAY_ENV=dev.
Outside dev the app refuses to start with a missing, default, weak or shared secret, with the
published test xpubs, or with half a TLS key pair; the error names each setting that is wrong
(rules in config/production.py).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-production"
DEV_WEBHOOK_SECRET = "dev-only-webhook-secret"
DEV_STRIPE_SECRET_KEY = "sk_test_meshpay_dev"
DEV_PAYPAL_CLIENT_SECRET = "meshpay-dev-secret"
DEV_BILLING_LINK_SECRET = "dev-only-billing-link-secret"
DEV_SECRETS = (
    DEV_JWT_SECRET,
    DEV_WEBHOOK_SECRET,
    DEV_STRIPE_SECRET_KEY,
    DEV_PAYPAL_CLIENT_SECRET,
    DEV_BILLING_LINK_SECRET,
)
DATA_DIR = Path(".data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MESHPAY_", env_file=".env", extra="ignore")

    # --- process and infrastructure
    env: str = Field(
        "production",
        description="production (default) / staging / test / dev; only dev accepts the built-in secrets",
    )
    database_url: str = Field(
        "",
        description="postgresql+psycopg://user:pass@host:5432/db (empty: the embedded PostgreSQL under "
        ".data/pg that `meshpay run` starts; required outside dev)",
    )
    db_pool_size: int = Field(10, description="connections per process (as many again may overflow)")
    temporal_address: str = Field("127.0.0.1:7233", description="Temporal frontend host:port")
    temporal_namespace: str = Field("default", description="Temporal namespace")
    temporal_ui_port: int = Field(8233, description="port of the dev server's web UI (`meshpay run`)")
    temporal_tls: bool = Field(
        False, description="TLS to the Temporal frontend (on by itself with a client cert or API key)"
    )
    temporal_tls_server_ca_path: str = Field(
        "", description="PEM CA that signs the Temporal server's certificate (empty: system roots)"
    )
    temporal_tls_server_name: str = Field("", description="SNI / expected server name (empty: the host)")
    temporal_tls_client_cert_path: str = Field("", description="mTLS client certificate (PEM)")
    temporal_tls_client_key_path: str = Field("", description="mTLS client private key (PEM)")
    temporal_api_key: str = Field("", description="Temporal Cloud API key (sent as a bearer token, over TLS)")
    worker_metrics_address: str = Field(
        "127.0.0.1:9464",
        description="host:port of the worker's Prometheus metrics (0.0.0.0:9464 in compose; empty: off)",
    )
    task_queue: str = Field("meshpay", description="the task queue the worker polls")
    api_host: str = Field("127.0.0.1", description="address the API binds")
    api_port: int = Field(8000, description="port the API binds")
    log_json: bool = Field(False, description="1 for JSON log lines")
    log_level: str = Field("INFO", description="root log level")

    # --- auth and API
    jwt_secret: str = Field(
        DEV_JWT_SECRET, description="HS256 secret for bearer tokens (required outside dev)"
    )
    jwt_audience: str = Field("meshpay", description="the `aud` claim tokens must carry")
    idempotency_ttl_hours: int = Field(24, description="how long an Idempotency-Key's response is replayed")
    api_key_cache_seconds: float = Field(
        5.0, ge=0, description="API keys are cached per process this long (a revocation's delay elsewhere)"
    )

    # --- credits
    credit_exponent: int = Field(4, description="decimal places of the CREDIT currency")
    credits_per_unit: Decimal = Field(Decimal("1"), description="credits granted per 1.00 of currency")
    credit_purchase_currency: str = Field("USD", description="currency credits are bought in")
    low_balance_threshold: Decimal = Field(
        Decimal("0"), description="default low-balance alert level (0: off)"
    )

    # --- escrow
    platform_fee_percent: Decimal = Field(Decimal("10"), description="fee taken from an escrow release")
    escrow_review_period_seconds: int = Field(
        7 * 24 * 3600, description="delivered → auto-release after this"
    )
    escrow_arbitration_seconds: int = Field(14 * 24 * 3600, description="dispute → default ruling after this")
    escrow_default_ruling: str = Field("refund_payer", description="refund_payer / release_payee")
    escrow_default_currency: str = Field("CREDIT", description="escrows are in CREDIT unless told otherwise")
    escrow_funding_seconds: int = Field(3 * 24 * 3600, description="default funding deadline")
    escrow_delivery_seconds: int = Field(
        30 * 24 * 3600, description="default delivery deadline after funding"
    )
    escrow_auto_release_threshold: Decimal = Field(
        Decimal("0.8"), description="validation score that releases"
    )
    escrow_search_attributes: bool = Field(True, description="escrow workflows upsert search attributes")

    # --- providers
    stripe_secret_key: str = Field(DEV_STRIPE_SECRET_KEY, description="Stripe API key (required outside dev)")
    stripe_webhook_secret: str = Field(DEV_WEBHOOK_SECRET, description="Stripe webhook signing secret")
    stripe_api_base: str | None = Field(None, description="override Stripe's API base (tests: localstripe)")
    stripe_webhook_tolerance_seconds: int = Field(
        300, gt=0, description="oldest Stripe webhook timestamp accepted (0 would disable the check)"
    )
    paypal_enabled: bool = Field(True, description="accept PayPal payments; outside dev needs the secret")
    paypal_client_id: str = Field("meshpay-dev-client", description="PayPal REST client id")
    paypal_client_secret: str = Field(DEV_PAYPAL_CLIENT_SECRET, description="PayPal REST client secret")
    paypal_webhook_id: str = Field(
        "meshpay-dev-webhook", description="PayPal webhook id for signature checks"
    )
    paypal_api_base: str | None = Field(None, description="override PayPal's API base (tests: the stand-in)")
    paypal_environment: str = Field(
        "sandbox", description="sandbox / live (ignored when paypal_api_base is set)"
    )
    crypto_enabled: bool = Field(
        True, description="accept crypto payments; outside dev this needs real xpubs and a webhook secret"
    )
    crypto_btc_xpub: str = Field(
        # BIP84 test vector account 0 ("abandon ... about"): watch-only, public by design.
        "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs",
        description="BIP84 account zpub: BTC deposit addresses (watch-only)",
    )
    crypto_eth_xpub: str = Field(
        "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt",
        description="BIP44 coin-60 account xpub: ETH deposit addresses (watch-only)",
    )
    crypto_webhook_secret: str = Field(DEV_WEBHOOK_SECRET, description="HMAC secret of the chain watcher")
    crypto_btc_confirmations: int = Field(2, description="confirmations that complete a BTC payment")
    crypto_eth_confirmations: int = Field(12, description="confirmations that complete an ETH payment")
    crypto_rates: dict[str, Decimal] = Field(
        default_factory=lambda: {"BTC": Decimal("60000"), "ETH": Decimal("3000")},
        description="fixed dev rates: 1 coin in USD (JSON)",
    )

    # --- payments
    payment_expiry_seconds: int = Field(30 * 60, description="unconfirmed card/PayPal payments expire after")
    crypto_payment_expiry_seconds: int = Field(60 * 60, description="unpaid crypto payments expire after")
    payments_search_attributes: bool = Field(True, description="payment workflows upsert search attributes")
    payment_create_wait_seconds: float = Field(
        15.0, description="how long POST /create waits for the next step"
    )
    payment_provider_heartbeat_seconds: int = Field(
        10, description="a dead worker's provider call retries after"
    )

    # --- pricing
    pricing_min_multiplier: Decimal = Field(Decimal("0.5"), description="lowest combined price multiplier")
    pricing_max_multiplier: Decimal = Field(Decimal("3.0"), description="highest combined price multiplier")
    quote_ttl_seconds: int = Field(15 * 60, description="default life of a price quote")
    quote_max_ttl_seconds: int = Field(24 * 3600, description="longest life a caller may ask for")
    pricing_cache_ttl_seconds: float = Field(5.0, description="rules/agent-signal cache per process")
    pricing_demand_window_seconds: int = Field(3600, description="open escrows younger than this count")
    pricing_default_capacity: int = Field(10, description="open escrows an agent takes when none pushed")
    pricing_demand_push_ttl_seconds: int = Field(300, description="a pushed demand ratio wins this long")

    # --- billing
    invoice_series: str = Field("INV", description="invoice number prefix: INV-2026-000001")
    tax_rates: dict[str, Decimal] = Field(
        default_factory=lambda: {"default": Decimal("0")}, description="percent per jurisdiction (JSON)"
    )
    dunning_retry_days: list[int] = Field(
        default_factory=lambda: [3, 5, 7], description="waits between failed collection attempts (JSON)"
    )
    billing_seller_name: str = Field("meshpay Marketplace Ltd.", description="seller on invoices")
    billing_seller_address: str = Field(
        "1 Market Street, San Francisco, CA 94105, USA", description="seller address on invoices"
    )
    billing_invoice_due_days: int = Field(0, description="days from finalizing to the due date")
    billing_currency: str = Field("USD", description="invoice currency")
    billing_credits_destination: str = Field(
        "system:revenue:CREDIT", description="where credits paying invoices go"
    )
    billing_run_batch_size: int = Field(500, description="accounts per billing-run batch")
    billing_search_attributes: bool = Field(True, description="billing workflows upsert search attributes")
    # billing (issue 16): invoices people can read, hosted invoice pages
    billing_seller_tax_id: str = Field("", description="the seller's VAT/GST/tax number on invoices")
    billing_public_url: str = Field(
        "http://127.0.0.1:8000", description="base URL customers reach the API at (hosted invoice links)"
    )
    billing_stripe_js_url: str = Field(
        "https://js.stripe.com/v3/", description="Stripe.js on the hosted invoice page (tests: localstripe's)"
    )
    billing_stripe_publishable_key: str = Field(
        "pk_test_meshpay_dev", description="Stripe publishable key for the hosted invoice page"
    )
    billing_link_secret: str = Field(
        DEV_BILLING_LINK_SECRET,
        description="HMAC secret signing hosted-invoice links (required outside dev)",
    )

    # --- payouts
    payout_minimum: Decimal = Field(Decimal("10.00"), description="smallest payout")
    payout_reserve_percent: Decimal = Field(Decimal("0"), description="rolling reserve held from each payout")
    payout_reserve_hold_days: int = Field(
        90, description="rolling reserve held this long after a payout is paid"
    )
    payout_poll_interval_seconds: int = Field(
        3600, description="first poll interval for pending provider payouts"
    )
    payout_schedule_cron: str = Field("0 6 * * 1", description="weekly payout run (UTC), a cron expression")
    payouts_search_attributes: bool = Field(True, description="payout/chargeback workflows upsert them")

    # --- gateway (API ↔ Temporal exactly-once)
    payment_confirm_wait_seconds: float = Field(
        10.0, description="how long POST /{id}/confirm waits for the provider before 503 + Retry-After"
    )
    idempotency_in_flight_seconds: int = Field(
        60,
        description="an Idempotency-Key still in flight after this long (its process died) may be "
        "re-run by a retry with the same request: the operation's ids derive from the key",
    )
    idempotency_purge_batch: int = Field(5000, description="expired Idempotency-Keys deleted per batch")
    # --- escrow trust and history (helper "escrow")
    escrow_validator_ids: list[str] = Field(
        default_factory=list,
        description="principal ids (besides role service) whose validation scores an escrow accepts",
    )
    escrow_changes_per_run: int = Field(
        500,
        ge=0,
        description="escrow runs continue as new after this many changes (0: only when Temporal suggests)",
    )

    # --- tracing (lead)
    otel_exporter: str = Field(
        "none", pattern=r"^(none|console|otlp)$", description="OpenTelemetry traces: none / console / otlp"
    )
    otel_endpoint: str = Field(
        "http://127.0.0.1:4318/v1/traces", description="the OTLP/HTTP traces endpoint (otel_exporter=otlp)"
    )

    # --- events and outbound webhooks (lead)
    webhook_allow_private_urls: bool = Field(
        False, description="let webhook endpoints point at loopback/private addresses (tests, local dev)"
    )
    webhook_retry_window_seconds: int = Field(
        3 * 24 * 3600,
        ge=60,
        description="a failing delivery is retried this long, then its endpoint disabled",
    )
    webhook_initial_retry_seconds: int = Field(10, ge=1, description="first retry delay (doubles each time)")
    webhook_max_retry_seconds: int = Field(6 * 3600, ge=1, description="longest delay between retries")

    # --- reconciliation (recon) ---
    reconcile_schedule_cron: str = Field(
        "17 * * * *", description="the reconciler's sweep of provider objects against the ledger (UTC cron)"
    )
    reconcile_lookback_hours: int = Field(
        48, ge=1, description="how far back a scheduled sweep compares provider objects"
    )

    # --- payments at the money boundary (helper "pay")
    credit_prices: dict[str, Decimal] = Field(
        default_factory=lambda: {"USD": Decimal("1.00")},
        description='price of one credit per currency credits are sold in (JSON, e.g. {"USD": "1.00"}); '
        "a purchase in any other currency is refused",
    )

    @model_validator(mode="after")
    def _credit_prices_are_sane(self) -> Settings:
        from domain.money import currencies

        for currency, price in self.credit_prices.items():
            if currency not in currencies() or currency in ("CREDIT", "BTC", "ETH") or price <= 0:
                raise ValueError(f"credit_prices: {currency} {price} is not a price of a credit")
        return self

    # --- credits trust: redemption of agents' credit earnings (helper "credits", issue #11.10)
    credit_redemption_prices: dict[str, Decimal] = Field(
        default_factory=dict,
        description="what the platform pays an agent per whole credit it redeems, per payout currency "
        '(JSON, e.g. {"USD": "0.90"}); empty: redemption is off. Never above the purchase price '
        "(credit_prices) in the same currency",
    )

    @model_validator(mode="after")
    def _credit_redemption_prices_are_sane(self) -> Settings:
        from domain.payouts import PAYOUT_CURRENCIES

        purchase = self.credit_prices
        for currency, price in self.credit_redemption_prices.items():
            if currency not in PAYOUT_CURRENCIES or not price.is_finite() or price <= 0:
                raise ValueError(f"credit_redemption_prices: {currency} {price} is not a payout price")
            if currency in purchase and price > purchase[currency]:
                raise ValueError(
                    f"credit_redemption_prices: {currency} {price} is above the purchase price "
                    f"{purchase[currency]}: buying credits to redeem them would make money"
                )
        return self

    # --- request bounds, rate limits, JWT and webhook checks (area: harden)
    jwt_issuer: str = Field("meshpay", description="the `iss` claim tokens must carry")
    jwt_max_lifetime_seconds: int = Field(
        24 * 3600, gt=0, description="longest token lifetime accepted (exp - iat)"
    )
    max_request_body_bytes: int = Field(1 << 20, gt=0, description="larger request bodies get 413")
    max_webhook_body_bytes: int = Field(
        256 << 10, gt=0, description="larger webhook bodies get 413 (checked before the signature)"
    )
    rate_limit_enabled: bool = Field(True, description="0 turns every rate limit off")
    rate_limit_storage: str = Field(
        "memory://", description="limits storage URI: memory:// (per process) or redis://host:6379/0"
    )
    rate_limit_per_ip: str = Field("1200/minute", description="requests per client IP (limits notation)")
    rate_limit_per_principal: str = Field(
        "600/minute", description="GET/HEAD/OPTIONS requests per authenticated principal"
    )
    rate_limit_writes_per_principal: str = Field(
        "120/minute", description="POST/PUT/PATCH/DELETE per authenticated principal"
    )
    rate_limit_webhooks_per_ip: str = Field("3000/minute", description="webhook deliveries per client IP")
    crypto_max_open_payments: int = Field(
        5, ge=1, description="open crypto payments per payer (each one takes an HD address index)"
    )
    payout_destination_cooling_off_seconds: int = Field(
        24 * 3600, ge=0, description="a new payout destination receives no payout for this long"
    )
    crypto_webhook_tolerance_seconds: int = Field(
        300, gt=0, description="oldest chain-watcher webhook timestamp accepted (either direction)"
    )
    paypal_webhook_tolerance_seconds: int = Field(
        900, gt=0, description="oldest PAYPAL-TRANSMISSION-TIME accepted before asking PayPal"
    )
    paypal_cert_hosts: list[str] = Field(
        default_factory=lambda: [
            "api.paypal.com",
            "api.sandbox.paypal.com",
            "api-m.paypal.com",
            "api-m.sandbox.paypal.com",
        ],
        description="hosts PAYPAL-CERT-URL may name (https only); others are refused unasked (JSON)",
    )
    paypal_verify_cache_size: int = Field(
        10_000, gt=0, description="PayPal verification verdicts remembered (by a digest of the delivery)"
    )

    @model_validator(mode="after")
    def _fail_closed_outside_dev(self) -> Settings:
        if self.env == "dev":
            return self
        from config import production

        own = {
            "MESHPAY_JWT_SECRET": self.jwt_secret,
            "MESHPAY_BILLING_LINK_SECRET": self.billing_link_secret,
        }
        provider = {
            "MESHPAY_STRIPE_SECRET_KEY": self.stripe_secret_key,
            "MESHPAY_STRIPE_WEBHOOK_SECRET": self.stripe_webhook_secret,
        }
        if self.paypal_enabled:
            provider["MESHPAY_PAYPAL_CLIENT_SECRET"] = self.paypal_client_secret
        problems: list[str] = []
        if self.crypto_enabled:
            own["MESHPAY_CRYPTO_WEBHOOK_SECRET"] = self.crypto_webhook_secret
            for name, value, coin in (
                ("MESHPAY_CRYPTO_BTC_XPUB", self.crypto_btc_xpub, "BTC"),
                ("MESHPAY_CRYPTO_ETH_XPUB", self.crypto_eth_xpub, "ETH"),
            ):
                problem = production.xpub_problem(name, value, coin)
                if problem:
                    problems.append(problem)
        problems[:0] = production.secret_problems(own, provider, DEV_SECRETS)
        if self.env == "production" and self.stripe_secret_key.startswith(("sk_test_", "rk_test_")):
            problems.append("MESHPAY_STRIPE_SECRET_KEY: a test-mode key in production")
        if not self.database_url:
            problems.append("MESHPAY_DATABASE_URL: required outside dev (the embedded database is dev-only)")
        if bool(self.temporal_tls_client_cert_path) != bool(self.temporal_tls_client_key_path):
            problems.append(
                "MESHPAY_TEMPORAL_TLS_CLIENT_KEY_PATH: mTLS needs both the client certificate and its key"
            )
        for name, path in (
            ("MESHPAY_TEMPORAL_TLS_SERVER_CA_PATH", self.temporal_tls_server_ca_path),
            ("MESHPAY_TEMPORAL_TLS_CLIENT_CERT_PATH", self.temporal_tls_client_cert_path),
            ("MESHPAY_TEMPORAL_TLS_CLIENT_KEY_PATH", self.temporal_tls_client_key_path),
        ):
            if path and not Path(path).is_file():
                problems.append(f"{name}: no readable file at {path}")
        if not self.crypto_enabled:  # nothing may derive a deposit address from the published defaults
            self.crypto_btc_xpub = self.crypto_eth_xpub = ""
        if problems:
            raise ValueError(f"refusing to start with MESHPAY_ENV={self.env!r}:\n  " + "\n  ".join(problems))
        return self

    @model_validator(mode="after")
    def _rate_limits_parse(self) -> Settings:
        from limits import parse

        for name in ("per_ip", "per_principal", "writes_per_principal", "webhooks_per_ip"):
            value = getattr(self, f"rate_limit_{name}")
            try:
                parse(value)
            except ValueError:
                raise ValueError(f"MESHPAY_RATE_LIMIT_{name.upper()}={value!r} is not a rate limit") from None
        if self.rate_limit_storage.split("://", 1)[0] not in ("memory", "redis", "rediss"):
            raise ValueError("MESHPAY_RATE_LIMIT_STORAGE must be memory:// or redis://host:port/db")
        return self

    @property
    def temporal_uses_tls(self) -> bool:
        return bool(self.temporal_tls or self.temporal_tls_client_cert_path or self.temporal_api_key)


@lru_cache
def get_settings() -> Settings:
    return Settings()
