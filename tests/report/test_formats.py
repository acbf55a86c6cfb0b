"""Every format carries the same facts, in the configured zone; report.md is written too."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from markdown_it import MarkdownIt

from tests.report.sample import make_report, rich_report
from unifi_scanner.report import (
    render_email_html,
    render_html,
    render_markdown,
    render_text,
)
from unifi_scanner.report.render import md
from unifi_scanner.site_report import write_report_files

RENDERERS = [render_html, render_email_html, render_text, render_markdown]
IDS = ["html", "email", "text", "markdown"]


@pytest.fixture(scope="module")
def rich() -> dict[str, Any]:
    return rich_report()


@pytest.mark.parametrize("render", RENDERERS, ids=IDS)
def test_every_format_carries_the_same_facts(render: Any, rich: dict[str, Any]) -> None:
    # Markdown's escapes and the text's line wrapping aside, the words are the same.
    plain = " ".join(render(rich).replace("\\", "").split())
    assert rich["summary"]["health"]["sentence"] in plain
    for finding in rich["findings"]:
        assert finding["title"] in plain
    # Period in the report's zone (Europe/Berlin: UTC+1 in November), and the zone named.
    assert "Sat 29 Nov 2025 01:00 – Sun 30 Nov 2025 01:00" in plain
    assert "Europe/Berlin" in plain
    # Sections: device health, connectivity spans, security by source, AP load.
    for fact in ("233 / 250 W", "6.6.77.15402 → 6.7.1", "25 min", "40 min", "185.220.101.3",
                 "Kitchen AP (U6-Lite)", "EVT_XX_Custom"):  # fmt: skip
        assert fact in plain, fact
    # Remediation steps for severe and medium findings only.
    steps = [f for f in rich["findings"] if f["remediation"] and f["severity"] != "low"]
    assert steps and all(f["remediation"][0][:40] in plain for f in steps)


@pytest.mark.parametrize("render", RENDERERS, ids=IDS)
def test_an_explicit_zone_wins(render: Any, rich: dict[str, Any]) -> None:
    assert "Sat 29 Nov 2025 00:00 – Sun 30 Nov 2025 00:00" in render(rich, UTC).replace("\\", "")
    tokyo = render(rich, ZoneInfo("Asia/Tokyo")).replace("\\", "")
    assert "Sat 29 Nov 2025 09:00 – Sun 30 Nov 2025 09:00" in tokyo
    assert "Asia/Tokyo" in tokyo


@pytest.mark.parametrize("render", RENDERERS, ids=IDS)
def test_quiet_period_is_a_short_report(render: Any) -> None:
    out = render(make_report([])).replace("\\", "")
    assert "No new events since Sat 29 Nov 2025 01:00 (Europe/Berlin)" in out
    assert "Findings" not in out and "Events by" not in out


def test_markdown_renders_as_intended(rich: dict[str, Any]) -> None:
    html = MarkdownIt("commonmark").enable("table").render(render_markdown(rich))
    assert html.count("<h3>") == len(rich["findings"])
    assert "<table>" in html and ">Temp.</th>" in html
    assert "<ol>" in html  # numbered remediation steps
    assert "<pre><code>" in html  # the events chart keeps its columns


def test_markdown_escape_is_reversible_by_a_renderer() -> None:
    nasty = "*bold* _it_ [link](http://x) <b> # | ` ~ \\ !"
    html = MarkdownIt("commonmark").render(md(nasty))
    assert html == "<p>*bold* _it_ [link](http://x) &lt;b&gt; # | ` ~ \\ !</p>\n"


def test_text_fits_a_terminal(rich: dict[str, Any]) -> None:
    lines = render_text(rich).splitlines()
    prose = [line for line in lines if not line.startswith(("  ", " "))]
    assert max(len(line) for line in prose) <= 78


def test_report_files_include_markdown(tmp_path: Path, rich: dict[str, Any]) -> None:
    paths = write_report_files(rich, tmp_path)
    assert sorted(p.name for p in paths) == [
        "report.html",
        "report.json",
        "report.md",
        "report.txt",
    ]
    assert (tmp_path / "report.md").read_text().startswith("# UniFi network report")
    assert orjson.loads((tmp_path / "report.json").read_bytes())["timezone"] == "Europe/Berlin"
    # A zone given to the writer wins over the report's own.
    write_report_files(rich, tmp_path, ZoneInfo("UTC"))
    assert "Sat 29 Nov 2025 00:00" in (tmp_path / "report.txt").read_text()


def test_reports_without_sections_still_render() -> None:
    # A v1 document from before the sections existed (or from another tool) renders too.
    report = make_report([])
    for name in ("charts", "wireless", "devices", "security", "connectivity", "unlisted"):
        report.pop(name)
    report["summary"].pop("health")
    rich = rich_report()
    report["findings"] = rich["findings"]
    report["summary"]["findings_by_severity"] = rich["summary"]["findings_by_severity"]
    report["summary"]["events"] = 10
    for render in RENDERERS:
        assert "Your network needs attention" in render(report)
