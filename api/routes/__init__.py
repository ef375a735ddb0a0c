"""Routers mounted under /api/v1/payments. Each area owns its module.

Order matters: static paths (credits/, escrow/, pricing/, ...) come before payments' `/{payment_id}`.
"""

from api.routes import (
    api_keys,
    billing,
    credits,
    disputes,
    escrow,
    escrow_create,
    escrow_reads,
    events,
    explain,
    mandates,
    payment_methods,
    payments,
    payouts,
    pricing,
    redemption,
    subscriptions,
    webhooks,
)

ROUTERS = [
    api_keys.router,
    credits.router,
    mandates.router,
    escrow_create.router,
    escrow.router,
    escrow_reads.router,
    pricing.router,
    billing.router,
    subscriptions.router,
    redemption.router,  # before payouts: /payouts/redeem-credits is static
    payouts.router,
    disputes.router,
    events.router,
    events.hooks,
    explain.router,
    webhooks.router,
    payment_methods.router,
    payments.router,  # last: its `/{payment_id}` would shadow the static paths above
]
