from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="QuoteCreate")



@_attrs_define
class QuoteCreate:
    """ No base price: a quote starts from the agent's listed price (PUT /pricing/agents/{id}/prices).

        Attributes:
            agent_id (str):
            currency (str | Unset): which of the agent's listed prices Default: 'USD'.
            quantity (int | Unset):  Default: 1.
            ttl_seconds (int | None | Unset): default 15 minutes
     """

    agent_id: str
    currency: str | Unset = 'USD'
    quantity: int | Unset = 1
    ttl_seconds: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        currency = self.currency

        quantity = self.quantity

        ttl_seconds: int | None | Unset
        if isinstance(self.ttl_seconds, Unset):
            ttl_seconds = UNSET
        else:
            ttl_seconds = self.ttl_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "agent_id": agent_id,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        currency = d.pop("currency", UNSET)

        quantity = d.pop("quantity", UNSET)

        def _parse_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl_seconds = _parse_ttl_seconds(d.pop("ttl_seconds", UNSET))


        quote_create = cls(
            agent_id=agent_id,
            currency=currency,
            quantity=quantity,
            ttl_seconds=ttl_seconds,
        )

        return quote_create

