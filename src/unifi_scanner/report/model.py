"""The report as data: the ``unifi-scanner/report/v1`` document every format renders.

``report.json`` is a contract other tools read (documented in docs/report-json.md): fields
are only ever added, never renamed or removed, within ``v1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from unifi_scanner.analyze.engine import Analysis
from unifi_scanner.analyze.findings import Finding

SCHEMA = "unifi-scanner/report/v1"


@dataclass(frozen=True, slots=True)
class ControllerInfo:
    """Which controller and site a report is about."""

    url: str
    flavour: str
    version: str
    site: str


def iso(ms: int) -> str:
    """Epoch ms as ISO 8601 UTC with a ``Z`` (millisecond precision when it has any)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    spec = "milliseconds" if ms % 1000 else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def finding_document(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "rule": finding.rule,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "title": finding.title,
        "explanation": finding.explanation,
        "remediation": list(finding.remediation),
        "count": finding.count,
        "first_seen": iso(finding.first_seen_ms),
        "last_seen": iso(finding.last_seen_ms),
        "subjects": [
            {"kind": subject.kind, "id": subject.id, "name": subject.name}
            for subject in finding.subjects
        ],
    }


def build_report(
    analysis: Analysis, controller: ControllerInfo, *, generated_at_ms: int
) -> dict[str, Any]:
    """The report document for one analysed site and period."""
    return {
        "schema": SCHEMA,
        "generated_at": iso(generated_at_ms),
        "period": {
            "start": iso(analysis.period_start_ms),
            "end": iso(analysis.period_end_ms),
        },
        "controller": {
            "url": controller.url,
            "flavour": controller.flavour,
            "version": controller.version,
            "site": controller.site,
        },
        "summary": {
            "events": analysis.events,
            "by_key": dict(sorted(analysis.by_key.items(), key=lambda kv: (-kv[1], kv[0]))),
            "findings_by_severity": analysis.by_severity(),
        },
        "findings": [finding_document(finding) for finding in analysis.findings],
    }
