"""What the app refuses to start with outside `env=dev` (configuration fails closed).

Each check returns the problems it found as "MESHPAY_X: why" lines, so the error names the setting.

Secret strength is an *estimate* (we cannot know how a string was generated): the smaller of
    length × log2(pool), where pool is the sum of the character classes that appear
    (lowercase 26, uppercase 26, digits 10, anything else 33), and
    8 × (bytes zlib needs for it − 6 bytes of zlib framing), which catches repeated patterns;
and 0 if it uses fewer than 12 distinct characters (so "aaaa…" or "abcabc…" fails however long).
Secrets meshpay's operator generates (JWT, chain-watcher webhook) need >= 256 bits
(32 random bytes: `openssl rand -hex 32` = 64 hex characters ~ 331 bits; `openssl rand -base64 32`
~ 289 bits). Provider-issued secrets (Stripe API key and webhook secret, PayPal client secret) have
the provider's own length, so they need >= 128 bits after their well-known prefix (sk_live_, whsec_).
"""

from __future__ import annotations

import math
import string
import zlib
from collections.abc import Iterable
from functools import lru_cache

MIN_OWN_SECRET_BITS = 256
MIN_PROVIDER_SECRET_BITS = 128
MIN_DISTINCT_CHARACTERS = 12
_PROVIDER_PREFIXES = ("sk_live_", "rk_live_", "sk_test_", "rk_test_", "whsec_")

# The published BIP39 test mnemonic ("abandon" ×11 + "about"): every key derived from it is public.
TEST_MNEMONIC = " ".join(["abandon"] * 11 + ["about"])


def estimated_bits(secret: str) -> float:
    """min(length × log2(character-class pool), 8 × compressed size); 0 below 12 distinct characters."""
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return 0.0
    pool = 0
    pool += 26 if any(c in string.ascii_lowercase for c in secret) else 0
    pool += 26 if any(c in string.ascii_uppercase for c in secret) else 0
    pool += 10 if any(c in string.digits for c in secret) else 0
    pool += 33 if any(not (c.isascii() and c.isalnum()) for c in secret) else 0
    compressed_bits = 8 * (len(zlib.compress(secret.encode(), 9)) - 6)
    return min(len(secret) * math.log2(pool), compressed_bits)


def _strip_provider_prefix(secret: str) -> str:
    for prefix in _PROVIDER_PREFIXES:
        if secret.startswith(prefix):
            return secret[len(prefix) :]
    return secret


def secret_problems(
    own: dict[str, str], provider: dict[str, str], known_defaults: Iterable[str]
) -> list[str]:
    """Missing, default, weak or shared secrets. `own`/`provider`: setting name → value."""
    defaults = set(known_defaults)
    problems: list[str] = []
    groups = ((own, MIN_OWN_SECRET_BITS, False), (provider, MIN_PROVIDER_SECRET_BITS, True))
    for names, floor, strip in groups:
        for name, value in names.items():
            if not value:
                problems.append(f"{name}: required outside dev")
            elif value in defaults:
                problems.append(f"{name}: is the published development default")
            else:
                bits = estimated_bits(_strip_provider_prefix(value) if strip else value)
                if bits < floor:
                    problems.append(
                        f"{name}: too weak (estimated {bits:.0f} bits, need {floor}; "
                        "e.g. `openssl rand -hex 32`)"
                    )
    everything = {**own, **provider}
    seen: dict[str, str] = {}
    for name, value in everything.items():
        if value and value in seen:
            problems.append(f"{name}: must differ from {seen[value]} (one leaked secret must not open both)")
        elif value:
            seen[value] = name
    return problems


@lru_cache(maxsize=1)
def _test_vector_public_keys() -> frozenset[bytes]:
    """Account-level public keys of the test mnemonic on the usual paths (BIP44/49/84/86,
    Bitcoin, testnet and Ethereum, accounts 0-4) and its master key."""
    from bip_utils import Bip32Secp256k1, Bip39SeedGenerator

    master = Bip32Secp256k1.FromSeed(Bip39SeedGenerator(TEST_MNEMONIC).Generate())
    keys = {master.PublicKey().RawCompressed().ToBytes()}
    for purpose in (44, 49, 84, 86):
        for coin in (0, 1, 60):
            for account in range(5):
                node = master.DerivePath(f"m/{purpose}'/{coin}'/{account}'")
                keys.add(node.PublicKey().RawCompressed().ToBytes())
    return frozenset(keys)


def xpub_problem(name: str, value: str, coin: str) -> str | None:
    """Why `value` cannot be this deployment's watch-only key for `coin` ("BTC" zpub, "ETH" xpub)."""
    from bip_utils import Bip44, Bip44Coins, Bip84, Bip84Coins

    if not value:
        return f"{name}: required when crypto is enabled (or set MESHPAY_CRYPTO_ENABLED=false)"
    try:
        if coin == "BTC":
            ctx = Bip84.FromExtendedKey(value, Bip84Coins.BITCOIN)
        else:
            ctx = Bip44.FromExtendedKey(value, Bip44Coins.ETHEREUM)
    except Exception:
        return f"{name}: not a valid {'BIP84 zpub' if coin == 'BTC' else 'BIP44 xpub'} extended public key"
    if not ctx.IsPublicOnly():
        return f"{name}: is a PRIVATE extended key; give the watch-only public key"
    if ctx.PublicKey().RawCompressed().ToBytes() in _test_vector_public_keys():
        return f"{name}: is derived from the published 'abandon … about' test mnemonic"
    return None
