"""billing tables. Owned by the billing issue."""

from __future__ import annotations
