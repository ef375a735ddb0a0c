from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.webhooks_paypal_response_webhooks_paypal import WebhooksPaypalResponseWebhooksPaypal
from typing import cast



def _get_kwargs(
    
) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/webhooks/paypal",
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | WebhooksPaypalResponseWebhooksPaypal | None:
    if response.status_code == 200:
        response_200 = WebhooksPaypalResponseWebhooksPaypal.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | WebhooksPaypalResponseWebhooksPaypal]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,

) -> Response[ErrorResponse | WebhooksPaypalResponseWebhooksPaypal]:
    """ Paypal Webhook

     Cheap checks (header shapes, certificate host, transmission time), then PayPal's
    verify-webhook-signature API for MESHPAY_PAYPAL_WEBHOOK_ID (once per distinct delivery), then the
    inbox (deduplicated by the event id), then the PaymentWorkflow is signalled once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhooksPaypalResponseWebhooksPaypal]
     """


    kwargs = _get_kwargs(
        
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,

) -> ErrorResponse | WebhooksPaypalResponseWebhooksPaypal | None:
    """ Paypal Webhook

     Cheap checks (header shapes, certificate host, transmission time), then PayPal's
    verify-webhook-signature API for MESHPAY_PAYPAL_WEBHOOK_ID (once per distinct delivery), then the
    inbox (deduplicated by the event id), then the PaymentWorkflow is signalled once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhooksPaypalResponseWebhooksPaypal
     """


    return sync_detailed(
        client=client,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,

) -> Response[ErrorResponse | WebhooksPaypalResponseWebhooksPaypal]:
    """ Paypal Webhook

     Cheap checks (header shapes, certificate host, transmission time), then PayPal's
    verify-webhook-signature API for MESHPAY_PAYPAL_WEBHOOK_ID (once per distinct delivery), then the
    inbox (deduplicated by the event id), then the PaymentWorkflow is signalled once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhooksPaypalResponseWebhooksPaypal]
     """


    kwargs = _get_kwargs(
        
    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,

) -> ErrorResponse | WebhooksPaypalResponseWebhooksPaypal | None:
    """ Paypal Webhook

     Cheap checks (header shapes, certificate host, transmission time), then PayPal's
    verify-webhook-signature API for MESHPAY_PAYPAL_WEBHOOK_ID (once per distinct delivery), then the
    inbox (deduplicated by the event id), then the PaymentWorkflow is signalled once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhooksPaypalResponseWebhooksPaypal
     """


    return (await asyncio_detailed(
        client=client,

    )).parsed
