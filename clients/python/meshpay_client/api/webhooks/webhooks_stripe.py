from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.webhooks_stripe_response_webhooks_stripe import WebhooksStripeResponseWebhooksStripe
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    stripe_signature: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(stripe_signature, Unset):
        headers["Stripe-Signature"] = stripe_signature



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/webhooks/stripe",
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | WebhooksStripeResponseWebhooksStripe | None:
    if response.status_code == 200:
        response_200 = WebhooksStripeResponseWebhooksStripe.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | WebhooksStripeResponseWebhooksStripe]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,

) -> Response[ErrorResponse | WebhooksStripeResponseWebhooksStripe]:
    """ Stripe Webhook

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhooksStripeResponseWebhooksStripe]
     """


    kwargs = _get_kwargs(
        stripe_signature=stripe_signature,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,

) -> ErrorResponse | WebhooksStripeResponseWebhooksStripe | None:
    """ Stripe Webhook

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhooksStripeResponseWebhooksStripe
     """


    return sync_detailed(
        client=client,
stripe_signature=stripe_signature,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,

) -> Response[ErrorResponse | WebhooksStripeResponseWebhooksStripe]:
    """ Stripe Webhook

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhooksStripeResponseWebhooksStripe]
     """


    kwargs = _get_kwargs(
        stripe_signature=stripe_signature,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,

) -> ErrorResponse | WebhooksStripeResponseWebhooksStripe | None:
    """ Stripe Webhook

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhooksStripeResponseWebhooksStripe
     """


    return (await asyncio_detailed(
        client=client,
stripe_signature=stripe_signature,

    )).parsed
