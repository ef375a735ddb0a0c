from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.deduct_in import DeductIn
from ...models.deduct_out import DeductOut
from ...models.error_response import ErrorResponse
from typing import cast



def _get_kwargs(
    *,
    body: DeductIn,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/credits/deduct",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeductOut | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DeductOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DeductOut | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: DeductIn,

) -> Response[DeductOut | ErrorResponse]:
    """ Deduct

     Charge a user's credits for an agent execution. An agent must name the user's mandate to it
    (403 mandate_required; 404 mandate_not_found for anyone else's; 409 mandate_cap_exceeded,
    mandate_expired, mandate_revoked); services and admins may deduct without one. The same
    `reference` from the same caller never deducts twice: a repeat of the same charge answers with
    the first result, a different charge under it is 409 idempotency_key_conflict. Not enough
    available credits: 409 insufficient_credits.

    Args:
        body (DeductIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeductOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: DeductIn,

) -> DeductOut | ErrorResponse | None:
    """ Deduct

     Charge a user's credits for an agent execution. An agent must name the user's mandate to it
    (403 mandate_required; 404 mandate_not_found for anyone else's; 409 mandate_cap_exceeded,
    mandate_expired, mandate_revoked); services and admins may deduct without one. The same
    `reference` from the same caller never deducts twice: a repeat of the same charge answers with
    the first result, a different charge under it is 409 idempotency_key_conflict. Not enough
    available credits: 409 insufficient_credits.

    Args:
        body (DeductIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeductOut | ErrorResponse
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: DeductIn,

) -> Response[DeductOut | ErrorResponse]:
    """ Deduct

     Charge a user's credits for an agent execution. An agent must name the user's mandate to it
    (403 mandate_required; 404 mandate_not_found for anyone else's; 409 mandate_cap_exceeded,
    mandate_expired, mandate_revoked); services and admins may deduct without one. The same
    `reference` from the same caller never deducts twice: a repeat of the same charge answers with
    the first result, a different charge under it is 409 idempotency_key_conflict. Not enough
    available credits: 409 insufficient_credits.

    Args:
        body (DeductIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeductOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: DeductIn,

) -> DeductOut | ErrorResponse | None:
    """ Deduct

     Charge a user's credits for an agent execution. An agent must name the user's mandate to it
    (403 mandate_required; 404 mandate_not_found for anyone else's; 409 mandate_cap_exceeded,
    mandate_expired, mandate_revoked); services and admins may deduct without one. The same
    `reference` from the same caller never deducts twice: a repeat of the same charge answers with
    the first result, a different charge under it is 409 idempotency_key_conflict. Not enough
    available credits: 409 insufficient_credits.

    Args:
        body (DeductIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeductOut | ErrorResponse
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
