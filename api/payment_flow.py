"""The payments API's own request guard: raw card data never enters the system."""

from __future__ import annotations

import orjson
from fastapi import Request

from api.errors import ApiError
from domain import payments as rules


async def refuse_card_data(request: Request) -> None:
    """Refuse (422) any request body carrying something shaped like a card number or CVC.

    Runs before body validation; the value is never echoed, logged or stored.
    """
    body = await request.body()
    if not body:
        return
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return  # body validation answers malformed JSON
    if rules.looks_like_card_data(doc):
        raise ApiError(
            422,
            "card_data_refused",
            "raw card data is never accepted: send the provider's payment method token",
            param="body",
        )
