from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="DeadlinesOut")



@_attrs_define
class DeadlinesOut:
    """ 
        Attributes:
            arbitration (None | str):
            delivery (None | str):
            funding (None | str):
            review (None | str):
            paused_seconds (int | None | Unset): time left on the clock a dispute paused
     """

    arbitration: None | str
    delivery: None | str
    funding: None | str
    review: None | str
    paused_seconds: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        arbitration: None | str
        arbitration = self.arbitration

        delivery: None | str
        delivery = self.delivery

        funding: None | str
        funding = self.funding

        review: None | str
        review = self.review

        paused_seconds: int | None | Unset
        if isinstance(self.paused_seconds, Unset):
            paused_seconds = UNSET
        else:
            paused_seconds = self.paused_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "arbitration": arbitration,
            "delivery": delivery,
            "funding": funding,
            "review": review,
        })
        if paused_seconds is not UNSET:
            field_dict["paused_seconds"] = paused_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_arbitration(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        arbitration = _parse_arbitration(d.pop("arbitration"))


        def _parse_delivery(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        delivery = _parse_delivery(d.pop("delivery"))


        def _parse_funding(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        funding = _parse_funding(d.pop("funding"))


        def _parse_review(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        review = _parse_review(d.pop("review"))


        def _parse_paused_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        paused_seconds = _parse_paused_seconds(d.pop("paused_seconds", UNSET))


        deadlines_out = cls(
            arbitration=arbitration,
            delivery=delivery,
            funding=funding,
            review=review,
            paused_seconds=paused_seconds,
        )


        deadlines_out.additional_properties = d
        return deadlines_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
