from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="DeliverIn")



@_attrs_define
class DeliverIn:
    """ 
        Attributes:
            evidence_url (None | str | Unset):
            validation_score (float | None | str | Unset): validators only (role service or a configured id); anyone else:
                403
     """

    evidence_url: None | str | Unset = UNSET
    validation_score: float | None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        evidence_url: None | str | Unset
        if isinstance(self.evidence_url, Unset):
            evidence_url = UNSET
        else:
            evidence_url = self.evidence_url

        validation_score: float | None | str | Unset
        if isinstance(self.validation_score, Unset):
            validation_score = UNSET
        else:
            validation_score = self.validation_score


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if evidence_url is not UNSET:
            field_dict["evidence_url"] = evidence_url
        if validation_score is not UNSET:
            field_dict["validation_score"] = validation_score

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_evidence_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        evidence_url = _parse_evidence_url(d.pop("evidence_url", UNSET))


        def _parse_validation_score(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        validation_score = _parse_validation_score(d.pop("validation_score", UNSET))


        deliver_in = cls(
            evidence_url=evidence_url,
            validation_score=validation_score,
        )

        return deliver_in

