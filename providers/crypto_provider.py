"""Watch-only crypto deposit addresses from account extended public keys (never a private key).

BTC: BIP84 (native segwit, zpub), external chain, index i. ETH: BIP44 coin 60, external chain,
EIP-55 checksummed. The database hands out indexes sequentially and never twice.
"""

from __future__ import annotations

from functools import lru_cache

from bip_utils import Bip44, Bip44Changes, Bip44Coins, Bip84, Bip84Coins


@lru_cache(maxsize=8)
def _btc_account(zpub: str) -> Bip84:
    return Bip84.FromExtendedKey(zpub, Bip84Coins.BITCOIN)


@lru_cache(maxsize=8)
def _eth_account(xpub: str) -> Bip44:
    return Bip44.FromExtendedKey(xpub, Bip44Coins.ETHEREUM)


def btc_address(zpub: str, index: int) -> str:
    return _btc_account(zpub).Change(Bip44Changes.CHAIN_EXT).AddressIndex(index).PublicKey().ToAddress()


def eth_address(xpub: str, index: int) -> str:
    return _eth_account(xpub).Change(Bip44Changes.CHAIN_EXT).AddressIndex(index).PublicKey().ToAddress()


class CryptoProvider:
    name = "crypto"

    def __init__(self, btc_zpub: str, eth_xpub: str) -> None:
        self.btc_zpub, self.eth_xpub = btc_zpub, eth_xpub

    def derive(self, chain: str, index: int) -> str:
        if index < 0:
            raise ValueError("derivation index must be >= 0")
        if chain == "BTC":
            return btc_address(self.btc_zpub, index)
        if chain == "ETH":
            return eth_address(self.eth_xpub, index)
        raise ValueError(f"unsupported chain {chain!r}")
