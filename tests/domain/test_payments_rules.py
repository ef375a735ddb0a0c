"""Pure payment rules: status machine, crypto quotes and decisions, card-data detection, and the
watch-only address derivation against the published BIP84 / BIP44 test vectors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bip_utils import Bip39SeedGenerator, Bip44, Bip44Coins, Bip84, Bip84Coins

from config.settings import Settings
from domain import payments as rules
from domain.errors import InvalidAmount, InvalidState
from providers.crypto_provider import CryptoProvider

MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


def test_settings_xpubs_are_the_abandon_about_account_keys() -> None:
    seed = Bip39SeedGenerator(MNEMONIC).Generate()
    s = Settings()
    zpub = Bip84.FromSeed(seed, Bip84Coins.BITCOIN).Purpose().Coin().Account(0).PublicKey().ToExtended()
    xpub = Bip44.FromSeed(seed, Bip44Coins.ETHEREUM).Purpose().Coin().Account(0).PublicKey().ToExtended()
    assert s.crypto_btc_xpub == zpub
    assert s.crypto_eth_xpub == xpub


def test_derived_addresses_match_published_vectors() -> None:
    s = Settings()
    p = CryptoProvider(s.crypto_btc_xpub, s.crypto_eth_xpub)
    # BIP84 document: m/84'/0'/0'/0/0 and /0/1
    assert p.derive("BTC", 0) == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    assert p.derive("BTC", 1) == "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"
    # m/44'/60'/0'/0/0 of the same mnemonic, EIP-55 checksummed
    assert p.derive("ETH", 0) == "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    assert len({p.derive("BTC", i) for i in range(20)}) == 20


def test_status_machine_refuses_leaving_a_terminal_state() -> None:
    assert rules.can_move("pending", "requires_action") and rules.can_move("requires_action", "completed")
    for terminal in rules.TERMINAL:
        for other in rules.TRANSITIONS:
            if other != terminal:
                with pytest.raises(InvalidState):
                    rules.check_move(terminal, other)


def test_refund_precheck() -> None:
    rules.check_refundable("completed", 1000, 700, 300)
    with pytest.raises(InvalidAmount):
        rules.check_refundable("completed", 1000, 700, 301)
    with pytest.raises(InvalidState):
        rules.check_refundable("pending", 1000, 0, 1)


def test_crypto_quote_rounds_up_and_value_rounds_down() -> None:
    assert rules.crypto_quote(6000, "USD", Decimal("60000"), "BTC") == 100_000  # 60.00 USD = 0.001 BTC
    assert rules.crypto_quote(1, "USD", Decimal("60000"), "BTC") == 17  # 0.0000001666.. → up
    assert rules.crypto_to_fiat(17, "BTC", Decimal("60000"), "USD") == 1  # 1.02 cents → down
    assert rules.crypto_quote(300, "USD", Decimal("3000"), "ETH") == 10**15


@pytest.mark.parametrize(
    ("received", "expired", "want"),
    [
        (0, False, "waiting"),
        (0, True, "expired"),
        (50, False, "partially_paid"),
        (50, True, "underpaid"),
        (100, False, "completed"),
        (100, True, "completed"),
        (150, False, "overpaid"),
    ],
)
def test_crypto_decision(received: int, expired: bool, want: str) -> None:
    assert rules.crypto_decision(100, received, expired=expired) == want


@pytest.mark.parametrize(
    "doc",
    [
        {"token": "4242424242424242"},
        {"x": "4242 4242 4242 4242"},
        {"card_number": "1"},
        {"cvc": "123"},
        {"nested": [{"number": "5555-5555-5555-4444"}]},
    ],
)
def test_card_data_detected(doc: object) -> None:
    assert rules.looks_like_card_data(doc)


@pytest.mark.parametrize(
    "doc",
    [
        {"token": "pm_1234"},
        {"amount": "1234567890123.00"},
        {"payment_method_id": "meth_abc"},
        {"reference": "1234567812345678"},  # 16 digits failing Luhn
    ],
)
def test_ordinary_data_passes(doc: object) -> None:
    assert not rules.looks_like_card_data(doc)
