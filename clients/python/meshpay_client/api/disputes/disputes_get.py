from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.dispute_out import DisputeOut
from ...models.error_response import ErrorResponse
from typing import cast



def _get_kwargs(
    dispute_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/payments/disputes/{dispute_id}".format(dispute_id=quote(str(dispute_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DisputeOut | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DisputeOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DisputeOut | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dispute_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[DisputeOut | ErrorResponse]:
    """ Get Dispute

    Args:
        dispute_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DisputeOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        dispute_id=dispute_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    dispute_id: str,
    *,
    client: AuthenticatedClient,

) -> DisputeOut | ErrorResponse | None:
    """ Get Dispute

    Args:
        dispute_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DisputeOut | ErrorResponse
     """


    return sync_detailed(
        dispute_id=dispute_id,
client=client,

    ).parsed

async def asyncio_detailed(
    dispute_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[DisputeOut | ErrorResponse]:
    """ Get Dispute

    Args:
        dispute_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DisputeOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        dispute_id=dispute_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    dispute_id: str,
    *,
    client: AuthenticatedClient,

) -> DisputeOut | ErrorResponse | None:
    """ Get Dispute

    Args:
        dispute_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DisputeOut | ErrorResponse
     """


    return (await asyncio_detailed(
        dispute_id=dispute_id,
client=client,

    )).parsed
