from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.webhooks_crypto_response_webhooks_crypto import WebhooksCryptoResponseWebhooksCrypto
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    x_meshpay_signature: None | str | Unset = UNSET,
    x_meshpay_timestamp: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_meshpay_signature, Unset):
        headers["X-Meshpay-Signature"] = x_meshpay_signature

    if not isinstance(x_meshpay_timestamp, Unset):
        headers["X-Meshpay-Timestamp"] = x_meshpay_timestamp



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/webhooks/crypto",
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | WebhooksCryptoResponseWebhooksCrypto | None:
    if response.status_code == 200:
        response_200 = WebhooksCryptoResponseWebhooksCrypto.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())



        return response_400

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | WebhooksCryptoResponseWebhooksCrypto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_meshpay_signature: None | str | Unset = UNSET,
    x_meshpay_timestamp: None | str | Unset = UNSET,

) -> Response[ErrorResponse | WebhooksCryptoResponseWebhooksCrypto]:
    r""" Crypto Webhook

     A chain watcher's deposit report {\"chain\",\"address\",\"txid\",\"amount\",\"confirmations\"},
    signed
    over \"{X-Meshpay-Timestamp}.{body}\" and refused outside the tolerance window.

    Args:
        x_meshpay_signature (None | str | Unset):
        x_meshpay_timestamp (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhooksCryptoResponseWebhooksCrypto]
     """


    kwargs = _get_kwargs(
        x_meshpay_signature=x_meshpay_signature,
x_meshpay_timestamp=x_meshpay_timestamp,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    x_meshpay_signature: None | str | Unset = UNSET,
    x_meshpay_timestamp: None | str | Unset = UNSET,

) -> ErrorResponse | WebhooksCryptoResponseWebhooksCrypto | None:
    r""" Crypto Webhook

     A chain watcher's deposit report {\"chain\",\"address\",\"txid\",\"amount\",\"confirmations\"},
    signed
    over \"{X-Meshpay-Timestamp}.{body}\" and refused outside the tolerance window.

    Args:
        x_meshpay_signature (None | str | Unset):
        x_meshpay_timestamp (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhooksCryptoResponseWebhooksCrypto
     """


    return sync_detailed(
        client=client,
x_meshpay_signature=x_meshpay_signature,
x_meshpay_timestamp=x_meshpay_timestamp,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_meshpay_signature: None | str | Unset = UNSET,
    x_meshpay_timestamp: None | str | Unset = UNSET,

) -> Response[ErrorResponse | WebhooksCryptoResponseWebhooksCrypto]:
    r""" Crypto Webhook

     A chain watcher's deposit report {\"chain\",\"address\",\"txid\",\"amount\",\"confirmations\"},
    signed
    over \"{X-Meshpay-Timestamp}.{body}\" and refused outside the tolerance window.

    Args:
        x_meshpay_signature (None | str | Unset):
        x_meshpay_timestamp (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhooksCryptoResponseWebhooksCrypto]
     """


    kwargs = _get_kwargs(
        x_meshpay_signature=x_meshpay_signature,
x_meshpay_timestamp=x_meshpay_timestamp,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    x_meshpay_signature: None | str | Unset = UNSET,
    x_meshpay_timestamp: None | str | Unset = UNSET,

) -> ErrorResponse | WebhooksCryptoResponseWebhooksCrypto | None:
    r""" Crypto Webhook

     A chain watcher's deposit report {\"chain\",\"address\",\"txid\",\"amount\",\"confirmations\"},
    signed
    over \"{X-Meshpay-Timestamp}.{body}\" and refused outside the tolerance window.

    Args:
        x_meshpay_signature (None | str | Unset):
        x_meshpay_timestamp (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhooksCryptoResponseWebhooksCrypto
     """


    return (await asyncio_detailed(
        client=client,
x_meshpay_signature=x_meshpay_signature,
x_meshpay_timestamp=x_meshpay_timestamp,

    )).parsed
