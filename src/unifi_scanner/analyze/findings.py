"""What analysis produces: findings, each one rule applied to one subject."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.StrEnum):
    SEVERE = "severe"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for the most severe, so sorting by rank puts severe first."""
        return _RANK[self]


_RANK = {Severity.SEVERE: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


class Category(enum.StrEnum):
    SECURITY = "security"
    CONNECTIVITY = "connectivity"
    WIRELESS = "wireless"
    PERFORMANCE = "performance"
    SYSTEM = "system"
    HEALTH = "health"


@dataclass(frozen=True, slots=True)
class Subject:
    """Something a finding is about.

    ``kind`` is one of ``site``, ``device``, ``client``, ``ip``, ``signature``, ``event-key``,
    ``admin`` (a controller login), ``network`` (an SSID or LAN by name) or ``rogue-ap`` (a
    foreign access point, by BSSID).
    """

    kind: str
    id: str
    name: str


#: How many subjects besides the primary one a finding lists. A site-wide summary over
#: thousands of clients names the busiest ones and says how many more there were, so one
#: finding stays a readable size whatever the number of events.
MAX_RELATED = 24


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule × one subject over the analysed period."""

    id: str
    rule: str
    category: Category
    severity: Severity
    title: str
    explanation: str
    remediation: tuple[str, ...]
    count: int
    first_seen_ms: int
    last_seen_ms: int
    subjects: tuple[Subject, ...] = field(default=())

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.severity.rank, -self.count, self.id)


def finding_id(site: str, rule: str, subject: Subject) -> str:
    """Stable across reports: the same problem on the same subject keeps its id."""
    text = f"{site}\x1f{rule}\x1f{subject.kind}\x1f{subject.id}"
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def subjects(primary: Subject, related: Iterable[Subject]) -> tuple[Subject, ...]:
    """The primary subject first, then at most :data:`MAX_RELATED` others, without repeats."""
    chosen = [primary]
    seen = {(primary.kind, primary.id)}
    for subject in related:
        if len(chosen) > MAX_RELATED:
            break
        marker = (subject.kind, subject.id)
        if marker not in seen:
            seen.add(marker)
            chosen.append(subject)
    return tuple(chosen)
