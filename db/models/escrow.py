"""escrow tables. Owned by the escrow issue."""

from __future__ import annotations
