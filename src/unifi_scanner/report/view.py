"""What every rendering shows, worked out once: the report as words, in one time zone.

HTML, email HTML, Markdown and text must carry the same facts. They differ in markup only, so
the choices — which times in which zone, which names shortened, how many rows of a long list
before "and N more", which findings get numbered steps — are made here, from the ``report.json``
document alone. Every string is plain text here; each renderer escapes it for its own syntax.

Lists are cut for reading, never for the record: ``report.json`` keeps them whole, and a
rendering that shows 12 of 240 access points says "and 228 more (all in report.json)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from unifi_scanner.report.fmt import (
    SEVERITIES,
    SEVERITY_LABELS,
    flavour_label,
    local_time,
    span,
    tame,
    zone,
    zone_label,
)
from unifi_scanner.report.view_sections import Sections, anchor, sections

#: Visible lengths: a controller may name a device with 10 kB; the page shows this much.
NAME_LIMIT = 60
TITLE_LIMIT = 200
TEXT_LIMIT = 1_500
STEP_LIMIT = 600
#: Findings shown per severity, and involved subjects per finding, before "and N more".
FINDINGS_SHOWN = {"severe": 60, "medium": 60, "low": 40}
SUBJECTS_SHOWN = 6
RESOLVED_SHOWN = 20
KEYS_SHOWN = 15
GAPS_SHOWN = 5


def name(text: object) -> str:
    """A name as shown in lists and tables."""
    return tame(text, NAME_LIMIT)


@dataclass(frozen=True, slots=True)
class FindingView:
    anchor: str
    severity: str
    title: str
    explanation: str
    when: str
    count: int
    category: str
    involves: list[str]
    involves_more: int
    steps: list[str]
    new: bool


@dataclass(frozen=True, slots=True)
class Group:
    severity: str
    label: str
    total: int
    findings: list[FindingView]

    @property
    def more(self) -> int:
        return self.total - len(self.findings)


@dataclass(slots=True)
class View:
    """The report as the renderers show it."""

    site: str
    controller: str
    flavour: str
    version: str
    period: str
    zone: str
    generated: str
    events: int
    counts: dict[str, int]
    health_status: str
    health: str
    quiet: bool
    sources: list[tuple[str, int]]
    gaps: str | None
    since_last: str | None
    groups: list[Group]
    resolved: list[tuple[str, str]]
    resolved_more: int
    keys: list[tuple[str, int]]
    keys_more: int
    sections: Sections
    findings_total: int = 0


def report_zone(report: dict[str, Any], tz: tzinfo | None) -> tzinfo | None:
    """``tz`` when given, else the report's own ``timezone``, else the machine's zone."""
    if tz is not None:
        return tz
    named = report.get("timezone")
    return zone(named) if isinstance(named, str) and named else None


def build_view(report: dict[str, Any], tz: tzinfo | None = None) -> View:
    """Everything a renderer needs, from the v1 document, with times in ``tz``."""
    tz = report_zone(report, tz)
    controller = report["controller"]
    summary = report["summary"]
    events = summary["events"]
    counts = {s: summary["findings_by_severity"].get(s, 0) for s in SEVERITIES}
    findings = report["findings"]
    health = summary.get("health") or {}
    by_status = summary.get("findings_by_status")
    resolved = report.get("resolved") or []
    since_last = None
    if by_status is not None:
        since_last = (
            f"Since the last report: {by_status.get('new', 0)} new, "
            f"{by_status.get('ongoing', 0)} ongoing, {len(resolved)} resolved."
        )
    groups = []
    for severity in SEVERITIES:
        group = [f for f in findings if f["severity"] == severity]
        if group:
            shown = [_finding(f, tz) for f in group[: FINDINGS_SHOWN[severity]]]
            groups.append(Group(severity, SEVERITY_LABELS[severity], len(group), shown))
    keys = list(summary.get("by_key", {}).items())
    return View(
        site=name(
            f"{controller['site_description']} ({controller['site']})"
            if controller.get("site_description")
            else controller["site"]
        ),
        controller=name(controller["url"]),
        flavour=name(flavour_label(controller["flavour"])),
        version=name(controller["version"]),
        period=span(report["period"]["start"], report["period"]["end"], tz),
        zone=zone_label(tz),
        generated=local_time(report["generated_at"], tz),
        events=events,
        counts=counts,
        health_status=str(health.get("status", "")),
        health=tame(health.get("sentence") or _fallback_health(counts), TEXT_LIMIT),
        quiet=not findings and not events,
        sources=[(name(k), v) for k, v in (summary.get("sources") or {}).items()],
        gaps=_gaps(report.get("gaps") or [], tz),
        since_last=since_last,
        groups=groups,
        resolved=[
            (
                tame(item.get("title") or item.get("rule") or item.get("id"), TITLE_LIMIT),
                local_time(item["last_seen"], tz) if item.get("last_seen") else "",
            )
            for item in resolved[:RESOLVED_SHOWN]
        ],
        resolved_more=max(0, len(resolved) - RESOLVED_SHOWN),
        keys=[(name(k), v) for k, v in keys[:KEYS_SHOWN]],
        keys_more=max(0, len(keys) - KEYS_SHOWN),
        sections=sections(report, tz, name),
        findings_total=len(findings),
    )


def _finding(finding: dict[str, Any], tz: tzinfo | None) -> FindingView:
    related = finding["subjects"][1:]
    severity = finding["severity"]
    return FindingView(
        anchor=anchor(finding["id"]),
        severity=severity,
        title=tame(finding["title"], TITLE_LIMIT),
        explanation=tame(finding["explanation"], TEXT_LIMIT),
        when=span(finding["first_seen"], finding["last_seen"], tz),
        count=finding["count"],
        category=name(finding["category"]),
        involves=[name(s["name"]) for s in related[:SUBJECTS_SHOWN]],
        involves_more=max(0, len(related) - SUBJECTS_SHOWN),
        # Low findings are information, not work: their steps stay in report.json.
        steps=[tame(step, STEP_LIMIT) for step in finding["remediation"]]
        if severity != "low"
        else [],
        new=finding.get("status") == "new",
    )


def _gaps(gaps: list[dict[str, Any]], tz: tzinfo | None) -> str | None:
    if not gaps:
        return None
    unfilled = [g for g in gaps if g["backfill"] != "filled"]
    line = f"{len(gaps)} gap(s) without the event socket"
    if not unfilled:
        return line + ", all back-filled from the controller's history"
    spans = "; ".join(
        f"{span(g['start'], g['end'], tz)} ({name(g['backfill'])})" for g in unfilled[:GAPS_SHOWN]
    )
    more = len(unfilled) - GAPS_SHOWN
    tail = f"; and {more} more" if more > 0 else ""
    return f"{line}, {len(unfilled)} not back-filled: {spans}{tail}"


def _fallback_health(counts: dict[str, int]) -> str:
    # Reports written before the health sentence existed still get one.
    if counts["severe"]:
        return "Your network needs attention: see the severe findings below."
    if counts["medium"]:
        return "Your network was mostly healthy; a few things are worth a look."
    return "Your network was healthy: nothing needs your attention."
