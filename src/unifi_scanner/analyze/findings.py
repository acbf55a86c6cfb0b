"""What analysis produces: findings, each one rule applied to one subject."""

from __future__ import annotations

import enum
import hashlib
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
    """Something a finding is about: a client, a device, an IP address, a signature, a site."""

    kind: str
    id: str
    name: str


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
