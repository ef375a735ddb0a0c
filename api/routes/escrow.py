"""escrow endpoints. Owned by the escrow issue."""

from __future__ import annotations

from fastapi import APIRouter

from api.exact_json import ExactJSONRoute

router = APIRouter(tags=["escrow"], route_class=ExactJSONRoute)
