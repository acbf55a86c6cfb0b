"""Reports: the v1 JSON document and its HTML, email HTML, Markdown and text renderings."""

from unifi_scanner.report.model import SCHEMA, ControllerInfo, GapInfo, build_report
from unifi_scanner.report.render import (
    render_email_html,
    render_html,
    render_json,
    render_markdown,
    render_text,
)

__all__ = [
    "SCHEMA",
    "ControllerInfo",
    "GapInfo",
    "build_report",
    "render_email_html",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
]
