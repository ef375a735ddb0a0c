from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.event_out_detail import EventOutDetail





T = TypeVar("T", bound="EventOut")



@_attrs_define
class EventOut:
    """ 
        Attributes:
            actor (str):
            at (str):
            detail (EventOutDetail):
            kind (str):
            seq (int):
     """

    actor: str
    at: str
    detail: EventOutDetail
    kind: str
    seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.event_out_detail import EventOutDetail
        actor = self.actor

        at = self.at

        detail = self.detail.to_dict()

        kind = self.kind

        seq = self.seq


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "actor": actor,
            "at": at,
            "detail": detail,
            "kind": kind,
            "seq": seq,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_out_detail import EventOutDetail
        d = dict(src_dict)
        actor = d.pop("actor")

        at = d.pop("at")

        detail = EventOutDetail.from_dict(d.pop("detail"))




        kind = d.pop("kind")

        seq = d.pop("seq")

        event_out = cls(
            actor=actor,
            at=at,
            detail=detail,
            kind=kind,
            seq=seq,
        )


        event_out.additional_properties = d
        return event_out

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
