from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.page_low_balance_event_out import PageLowBalanceEventOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    user_id: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_user_id: None | str | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["user_id"] = json_user_id

    params["limit"] = limit

    json_starting_after: None | str | Unset
    if isinstance(starting_after, Unset):
        json_starting_after = UNSET
    else:
        json_starting_after = starting_after
    params["starting_after"] = json_starting_after


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/payments/credits/low-balance-events",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | PageLowBalanceEventOut | None:
    if response.status_code == 200:
        response_200 = PageLowBalanceEventOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | PageLowBalanceEventOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    user_id: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,

) -> Response[ErrorResponse | PageLowBalanceEventOut]:
    """ Low Balance Events

     Recorded downward crossings of the low-balance threshold, oldest first.

    Args:
        user_id (None | str | Unset):
        limit (int | Unset): page size Default: 20.
        starting_after (None | str | Unset): the previous page's next_cursor

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PageLowBalanceEventOut]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
limit=limit,
starting_after=starting_after,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    user_id: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,

) -> ErrorResponse | PageLowBalanceEventOut | None:
    """ Low Balance Events

     Recorded downward crossings of the low-balance threshold, oldest first.

    Args:
        user_id (None | str | Unset):
        limit (int | Unset): page size Default: 20.
        starting_after (None | str | Unset): the previous page's next_cursor

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PageLowBalanceEventOut
     """


    return sync_detailed(
        client=client,
user_id=user_id,
limit=limit,
starting_after=starting_after,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    user_id: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,

) -> Response[ErrorResponse | PageLowBalanceEventOut]:
    """ Low Balance Events

     Recorded downward crossings of the low-balance threshold, oldest first.

    Args:
        user_id (None | str | Unset):
        limit (int | Unset): page size Default: 20.
        starting_after (None | str | Unset): the previous page's next_cursor

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PageLowBalanceEventOut]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
limit=limit,
starting_after=starting_after,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    user_id: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,

) -> ErrorResponse | PageLowBalanceEventOut | None:
    """ Low Balance Events

     Recorded downward crossings of the low-balance threshold, oldest first.

    Args:
        user_id (None | str | Unset):
        limit (int | Unset): page size Default: 20.
        starting_after (None | str | Unset): the previous page's next_cursor

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PageLowBalanceEventOut
     """


    return (await asyncio_detailed(
        client=client,
user_id=user_id,
limit=limit,
starting_after=starting_after,

    )).parsed
