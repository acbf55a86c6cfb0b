"""Rendering the report document as JSON, plain text and HTML.

Every string that came from a controller (names, signatures, messages) is untrusted: HTML
escapes it (Jinja2 autoescape), text strips control and bidirectional-override characters so
a hostile hostname cannot rewrite a terminal or reorder a line.
"""

from __future__ import annotations

import re
import textwrap
from datetime import datetime, tzinfo
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, select_autoescape

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

SEVERITY_LABELS = {"severe": "Severe", "medium": "Medium", "low": "Low"}


def clean(text: object) -> str:
    """Text without control characters or bidi overrides (safe for terminals and mail)."""
    return _UNSAFE.sub("", str(text))


def local_time(iso_text: str, tz: tzinfo | None = None, *, with_date: bool = True) -> str:
    """``Sat 28 Nov 2026 14:05`` in ``tz`` (the machine's zone when None)."""
    moment = datetime.fromisoformat(iso_text.replace("Z", "+00:00")).astimezone(tz)
    return moment.strftime("%a %d %b %Y %H:%M" if with_date else "%H:%M")


def span(first: str, last: str, tz: tzinfo | None = None) -> str:
    """``Sat 28 Nov 2026 14:05`` or ``… 14:05 – 16:40`` or across days in full."""
    a = datetime.fromisoformat(first.replace("Z", "+00:00")).astimezone(tz)
    b = datetime.fromisoformat(last.replace("Z", "+00:00")).astimezone(tz)
    if a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0):
        return local_time(first, tz)
    if a.date() == b.date():
        return f"{local_time(first, tz)} – {b.strftime('%H:%M')}"
    return f"{local_time(first, tz)} – {local_time(last, tz)}"


def zone_label(tz: tzinfo | None = None) -> str:
    moment = datetime.now().astimezone(tz)
    return moment.strftime("%Z") or moment.strftime("UTC%z")


def flavour_label(flavour: str) -> str:
    """How people call the kind of controller."""
    return {"unifi-os": "UniFi OS", "classic": "classic controller"}.get(flavour, clean(flavour))


def render_json(report: dict[str, Any]) -> bytes:
    return orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"


def render_text(report: dict[str, Any], tz: tzinfo | None = None) -> str:
    """A plain-text report that reads well in a terminal, a log or a text-only mail."""
    controller = report["controller"]
    summary = report["summary"]
    counts = summary["findings_by_severity"]
    wrap = textwrap.TextWrapper(
        width=78, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False
    )
    out = [
        f"UniFi network report: site {clean(controller['site'])}",
        f"Controller: {clean(controller['url'])} ({flavour_label(controller['flavour'])}, "
        f"Network {clean(controller['version'])})",
        f"Period:     {span(report['period']['start'], report['period']['end'], tz)} "
        f"({zone_label(tz)})",
        f"Events:     {summary['events']:,}",
        f"Findings:   {counts['severe']} severe, {counts['medium']} medium, {counts['low']} low",
    ]
    if summary.get("sources"):
        fed = ", ".join(f"{clean(k)} ({v:,})" for k, v in summary["sources"].items())
        out.append(f"Sources:    {fed}")
    gaps = report.get("gaps") or []
    if gaps:
        unfilled = [g for g in gaps if g["backfill"] != "filled"]
        line = f"Gaps:       {len(gaps)} without the event socket"
        if unfilled:
            spans = "; ".join(
                f"{span(g['start'], g['end'], tz)} ({g['backfill']})" for g in unfilled[:5]
            )
            line += f", {len(unfilled)} not back-filled: {spans}"
        else:
            line += ", all back-filled from the controller's history"
        out.append(line)
    by_status = summary.get("findings_by_status")
    if by_status is not None:
        out.append(
            f"Since the last report: {by_status.get('new', 0)} new, "
            f"{by_status.get('ongoing', 0)} ongoing, {len(report.get('resolved', []))} resolved"
        )
    out.append("")
    if not report["findings"]:
        out.append("No findings: nothing in this period needs your attention.")
    number = 0
    for severity in ("severe", "medium", "low"):
        group = [f for f in report["findings"] if f["severity"] == severity]
        if not group:
            continue
        out += [SEVERITY_LABELS[severity].upper(), "-" * len(severity)]
        for finding in group:
            number += 1
            tag = " (new)" if finding.get("status") == "new" else ""
            out.append(f"[{number}] {clean(finding['title'])}{tag}")
            out += wrap.wrap(clean(finding["explanation"]))
            out.append(
                f"    Seen {finding['count']:,} × "
                f"{span(finding['first_seen'], finding['last_seen'], tz)}"
            )
            if finding["remediation"]:
                out.append("    What to do:")
                step_wrap = textwrap.TextWrapper(
                    width=78, subsequent_indent="         ", break_on_hyphens=False
                )
                for index, step in enumerate(finding["remediation"], 1):
                    out += step_wrap.wrap(f"      {index}. {clean(step)}")
            out.append("")
    if report.get("resolved"):
        out += ["RESOLVED SINCE THE LAST REPORT", "-" * 30]
        out += [
            f"  - {clean(item['title'])} (last seen {local_time(item['last_seen'], tz)})"
            for item in report["resolved"]
        ]
        out.append("")
    if summary["by_key"]:
        out.append("EVENTS BY KEY")
        out += [f"  {count:>8,}  {clean(key)}" for key, count in summary["by_key"].items()]
    return "\n".join(out).rstrip() + "\n"


_env = Environment(
    loader=PackageLoader("unifi_scanner.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(report: dict[str, Any], tz: tzinfo | None = None) -> str:
    """A self-contained HTML page: no scripts, no external assets, tables for layout."""
    template = _env.get_template("report.html.j2")
    findings = report["findings"]
    groups = [
        (severity, SEVERITY_LABELS[severity], [f for f in findings if f["severity"] == severity])
        for severity in ("severe", "medium", "low")
    ]
    return template.render(
        report=report,
        groups=[g for g in groups if g[2]],
        span=lambda a, b: span(a, b, tz),
        period=span(report["period"]["start"], report["period"]["end"], tz),
        zone=zone_label(tz),
        generated=local_time(report["generated_at"], tz),
        clean=clean,
        flavour=flavour_label(report["controller"]["flavour"]),
    )
