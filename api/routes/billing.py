"""billing endpoints. Owned by the billing issue."""

from __future__ import annotations

from fastapi import APIRouter

from api.exact_json import ExactJSONRoute

router = APIRouter(tags=["billing"], route_class=ExactJSONRoute)
