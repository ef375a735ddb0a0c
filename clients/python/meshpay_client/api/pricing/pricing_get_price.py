from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.price_out import PriceOut
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    agent_id: str,
    *,
    base_price: None | str | Unset = UNSET,
    currency: str | Unset = 'USD',
    quantity: int | Unset = 1,
    at: datetime.datetime | None | Unset = UNSET,
    tz: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_base_price: None | str | Unset
    if isinstance(base_price, Unset):
        json_base_price = UNSET
    else:
        json_base_price = base_price
    params["base_price"] = json_base_price

    params["currency"] = currency

    params["quantity"] = quantity

    json_at: None | str | Unset
    if isinstance(at, Unset):
        json_at = UNSET
    elif isinstance(at, datetime.datetime):
        json_at = at.isoformat()
    else:
        json_at = at
    params["at"] = json_at

    json_tz: None | str | Unset
    if isinstance(tz, Unset):
        json_tz = UNSET
    else:
        json_tz = tz
    params["tz"] = json_tz


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/payments/pricing/{agent_id}".format(agent_id=quote(str(agent_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | PriceOut | None:
    if response.status_code == 200:
        response_200 = PriceOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())



        return response_413

    if response.status_code == 414:
        response_414 = ErrorResponse.from_dict(response.json())



        return response_414

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | PriceOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    agent_id: str,
    *,
    client: AuthenticatedClient,
    base_price: None | str | Unset = UNSET,
    currency: str | Unset = 'USD',
    quantity: int | Unset = 1,
    at: datetime.datetime | None | Unset = UNSET,
    tz: None | str | Unset = UNSET,

) -> Response[ErrorResponse | PriceOut]:
    """ Get Price

     The adjusted unit price and why, from the agent's listed price in `currency` (or, as a what-if
    preview that locks nothing, from `base_price`; only a quote locks a price, and a quote always
    starts from the listed one). Time rules use the rule's own zone, else the agent's stored zone,
    else `tz`, else UTC; `quantity` only selects bulk tiers (the price stays per unit).

    Args:
        agent_id (str):
        base_price (None | str | Unset): what-if: price this base instead of the listed price;
            locks nothing
        currency (str | Unset):  Default: 'USD'.
        quantity (int | Unset):  Default: 1.
        at (datetime.datetime | None | Unset): price at this time (default now)
        tz (None | str | Unset): request's timezone for time rules

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PriceOut]
     """


    kwargs = _get_kwargs(
        agent_id=agent_id,
base_price=base_price,
currency=currency,
quantity=quantity,
at=at,
tz=tz,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    agent_id: str,
    *,
    client: AuthenticatedClient,
    base_price: None | str | Unset = UNSET,
    currency: str | Unset = 'USD',
    quantity: int | Unset = 1,
    at: datetime.datetime | None | Unset = UNSET,
    tz: None | str | Unset = UNSET,

) -> ErrorResponse | PriceOut | None:
    """ Get Price

     The adjusted unit price and why, from the agent's listed price in `currency` (or, as a what-if
    preview that locks nothing, from `base_price`; only a quote locks a price, and a quote always
    starts from the listed one). Time rules use the rule's own zone, else the agent's stored zone,
    else `tz`, else UTC; `quantity` only selects bulk tiers (the price stays per unit).

    Args:
        agent_id (str):
        base_price (None | str | Unset): what-if: price this base instead of the listed price;
            locks nothing
        currency (str | Unset):  Default: 'USD'.
        quantity (int | Unset):  Default: 1.
        at (datetime.datetime | None | Unset): price at this time (default now)
        tz (None | str | Unset): request's timezone for time rules

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PriceOut
     """


    return sync_detailed(
        agent_id=agent_id,
client=client,
base_price=base_price,
currency=currency,
quantity=quantity,
at=at,
tz=tz,

    ).parsed

async def asyncio_detailed(
    agent_id: str,
    *,
    client: AuthenticatedClient,
    base_price: None | str | Unset = UNSET,
    currency: str | Unset = 'USD',
    quantity: int | Unset = 1,
    at: datetime.datetime | None | Unset = UNSET,
    tz: None | str | Unset = UNSET,

) -> Response[ErrorResponse | PriceOut]:
    """ Get Price

     The adjusted unit price and why, from the agent's listed price in `currency` (or, as a what-if
    preview that locks nothing, from `base_price`; only a quote locks a price, and a quote always
    starts from the listed one). Time rules use the rule's own zone, else the agent's stored zone,
    else `tz`, else UTC; `quantity` only selects bulk tiers (the price stays per unit).

    Args:
        agent_id (str):
        base_price (None | str | Unset): what-if: price this base instead of the listed price;
            locks nothing
        currency (str | Unset):  Default: 'USD'.
        quantity (int | Unset):  Default: 1.
        at (datetime.datetime | None | Unset): price at this time (default now)
        tz (None | str | Unset): request's timezone for time rules

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PriceOut]
     """


    kwargs = _get_kwargs(
        agent_id=agent_id,
base_price=base_price,
currency=currency,
quantity=quantity,
at=at,
tz=tz,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    agent_id: str,
    *,
    client: AuthenticatedClient,
    base_price: None | str | Unset = UNSET,
    currency: str | Unset = 'USD',
    quantity: int | Unset = 1,
    at: datetime.datetime | None | Unset = UNSET,
    tz: None | str | Unset = UNSET,

) -> ErrorResponse | PriceOut | None:
    """ Get Price

     The adjusted unit price and why, from the agent's listed price in `currency` (or, as a what-if
    preview that locks nothing, from `base_price`; only a quote locks a price, and a quote always
    starts from the listed one). Time rules use the rule's own zone, else the agent's stored zone,
    else `tz`, else UTC; `quantity` only selects bulk tiers (the price stays per unit).

    Args:
        agent_id (str):
        base_price (None | str | Unset): what-if: price this base instead of the listed price;
            locks nothing
        currency (str | Unset):  Default: 'USD'.
        quantity (int | Unset):  Default: 1.
        at (datetime.datetime | None | Unset): price at this time (default now)
        tz (None | str | Unset): request's timezone for time rules

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PriceOut
     """


    return (await asyncio_detailed(
        agent_id=agent_id,
client=client,
base_price=base_price,
currency=currency,
quantity=quantity,
at=at,
tz=tz,

    )).parsed
