from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.by_agent_out import ByAgentOut
from ...models.error_response import ErrorResponse
from ...models.stats_out import StatsOut
from ...types import UNSET, Unset
from typing import cast
from typing import Literal, cast
import datetime



def _get_kwargs(
    *,
    user_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    group_by: Literal['agent'] | None | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_user_id: None | str | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["user_id"] = json_user_id

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    json_group_by: Literal['agent'] | None | Unset
    if isinstance(group_by, Unset):
        json_group_by = UNSET
    else:
        json_group_by = group_by
    params["group_by"] = json_group_by


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/payments/credits/stats",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ByAgentOut | StatsOut | ErrorResponse | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> ByAgentOut | StatsOut:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = StatsOut.from_dict(data)



                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = ByAgentOut.from_dict(data)



            return response_200_type_1

        response_200 = _parse_response_200(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ByAgentOut | StatsOut | ErrorResponse]:
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
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    group_by: Literal['agent'] | None | Unset = UNSET,

) -> Response[ByAgentOut | StatsOut | ErrorResponse]:
    """ Stats

     Totals purchased, rewarded, spent (net of nothing: refunds are their own line), refunded and
    expired in [from, to), and the available balance now. `group_by=agent`: the deducts in the
    period per agent they paid for (charges, spent, refunded of them since, net).

    Args:
        user_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        group_by (Literal['agent'] | None | Unset): agent: spend per agent paid

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ByAgentOut | StatsOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
from_=from_,
to=to,
group_by=group_by,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    user_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    group_by: Literal['agent'] | None | Unset = UNSET,

) -> ByAgentOut | StatsOut | ErrorResponse | None:
    """ Stats

     Totals purchased, rewarded, spent (net of nothing: refunds are their own line), refunded and
    expired in [from, to), and the available balance now. `group_by=agent`: the deducts in the
    period per agent they paid for (charges, spent, refunded of them since, net).

    Args:
        user_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        group_by (Literal['agent'] | None | Unset): agent: spend per agent paid

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ByAgentOut | StatsOut | ErrorResponse
     """


    return sync_detailed(
        client=client,
user_id=user_id,
from_=from_,
to=to,
group_by=group_by,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    user_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    group_by: Literal['agent'] | None | Unset = UNSET,

) -> Response[ByAgentOut | StatsOut | ErrorResponse]:
    """ Stats

     Totals purchased, rewarded, spent (net of nothing: refunds are their own line), refunded and
    expired in [from, to), and the available balance now. `group_by=agent`: the deducts in the
    period per agent they paid for (charges, spent, refunded of them since, net).

    Args:
        user_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        group_by (Literal['agent'] | None | Unset): agent: spend per agent paid

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ByAgentOut | StatsOut | ErrorResponse]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
from_=from_,
to=to,
group_by=group_by,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    user_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    group_by: Literal['agent'] | None | Unset = UNSET,

) -> ByAgentOut | StatsOut | ErrorResponse | None:
    """ Stats

     Totals purchased, rewarded, spent (net of nothing: refunds are their own line), refunded and
    expired in [from, to), and the available balance now. `group_by=agent`: the deducts in the
    period per agent they paid for (charges, spent, refunded of them since, net).

    Args:
        user_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset):
        to (datetime.datetime | None | Unset):
        group_by (Literal['agent'] | None | Unset): agent: spend per agent paid

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ByAgentOut | StatsOut | ErrorResponse
     """


    return (await asyncio_detailed(
        client=client,
user_id=user_id,
from_=from_,
to=to,
group_by=group_by,

    )).parsed
