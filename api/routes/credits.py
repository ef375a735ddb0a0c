"""credits endpoints. Owned by the credits issue."""

from __future__ import annotations

from fastapi import APIRouter

from api.exact_json import ExactJSONRoute

router = APIRouter(tags=["credits"], route_class=ExactJSONRoute)
