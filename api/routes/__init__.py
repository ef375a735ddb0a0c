"""Routers mounted under /api/v1/payments. Each area owns its module.

Order matters: static paths (credits/, escrow/, pricing/, ...) come before payments' `/{payment_id}`.
"""

from api.routes import (
    billing,
    credits,
    disputes,
    escrow,
    payment_methods,
    payments,
    payouts,
    pricing,
    reconcile,
    subscriptions,
    webhooks,
)

ROUTERS = [
    credits.router,
    escrow.router,
    pricing.router,
    billing.router,
    subscriptions.router,
    payouts.router,
    disputes.router,
    reconcile.router,
    webhooks.router,
    payment_methods.router,
    payments.router,  # last: its `/{payment_id}` would shadow the static paths above
]
