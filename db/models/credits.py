"""credits tables. Owned by the credits issue."""

from __future__ import annotations
