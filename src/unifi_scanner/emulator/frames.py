"""WebSocket message texts: the `{"meta":…,"data":[…]}` envelope and its variations.

Real controllers do not always serialise `meta` first: now and then `data` comes before
`meta`. `FrameShaper` reproduces that deterministically (every n-th frame, per emulator), so a
client that assumes a key order fails in tests, not in the field.
"""

from __future__ import annotations

from typing import Any

import orjson


def frame(
    message: str, data: list[dict[str, Any]], *, data_first: bool = False, **meta: Any
) -> str:
    """A UniFi WebSocket message: `{"meta":{"rc":"ok","message":…,**meta},"data":[…]}`."""
    envelope = {"rc": "ok", "message": message, **meta}
    body = {"data": data, "meta": envelope} if data_first else {"meta": envelope, "data": data}
    return orjson.dumps(body).decode()


class FrameShaper:
    """Builds frames, putting `data` first in a fixed share of them (`share` of 0 never)."""

    def __init__(self, share: float) -> None:
        self._share = share
        self._count = 0

    def __call__(self, message: str, data: list[dict[str, Any]], **meta: Any) -> str:
        """The next frame; whether it is data-first depends only on how many came before."""
        before = int(self._count * self._share)
        self._count += 1
        data_first = int(self._count * self._share) > before
        return frame(message, data, data_first=data_first, **meta)


MALFORMED_FRAME = '{"meta":{"rc":"ok","message":"events"},"data":[{"_id":"'
"""What the `malformed-frame` fault sends: a frame cut short, as after a truncated write."""
