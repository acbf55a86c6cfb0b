"""New, ongoing, resolved: the current findings compared with the previous report's.

Findings keep their ``id`` across reports (same rule, site and subject), so the comparison is a
set operation on ids. The previous report is given as its ``findings`` list (dicts as in
``report.json``) or just their ids. Without a previous report every finding is new.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.analyze.findings import Finding


class Status(enum.StrEnum):
    NEW = "new"
    ONGOING = "ongoing"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A finding of the previous report that is not there any more.

    ``rule``, ``title`` and ``severity`` are empty when the previous report was given as ids.
    """

    id: str
    rule: str = ""
    title: str = ""
    severity: str = ""
    last_seen: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    """Each current finding's status, and what was resolved since the previous report."""

    statuses: Mapping[str, Status] = field(default_factory=dict)
    resolved: tuple[Resolved, ...] = ()

    def status(self, finding_id: str) -> Status:
        return self.statuses.get(finding_id, Status.NEW)

    def counts(self) -> dict[str, int]:
        """``{"new": n, "ongoing": m, "resolved": k}``."""
        new = sum(1 for status in self.statuses.values() if status is Status.NEW)
        return {
            "new": new,
            "ongoing": len(self.statuses) - new,
            "resolved": len(self.resolved),
        }


def _text(entry: Mapping[str, Any], name: str) -> str:
    value = entry.get(name)
    return value if isinstance(value, str) else ""


def compare(
    current: Sequence[Finding], previous: Iterable[Mapping[str, Any] | str] | None
) -> Comparison:
    """Status of each current finding against ``previous`` (None: no previous report)."""
    before: dict[str, Resolved] = {}
    for entry in previous or ():
        if isinstance(entry, str):
            before.setdefault(entry, Resolved(entry))
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            ident = entry["id"]
            before.setdefault(
                ident,
                Resolved(
                    ident,
                    _text(entry, "rule"),
                    _text(entry, "title"),
                    _text(entry, "severity"),
                    _text(entry, "last_seen"),
                ),
            )
    statuses = {
        finding.id: Status.ONGOING if finding.id in before else Status.NEW for finding in current
    }
    resolved = tuple(entry for ident, entry in before.items() if ident not in statuses)
    return Comparison(statuses, resolved)
