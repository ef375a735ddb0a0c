"""Routers mounted under /api/v1/payments. Each area owns its module.

Order matters: static paths (credits/, escrow/, pricing/, ...) come before payments' `/{payment_id}`.
"""

from api.routes import billing, credits, escrow, payments, pricing

ROUTERS = [credits.router, escrow.router, pricing.router, billing.router, payments.router]
