"""Deterministic identifiers: Mongo-style ObjectIds and stable pseudo-random numbers.

UniFi Network stores everything in MongoDB, so every `_id` on the wire is a 24-hex ObjectId:
a 4-byte big-endian timestamp in seconds followed by 8 more bytes. The emulator builds them from
a timestamp and a hash of stable inputs (scenario, seed, index) instead of a process counter, so
that the same scenario played from the same start time yields the same ids, while two runs that
start at different times cannot collide.

`unit_interval` gives reproducible "noise" (CPU load, channel utilisation, …) as a pure
function of its inputs: no hidden random state, and no use of `hash()`, which Python salts per
process.
"""

from __future__ import annotations

import hashlib

_TIMESTAMP_MODULUS = 2**32


def derived_bytes(*parts: object, size: int = 8) -> bytes:
    """Return `size` bytes that depend only on `parts` (BLAKE2b over their `str()` forms)."""
    material = "\x1f".join(str(part) for part in parts).encode()
    return hashlib.blake2b(material, digest_size=size).digest()


def object_id(timestamp_s: int, *parts: object) -> str:
    """Build a 24-hex ObjectId from a timestamp (seconds) and 8 bytes derived from `parts`."""
    head = (timestamp_s % _TIMESTAMP_MODULUS).to_bytes(4, "big")
    return (head + derived_bytes(*parts, size=8)).hex()


def unit_interval(*parts: object) -> float:
    """Return a number in [0, 1) that depends only on `parts`."""
    return int.from_bytes(derived_bytes(*parts, size=8), "big") / 2**64
