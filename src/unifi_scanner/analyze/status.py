"""New, ongoing, resolved: the current findings compared with the previous report's.

Findings keep their ``id`` across reports (same rule, site and subject), so the comparison is a
set operation on ids. The previous report is given as its ``findings`` list (dicts as in
``report.json``) or just their ids. Without a previous report every finding is new.

Roll-ups (:mod:`.rollup`) make ids alone mislead: which subjects of a rule stand alone and
which are folded into the rule's "N more …" card changes from report to report with their
ranking. A subject's problem that was reported in either form is not new, and one that is
still reported in either form is not resolved; the ids a roll-up stands for are recomputed
from the subjects it lists (:func:`.rollup.folded_ids`), in this report and in the previous
report's JSON. Where those are not known (the previous report given as ids or without
``subjects``, or beyond the roll-up's subject limit) the comparison is by id alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.analyze.findings import Finding, Subject
from unifi_scanner.analyze.rollup import folded_ids


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


def _listed(entry: Mapping[str, Any]) -> list[Subject]:
    """A previous finding's well-formed ``subjects``, in order (empty when it has none)."""
    raw = entry.get("subjects")
    if not isinstance(raw, list):
        return []
    return [
        Subject(item["kind"], item["id"], _text(item, "name"))
        for item in raw
        if isinstance(item, Mapping)
        and isinstance(item.get("kind"), str)
        and isinstance(item.get("id"), str)
    ]


def compare(
    current: Sequence[Finding], previous: Iterable[Mapping[str, Any] | str] | None
) -> Comparison:
    """Status of each current finding against ``previous`` (None: no previous report).

    A finding is ongoing when its id, or one its roll-up folded in, was reported before,
    standalone or folded into a roll-up. A previous finding is resolved when neither it nor
    (for a roll-up) any finding it folded in is reported now, standalone or folded in.
    """
    before: dict[str, Resolved] = {}
    folded_before: dict[str, frozenset[str]] = {}
    for entry in previous or ():
        if isinstance(entry, str):
            before.setdefault(entry, Resolved(entry))
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            ident = entry["id"]
            if ident in before:
                continue
            before[ident] = Resolved(
                ident,
                _text(entry, "rule"),
                _text(entry, "title"),
                _text(entry, "severity"),
                _text(entry, "last_seen"),
            )
            folded_before[ident] = folded_ids(ident, _text(entry, "rule"), _listed(entry))
    reported = set(before).union(*folded_before.values())
    folded_now = {
        finding.id: folded_ids(finding.id, finding.rule, finding.subjects) for finding in current
    }
    present = set(folded_now).union(*folded_now.values())
    statuses = {
        finding.id: Status.ONGOING
        if finding.id in reported or not folded_now[finding.id].isdisjoint(reported)
        else Status.NEW
        for finding in current
    }
    resolved = tuple(
        entry
        for ident, entry in before.items()
        if ident not in present and folded_before.get(ident, frozenset()).isdisjoint(present)
    )
    return Comparison(statuses, resolved)
