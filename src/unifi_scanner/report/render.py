"""Rendering the report document: JSON, HTML (file and email), Markdown and plain text.

Every format shows the same facts (:mod:`.view` decides what is shown, in which zone, how
long a name may be and where a list stops with "and N more"); the modules here only mark it
up. Every string that came from a controller (names, signatures, messages) is untrusted: the
view strips control and bidirectional-override characters and folds it onto one line, HTML
escapes it (Jinja2 autoescape), Markdown backslash-escapes its special characters.

Times are shown in ``tz`` when given, else in the zone the report was made for (its
``timezone`` field, the configured ``UNIFI_TIMEZONE``), else the machine's.
"""

from __future__ import annotations

from typing import Any

import orjson

from unifi_scanner.report.fmt import (
    SEVERITY_LABELS,
    clean,
    flavour_label,
    local_time,
    span,
    zone_label,
)
from unifi_scanner.report.pages import render_email_html, render_html
from unifi_scanner.report.plain import md, render_markdown, render_text

__all__ = [
    "SEVERITY_LABELS",
    "clean",
    "flavour_label",
    "local_time",
    "md",
    "render_email_html",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "span",
    "zone_label",
]


def render_json(report: dict[str, Any]) -> bytes:
    """``report.json``: the document as it is (names unescaped; readers escape for HTML)."""
    return orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"
