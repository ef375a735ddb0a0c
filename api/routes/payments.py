"""payments endpoints. Owned by the payments issue."""

from __future__ import annotations

from fastapi import APIRouter

from api.exact_json import ExactJSONRoute

router = APIRouter(tags=["payments"], route_class=ExactJSONRoute)
