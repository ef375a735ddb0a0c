"""payments tables. Owned by the payments issue."""

from __future__ import annotations
