from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.score_in import ScoreIn
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    escrow_id: str,
    *,
    body: ScoreIn,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/escrow/{escrow_id}/validate".format(escrow_id=quote(str(escrow_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | None:
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    escrow_id: str,
    *,
    client: AuthenticatedClient,
    body: ScoreIn,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorResponse]:
    """ Validate Escrow

     A validator scores delivered work; at/above the threshold it releases (policy allowing).

    Args:
        escrow_id (str):
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (ScoreIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse]
     """


    kwargs = _get_kwargs(
        escrow_id=escrow_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    escrow_id: str,
    *,
    client: AuthenticatedClient,
    body: ScoreIn,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorResponse | None:
    """ Validate Escrow

     A validator scores delivered work; at/above the threshold it releases (policy allowing).

    Args:
        escrow_id (str):
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (ScoreIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse
     """


    return sync_detailed(
        escrow_id=escrow_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    escrow_id: str,
    *,
    client: AuthenticatedClient,
    body: ScoreIn,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorResponse]:
    """ Validate Escrow

     A validator scores delivered work; at/above the threshold it releases (policy allowing).

    Args:
        escrow_id (str):
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (ScoreIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse]
     """


    kwargs = _get_kwargs(
        escrow_id=escrow_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    escrow_id: str,
    *,
    client: AuthenticatedClient,
    body: ScoreIn,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorResponse | None:
    """ Validate Escrow

     A validator scores delivered work; at/above the threshold it releases (policy allowing).

    Args:
        escrow_id (str):
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (ScoreIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse
     """


    return (await asyncio_detailed(
        escrow_id=escrow_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
