"""Reading a capture of raw WebSocket frames (JSON Lines) back as a frame source.

Each line is either ``{"received_at": <epoch ms>, "frame": "<raw text frame>"}`` — what
``record`` writes — or a bare frame object ``{"meta": …, "data": …}``. Lines that are
neither are counted and reported with their line numbers; they never stop the replay.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson


@dataclass(slots=True)
class CaptureProblems:
    """Lines of a capture that could not be used."""

    bad_lines: list[int] = field(default_factory=list)

    def summary(self, limit: int = 10) -> str:
        shown = ", ".join(str(n) for n in self.bad_lines[:limit])
        more = f" and {len(self.bad_lines) - limit} more" if len(self.bad_lines) > limit else ""
        return f"{len(self.bad_lines)} unusable line(s) skipped: line {shown}{more}"


def read_capture(path: Path, problems: CaptureProblems) -> Iterator[tuple[str, int]]:
    """Yield ``(raw frame text, received ms)``; bare frames get received ms 0."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            try:
                doc = orjson.loads(line)
            except orjson.JSONDecodeError:
                problems.bad_lines.append(number)
                continue
            if isinstance(doc, dict) and isinstance(doc.get("frame"), str):
                received = doc.get("received_at")
                received_ms = received if isinstance(received, int) else 0
                yield doc["frame"], received_ms
            elif isinstance(doc, dict) and "meta" in doc:
                yield line.decode("utf-8", "replace"), 0
            else:
                problems.bad_lines.append(number)
