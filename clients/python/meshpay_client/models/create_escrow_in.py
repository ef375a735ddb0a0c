from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_escrow_in_release_policy import CreateEscrowInReleasePolicy
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CreateEscrowIn")



@_attrs_define
class CreateEscrowIn:
    """ 
        Attributes:
            contract_id (str):
            amount (float | None | str | Unset):
            auto_release_threshold (float | None | str | Unset):
            currency (None | str | Unset):
            delivery_deadline (datetime.datetime | None | Unset):
            fee_percent (float | None | str | Unset): admin/service only; default from settings
            funding_deadline (datetime.datetime | None | Unset):
            payee_id (None | str | Unset):
            payer_id (None | str | Unset):
            quote_id (None | str | Unset):
            release_policy (CreateEscrowInReleasePolicy | Unset): what releases the money: a validator's score at the
                threshold OR the signatures (default), signatures only, or a validator's score only Default:
                CreateEscrowInReleasePolicy.SCORE_OR_SIGNATURES.
            required_signatures (int | None | Unset):
            review_period (int | None | Unset): seconds
            signers (list[str] | None | Unset):
     """

    contract_id: str
    amount: float | None | str | Unset = UNSET
    auto_release_threshold: float | None | str | Unset = UNSET
    currency: None | str | Unset = UNSET
    delivery_deadline: datetime.datetime | None | Unset = UNSET
    fee_percent: float | None | str | Unset = UNSET
    funding_deadline: datetime.datetime | None | Unset = UNSET
    payee_id: None | str | Unset = UNSET
    payer_id: None | str | Unset = UNSET
    quote_id: None | str | Unset = UNSET
    release_policy: CreateEscrowInReleasePolicy | Unset = CreateEscrowInReleasePolicy.SCORE_OR_SIGNATURES
    required_signatures: int | None | Unset = UNSET
    review_period: int | None | Unset = UNSET
    signers: list[str] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        contract_id = self.contract_id

        amount: float | None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        auto_release_threshold: float | None | str | Unset
        if isinstance(self.auto_release_threshold, Unset):
            auto_release_threshold = UNSET
        else:
            auto_release_threshold = self.auto_release_threshold

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        delivery_deadline: None | str | Unset
        if isinstance(self.delivery_deadline, Unset):
            delivery_deadline = UNSET
        elif isinstance(self.delivery_deadline, datetime.datetime):
            delivery_deadline = self.delivery_deadline.isoformat()
        else:
            delivery_deadline = self.delivery_deadline

        fee_percent: float | None | str | Unset
        if isinstance(self.fee_percent, Unset):
            fee_percent = UNSET
        else:
            fee_percent = self.fee_percent

        funding_deadline: None | str | Unset
        if isinstance(self.funding_deadline, Unset):
            funding_deadline = UNSET
        elif isinstance(self.funding_deadline, datetime.datetime):
            funding_deadline = self.funding_deadline.isoformat()
        else:
            funding_deadline = self.funding_deadline

        payee_id: None | str | Unset
        if isinstance(self.payee_id, Unset):
            payee_id = UNSET
        else:
            payee_id = self.payee_id

        payer_id: None | str | Unset
        if isinstance(self.payer_id, Unset):
            payer_id = UNSET
        else:
            payer_id = self.payer_id

        quote_id: None | str | Unset
        if isinstance(self.quote_id, Unset):
            quote_id = UNSET
        else:
            quote_id = self.quote_id

        release_policy: str | Unset = UNSET
        if not isinstance(self.release_policy, Unset):
            release_policy = self.release_policy.value


        required_signatures: int | None | Unset
        if isinstance(self.required_signatures, Unset):
            required_signatures = UNSET
        else:
            required_signatures = self.required_signatures

        review_period: int | None | Unset
        if isinstance(self.review_period, Unset):
            review_period = UNSET
        else:
            review_period = self.review_period

        signers: list[str] | None | Unset
        if isinstance(self.signers, Unset):
            signers = UNSET
        elif isinstance(self.signers, list):
            signers = self.signers


        else:
            signers = self.signers


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "contract_id": contract_id,
        })
        if amount is not UNSET:
            field_dict["amount"] = amount
        if auto_release_threshold is not UNSET:
            field_dict["auto_release_threshold"] = auto_release_threshold
        if currency is not UNSET:
            field_dict["currency"] = currency
        if delivery_deadline is not UNSET:
            field_dict["delivery_deadline"] = delivery_deadline
        if fee_percent is not UNSET:
            field_dict["fee_percent"] = fee_percent
        if funding_deadline is not UNSET:
            field_dict["funding_deadline"] = funding_deadline
        if payee_id is not UNSET:
            field_dict["payee_id"] = payee_id
        if payer_id is not UNSET:
            field_dict["payer_id"] = payer_id
        if quote_id is not UNSET:
            field_dict["quote_id"] = quote_id
        if release_policy is not UNSET:
            field_dict["release_policy"] = release_policy
        if required_signatures is not UNSET:
            field_dict["required_signatures"] = required_signatures
        if review_period is not UNSET:
            field_dict["review_period"] = review_period
        if signers is not UNSET:
            field_dict["signers"] = signers

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_id = d.pop("contract_id")

        def _parse_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))


        def _parse_auto_release_threshold(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        auto_release_threshold = _parse_auto_release_threshold(d.pop("auto_release_threshold", UNSET))


        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))


        def _parse_delivery_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivery_deadline_type_0 = datetime.datetime.fromisoformat(data)



                return delivery_deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        delivery_deadline = _parse_delivery_deadline(d.pop("delivery_deadline", UNSET))


        def _parse_fee_percent(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        fee_percent = _parse_fee_percent(d.pop("fee_percent", UNSET))


        def _parse_funding_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                funding_deadline_type_0 = datetime.datetime.fromisoformat(data)



                return funding_deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        funding_deadline = _parse_funding_deadline(d.pop("funding_deadline", UNSET))


        def _parse_payee_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payee_id = _parse_payee_id(d.pop("payee_id", UNSET))


        def _parse_payer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payer_id = _parse_payer_id(d.pop("payer_id", UNSET))


        def _parse_quote_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quote_id = _parse_quote_id(d.pop("quote_id", UNSET))


        _release_policy = d.pop("release_policy", UNSET)
        release_policy: CreateEscrowInReleasePolicy | Unset
        if isinstance(_release_policy,  Unset):
            release_policy = UNSET
        else:
            release_policy = CreateEscrowInReleasePolicy(_release_policy)




        def _parse_required_signatures(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        required_signatures = _parse_required_signatures(d.pop("required_signatures", UNSET))


        def _parse_review_period(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        review_period = _parse_review_period(d.pop("review_period", UNSET))


        def _parse_signers(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                signers_type_0 = cast(list[str], data)

                return signers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        signers = _parse_signers(d.pop("signers", UNSET))


        create_escrow_in = cls(
            contract_id=contract_id,
            amount=amount,
            auto_release_threshold=auto_release_threshold,
            currency=currency,
            delivery_deadline=delivery_deadline,
            fee_percent=fee_percent,
            funding_deadline=funding_deadline,
            payee_id=payee_id,
            payer_id=payer_id,
            quote_id=quote_id,
            release_policy=release_policy,
            required_signatures=required_signatures,
            review_period=review_period,
            signers=signers,
        )

        return create_escrow_in

