"""Business metrics (Prometheus), beside the HTTP and Temporal SDK ones.

With several API processes (`meshpay api --workers N`) set PROMETHEUS_MULTIPROC_DIR (the CLI does):
prometheus_client then keeps each process's counters in files there and /metrics adds them up, so
the processes scrape as one.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest, multiprocess

PAYMENTS = Counter("meshpay_payments_total", "payments that reached an outcome", ["provider", "outcome"])
ESCROW_MOVES = Counter("meshpay_escrow_moves_total", "escrow state changes", ["kind"])
LEDGER_TRANSFERS = Counter(
    "meshpay_ledger_transfers_total", "ledger transactions written", ["currency", "kind"]
)
LEDGER_AMOUNT = Counter(
    "meshpay_ledger_moved_minor_units_total", "minor units moved (sum of debits)", ["currency"]
)
PROVIDER_WEBHOOKS = Counter(
    "meshpay_provider_webhooks_total", "provider webhooks received", ["provider", "result"]
)
WEBHOOK_DELIVERIES = Counter(
    "meshpay_webhook_deliveries_total", "outbound webhook delivery attempts", ["outcome"]
)
DUNNING = Counter("meshpay_dunning_outcomes_total", "invoice collection attempts", ["outcome"])
RECONCILIATION = Counter(
    "meshpay_reconciliation_differences_total", "differences the reconciler found", ["kind", "fixed"]
)
IDEMPOTENCY = Counter("meshpay_idempotency_total", "Idempotency-Key outcomes", ["result"])


def exposition() -> tuple[bytes, str]:
    """The /metrics body: this process's registry, or every process's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
