"""MAC addresses in lower case, without lower-casing the same spelling again and again.

Rules key their state by lower-case MAC, and the busiest do so for every event. ``str.lower``
makes a new string each time (which then has to be hashed again), and ``str.islower`` is no
cheaper a test: it looks at every character, and is False for a MAC without letters. A
:class:`LowerMacs` remembers the lower-case form of each spelling seen: one dictionary lookup.
"""

from __future__ import annotations

#: Spellings remembered; beyond, each further one is lower-cased every time (memory stays
#: bounded whatever a controller sends).
MAX_SPELLINGS = 100_000


class LowerMacs(dict[str, str]):
    """``macs[mac]`` is ``mac.lower()``."""

    __slots__ = ()

    def __missing__(self, mac: str) -> str:
        low = mac.lower()
        if len(self) < MAX_SPELLINGS:
            self[mac] = low
        return low
