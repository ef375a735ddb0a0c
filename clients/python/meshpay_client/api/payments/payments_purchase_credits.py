from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.credits_purchase_in import CreditsPurchaseIn
from ...models.credits_purchase_out import CreditsPurchaseOut
from ...models.error_response import ErrorResponse
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: CreditsPurchaseIn,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/credits/purchase",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CreditsPurchaseOut | ErrorResponse | None:
    if response.status_code == 201:
        response_201 = CreditsPurchaseOut.from_dict(response.json())



        return response_201

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CreditsPurchaseOut | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreditsPurchaseIn,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[CreditsPurchaseOut | ErrorResponse]:
    """ Purchase Credits

     Buy credits at the server's price in a currency they are sold in (`credit_prices`; any
    other currency is 422); the workflow grants them once on completion. `status` is the seed's
    purchase status (processing while in flight); `payment_status` the payment's own.

    Args:
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (CreditsPurchaseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditsPurchaseOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: CreditsPurchaseIn,
    idempotency_key: None | str | Unset = UNSET,

) -> CreditsPurchaseOut | ErrorResponse | None:
    """ Purchase Credits

     Buy credits at the server's price in a currency they are sold in (`credit_prices`; any
    other currency is 422); the workflow grants them once on completion. `status` is the seed's
    purchase status (processing while in flight); `payment_status` the payment's own.

    Args:
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (CreditsPurchaseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditsPurchaseOut | ErrorResponse
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreditsPurchaseIn,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[CreditsPurchaseOut | ErrorResponse]:
    """ Purchase Credits

     Buy credits at the server's price in a currency they are sold in (`credit_prices`; any
    other currency is 422); the workflow grants them once on completion. `status` is the seed's
    purchase status (processing while in flight); `payment_status` the payment's own.

    Args:
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (CreditsPurchaseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditsPurchaseOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreditsPurchaseIn,
    idempotency_key: None | str | Unset = UNSET,

) -> CreditsPurchaseOut | ErrorResponse | None:
    """ Purchase Credits

     Buy credits at the server's price in a currency they are sold in (`credit_prices`; any
    other currency is 422); the workflow grants them once on completion. `status` is the seed's
    purchase status (processing while in flight); `payment_status` the payment's own.

    Args:
        idempotency_key (None | str | Unset): retry with the same key after a timeout or a 503:
            the move happens once
        body (CreditsPurchaseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditsPurchaseOut | ErrorResponse
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
