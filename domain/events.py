"""Event types a client can subscribe to, and how an endpoint's filter matches them (pure)."""

from __future__ import annotations

EVENT_TYPES: frozenset[str] = frozenset(
    {
        *(f"payment.{s}" for s in ("created", "succeeded", "failed", "expired", "cancelled", "refunded")),
        *(
            f"escrow.{s}"
            for s in (
                "created",
                "funded",
                "delivered",
                "signed",
                "released",
                "disputed",
                "resolved",
                "refunded",
                "expired",
                "cancelled",
            )
        ),
        *(f"credits.{s}" for s in ("granted", "deducted", "expired", "low_balance")),
        *(f"mandate.{s}" for s in ("created", "revoked", "charged")),
        *(f"invoice.{s}" for s in ("finalized", "paid", "payment_failed", "voided")),
        *(f"subscription.{s}" for s in ("created", "updated", "cancelled")),
        *(f"payout.{s}" for s in ("created", "paid", "failed")),
        *(f"dispute.{s}" for s in ("created", "updated", "closed")),
        "payout_destination.created",
        "webhook_endpoint.disabled",
    }
)


def valid_filter(pattern: str) -> bool:
    """An exact type, `area.*`, or `*`."""
    if pattern == "*" or pattern in EVENT_TYPES:
        return True
    area, _, star = pattern.partition(".")
    return star == "*" and any(t.startswith(f"{area}.") for t in EVENT_TYPES)


def matches(filters: list[str] | None, event_type: str) -> bool:
    if filters is None:
        return True
    for f in filters:
        if f == "*" or f == event_type or (f.endswith(".*") and event_type.startswith(f[:-1])):
            return True
    return False
