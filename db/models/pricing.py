"""pricing tables. Owned by the pricing issue."""

from __future__ import annotations
