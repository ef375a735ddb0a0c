"""The OpenAPI document as integrators and generators read it.

- operation ids are `{area}_{action}` (`escrow_create`, `credits_deduct`), not FastAPI's
  `create_escrow_api_v1_payments_escrow_create_post`: a generated client's method names come from them;
- a bearer `securitySchemes` entry, required on every operation but health checks and the provider
  webhooks (those authenticate by signature), so /docs' Authorize button works.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

BEARER = "bearerAuth"
_UNAUTHENTICATED_TAGS = {"operations", "webhooks"}


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def route_area(route: APIRoute) -> str:
    """The route's first tag as an identifier: `payment methods` → `payment_methods`."""
    return re.sub(r"\W+", "_", str(route.tags[0]) if route.tags else "meshpay").strip("_").lower()


def operation_id(route: APIRoute) -> str:
    """`{area}_{action}`: the route's first tag, then its function name without the area's words
    (create_escrow in escrow → escrow_create; list_methods in payment methods → payment_methods_list)."""
    area = route_area(route)
    area_words = {w for part in area.split("_") for w in (part, _singular(part), f"{_singular(part)}s")}
    words = [w for w in route.name.split("_") if w not in area_words]
    return "_".join([area, *words]) if words else area


def install_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = generate()
        doc.setdefault("components", {}).setdefault("securitySchemes", {})[BEARER] = {
            "type": "http",
            "scheme": "bearer",
            "description": "a meshpay bearer token (`meshpay token --sub ID --role ROLE` in dev)",
        }
        for item in doc.get("paths", {}).values():
            for op in item.values():
                if isinstance(op, dict) and not _UNAUTHENTICATED_TAGS & set(op.get("tags", [])):
                    op.setdefault("security", [{BEARER: []}])
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
