from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.price_in import PriceIn
from typing import cast



def _get_kwargs(
    metric: str,
    *,
    body: PriceIn,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/payments/billing/prices/{metric}".format(metric=quote(str(metric), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorResponse | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    metric: str,
    *,
    client: AuthenticatedClient,
    body: PriceIn,

) -> Response[Any | ErrorResponse]:
    r""" Set Price

     The price of a metric for everyone, a plan (scope=plan) or an account (scope=account),
    optionally only for usage with some property values (filters: {\"model\": \"gpt-4o\"}).

    Args:
        metric (str):
        body (PriceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
     """


    kwargs = _get_kwargs(
        metric=metric,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    metric: str,
    *,
    client: AuthenticatedClient,
    body: PriceIn,

) -> Any | ErrorResponse | None:
    r""" Set Price

     The price of a metric for everyone, a plan (scope=plan) or an account (scope=account),
    optionally only for usage with some property values (filters: {\"model\": \"gpt-4o\"}).

    Args:
        metric (str):
        body (PriceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
     """


    return sync_detailed(
        metric=metric,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    metric: str,
    *,
    client: AuthenticatedClient,
    body: PriceIn,

) -> Response[Any | ErrorResponse]:
    r""" Set Price

     The price of a metric for everyone, a plan (scope=plan) or an account (scope=account),
    optionally only for usage with some property values (filters: {\"model\": \"gpt-4o\"}).

    Args:
        metric (str):
        body (PriceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
     """


    kwargs = _get_kwargs(
        metric=metric,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    metric: str,
    *,
    client: AuthenticatedClient,
    body: PriceIn,

) -> Any | ErrorResponse | None:
    r""" Set Price

     The price of a metric for everyone, a plan (scope=plan) or an account (scope=account),
    optionally only for usage with some property values (filters: {\"model\": \"gpt-4o\"}).

    Args:
        metric (str):
        body (PriceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
     """


    return (await asyncio_detailed(
        metric=metric,
client=client,
body=body,

    )).parsed
