"""pricing endpoints. Owned by the pricing issue."""

from __future__ import annotations

from fastapi import APIRouter

from api.exact_json import ExactJSONRoute

router = APIRouter(tags=["pricing"], route_class=ExactJSONRoute)
