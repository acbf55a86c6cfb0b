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
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.report import sections
from unifi_scanner.report.activity import EventTally
from unifi_scanner.report.fleet import DeviceTally
from unifi_scanner.report.fmt import zone
from unifi_scanner.report.headline import health

SCHEMA = "unifi-scanner/report/v1"


@dataclass(frozen=True, slots=True)
class ControllerInfo:
    """Which controller and site a report is about."""

    url: str
    flavour: str
    version: str
    site: str
    description: str = ""
    """The site's description ("Home network"); empty when the controller gave none."""


def iso(ms: int) -> str:
    """Epoch ms as ISO 8601 UTC with a ``Z`` (millisecond precision when it has any)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    spec = "milliseconds" if ms % 1000 else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def finding_document(finding: Finding, status: str | None = None) -> dict[str, Any]:
    """One finding as in ``report.json``; ``status`` (new/ongoing) when it was compared."""
    document = {
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
    if status is not None:
        document["status"] = status
    return document


@dataclass(frozen=True, slots=True)
class GapInfo:
    """A stretch without the event socket, and whether REST history filled it."""

    start_ms: int
    end_ms: int
    backfill: str
    recovered: int


def build_report(
    analysis: Analysis,
    controller: ControllerInfo,
    *,
    generated_at_ms: int,
    sources: dict[str, int] | None = None,
    gaps: list[GapInfo] | None = None,
    timezone: str = "UTC",
    activity: EventTally | None = None,
    fleet: DeviceTally | None = None,
    inventory: Inventory | None = None,
) -> dict[str, Any]:
    """The report document for one analysed site and period.

    When the analysis was compared with a previous report, every finding carries ``status``,
    the summary ``findings_by_status``, and ``resolved`` lists what went away. When snapshots
    were analysed, the summary says how many (``snapshots``).

    ``timezone`` (IANA name) is the zone the report is read in: the health sentence and the
    chart bins use it, and renderers default to it. ``activity`` and ``fleet`` (the tallies
    that watched the analysed events and device snapshots) add the charts and the wireless,
    device, security and connectivity sections; ``inventory`` names what they list.
    """
    comparison = analysis.comparison
    findings = [
        finding_document(
            finding, comparison.status(finding.id).value if comparison is not None else None
        )
        for finding in analysis.findings
    ]
    status, sentence = health(
        findings, analysis.events, iso(analysis.period_start_ms), zone(timezone)
    )
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "generated_at": iso(generated_at_ms),
        "timezone": timezone,
        "period": {
            "start": iso(analysis.period_start_ms),
            "end": iso(analysis.period_end_ms),
        },
        "controller": {
            "url": controller.url,
            "flavour": controller.flavour,
            "version": controller.version,
            "site": controller.site,
            "site_description": controller.description,
        },
        "summary": {
            "events": analysis.events,
            "by_key": dict(sorted(analysis.by_key.items(), key=lambda kv: (-kv[1], kv[0]))),
            "findings_by_severity": analysis.by_severity(),
            "health": {"status": status, "sentence": sentence},
        },
        "findings": findings,
    }
    if sources is not None:
        report["summary"]["sources"] = sources
    if gaps is not None:
        report["gaps"] = [
            {
                "start": iso(gap.start_ms),
                "end": iso(gap.end_ms),
                "backfill": gap.backfill,
                "recovered": gap.recovered,
            }
            for gap in gaps
        ]
    if analysis.device_snapshots or analysis.client_snapshots:
        report["summary"]["snapshots"] = {
            "devices": analysis.device_snapshots,
            "clients": analysis.client_snapshots,
        }
    if comparison is not None:
        report["summary"]["findings_by_status"] = comparison.counts()
        report["resolved"] = [
            {
                "id": resolved.id,
                "rule": resolved.rule,
                "title": resolved.title,
                "severity": resolved.severity,
                "last_seen": resolved.last_seen,
            }
            for resolved in comparison.resolved
        ]
    if activity is not None or fleet is not None:
        report.update(sections.document(activity, fleet, inventory or Inventory(), iso))
    return report
