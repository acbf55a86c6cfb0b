"""Reports: the v1 JSON document and its HTML and text renderings."""

from unifi_scanner.report.model import SCHEMA, ControllerInfo, GapInfo, build_report
from unifi_scanner.report.render import render_html, render_json, render_text

__all__ = [
    "SCHEMA",
    "ControllerInfo",
    "GapInfo",
    "build_report",
    "render_html",
    "render_json",
    "render_text",
]
