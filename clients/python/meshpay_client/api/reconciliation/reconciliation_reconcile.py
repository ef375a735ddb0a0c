from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.reconcile_report_out import ReconcileReportOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    since: None | str | Unset = UNSET,
    fix: bool | Unset = True,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    else:
        json_since = since
    params["since"] = json_since

    params["fix"] = fix


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/admin/reconcile",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | ReconcileReportOut | None:
    if response.status_code == 200:
        response_200 = ReconcileReportOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | ReconcileReportOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    since: None | str | Unset = UNSET,
    fix: bool | Unset = True,

) -> Response[ErrorResponse | ReconcileReportOut]:
    """ Reconcile

    Args:
        since (None | str | Unset): ISO 8601; default: the lookback
        fix (bool | Unset): start the repair of safe differences Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReconcileReportOut]
     """


    kwargs = _get_kwargs(
        since=since,
fix=fix,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    since: None | str | Unset = UNSET,
    fix: bool | Unset = True,

) -> ErrorResponse | ReconcileReportOut | None:
    """ Reconcile

    Args:
        since (None | str | Unset): ISO 8601; default: the lookback
        fix (bool | Unset): start the repair of safe differences Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReconcileReportOut
     """


    return sync_detailed(
        client=client,
since=since,
fix=fix,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    since: None | str | Unset = UNSET,
    fix: bool | Unset = True,

) -> Response[ErrorResponse | ReconcileReportOut]:
    """ Reconcile

    Args:
        since (None | str | Unset): ISO 8601; default: the lookback
        fix (bool | Unset): start the repair of safe differences Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReconcileReportOut]
     """


    kwargs = _get_kwargs(
        since=since,
fix=fix,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    since: None | str | Unset = UNSET,
    fix: bool | Unset = True,

) -> ErrorResponse | ReconcileReportOut | None:
    """ Reconcile

    Args:
        since (None | str | Unset): ISO 8601; default: the lookback
        fix (bool | Unset): start the repair of safe differences Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReconcileReportOut
     """


    return (await asyncio_detailed(
        client=client,
since=since,
fix=fix,

    )).parsed
