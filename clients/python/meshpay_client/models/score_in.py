from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ScoreIn")



@_attrs_define
class ScoreIn:
    """ 
        Attributes:
            validation_score (float | str):
     """

    validation_score: float | str





    def to_dict(self) -> dict[str, Any]:
        validation_score: float | str
        validation_score = self.validation_score


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "validation_score": validation_score,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_validation_score(data: object) -> float | str:
            return cast(float | str, data)

        validation_score = _parse_validation_score(d.pop("validation_score"))


        score_in = cls(
            validation_score=validation_score,
        )

        return score_in

