"""Count provider-side objects on localstripe itself (not through our code), per payment.

Lists are paginated (localstripe honours limit/starting_after), so counts stay right however many
objects other tests left on the session's shared server.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

_AUTH = {"Authorization": "Bearer sk_test_x"}


def list_all(base: str, resource: str, **params: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    after: str | None = None
    with httpx.Client(base_url=base, headers=_AUTH, timeout=30) as http:
        while True:
            q: dict[str, str | int] = {"limit": 100, **params}
            if after:
                q["starting_after"] = after
            r = http.get(f"/v1/{resource}", params=q)
            r.raise_for_status()
            doc = r.json()
            out += doc["data"]
            if not doc.get("has_more") or not doc["data"]:
                return out
            after = doc["data"][-1]["id"]


@dataclass
class ProviderObjects:
    """What the provider holds for each of our payment ids."""

    intents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    charges: Counter[str] = field(default_factory=Counter)  # succeeded charges per payment id
    refunds: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # amounts

    def summary(self, payment_ids: set[str]) -> dict[str, int]:
        return {
            "payment_intents": sum(len(self.intents.get(p, [])) for p in payment_ids),
            "succeeded_charges": sum(self.charges.get(p, 0) for p in payment_ids),
            "refunds": sum(len(self.refunds.get(p, [])) for p in payment_ids),
        }


def provider_objects(base: str, payment_ids: set[str]) -> ProviderObjects:
    found = ProviderObjects()
    pi_owner: dict[str, str] = {}
    for pi in list_all(base, "payment_intents"):
        pid = (pi.get("metadata") or {}).get("payment_id")
        if pid in payment_ids:
            found.intents[pid].append(pi["id"])
            pi_owner[pi["id"]] = pid
    charge_owner: dict[str, str] = {}
    for ch in list_all(base, "charges"):
        pid = pi_owner.get(ch.get("payment_intent") or "")
        if pid is None:
            continue
        charge_owner[ch["id"]] = pid
        if ch.get("status") == "succeeded":
            found.charges[pid] += 1
    for re_ in list_all(base, "refunds"):
        pid = pi_owner.get(re_.get("payment_intent") or "") or charge_owner.get(re_.get("charge") or "")
        if pid is not None and re_.get("status") == "succeeded":
            found.refunds[pid].append(int(re_["amount"]))
    return found
