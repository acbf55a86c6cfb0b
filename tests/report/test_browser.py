"""The pages in a real browser: headless Chromium at phone (360 px) and desktop width.

The report has no scripts (and must not), so the test loads it inside a wrapper of its own:
a page with one script that measures the key sections after layout
(``getBoundingClientRect``, computed style) and writes the figures into the DOM, which
``--dump-dom`` returns. The page is laid out in an iframe of the width under test.
A section is visible when it has a size, lies within the viewport's
width, and is neither hidden nor transparent; the page must not scroll sideways.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.report.sample import hostile_report, rich_report
from unifi_scanner.report import render_email_html, render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium): not run"
)
SECTIONS = (
    "header",
    "summary",
    "charts",
    "findings",
    "wireless",
    "security",
    "devices",
    "connectivity",
    "events",
    "table-devices",
    "table-signatures",
    "table-outages",
)
WRAPPER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>measure</title></head>
<body style="margin:0">
<iframe id="frame" style="border:0;display:block;width:%(width)dpx;height:900px"></iframe>
<script>
var frame = document.getElementById('frame'), ids = %(ids)s;
frame.onload = function () {
  var win = frame.contentWindow, doc = frame.contentDocument;
  var out = {width: win.innerWidth, scroll: doc.documentElement.scrollWidth, sections: {}};
  ids.forEach(function (id) {
    var el = doc.getElementById(id);
    if (!el) { out.sections[id] = null; return; }
    var r = el.getBoundingClientRect(), hidden = false;
    for (var p = el; p && p.nodeType === 1; p = p.parentElement) {
      var ps = win.getComputedStyle(p);
      if (ps.display === 'none' || ps.visibility === 'hidden' || ps.opacity === '0') hidden = true;
    }
    out.sections[id] = {left: r.left, right: r.right, width: r.width, height: r.height,
      hidden: hidden, font: parseFloat(win.getComputedStyle(el).fontSize),
      text: el.innerText.length};
  });
  out.charts = Array.prototype.map.call(doc.querySelectorAll('svg.chart, td.bar-col'),
    function (c) { var r = c.getBoundingClientRect(); return [r.width, r.height]; });
  var pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
};
// srcdoc: the report is laid out in a viewport exactly this wide (a headless window has a
// minimum width of its own), and it shares the wrapper's origin, so it can be measured.
frame.srcdoc = %(page)s;
</script>
</body></html>
"""


def measure(page: str, width: int, tmp_path: Path) -> dict[str, Any]:
    wrapper = tmp_path / f"wrapper-{width}.html"
    script_safe = json.dumps(page).replace("</", "<\\/")
    wrapper.write_text(
        WRAPPER % {"width": width, "ids": json.dumps(SECTIONS), "page": script_safe},
        encoding="utf-8",
    )
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--hide-scrollbars",
            "--window-size=1400,1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            wrapper.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    found = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout, re.S)
    assert found, f"chromium did not render the page: {result.stderr[-2000:]}"
    return dict(json.loads(html.unescape(found.group(1))))


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("email", [False, True], ids=["file", "email"])
def test_key_sections_are_visible(width: int, email: bool, tmp_path: Path) -> None:
    report = rich_report()
    page = (render_email_html if email else render_html)(report)
    figures = measure(page, width, tmp_path)
    assert figures["width"] == width
    assert figures["scroll"] <= width, "the page scrolls sideways"
    for section, box in figures["sections"].items():
        assert box is not None, f"{section} is missing"
        assert not box["hidden"], f"{section} is hidden"
        assert box["width"] > 100 and box["height"] > 20, f"{section} has no size: {box}"
        assert box["left"] >= 0 and box["right"] <= width + 0.5, f"{section} is cut: {box}"
        assert box["text"] > 0 and box["font"] >= 11, f"{section} is unreadable: {box}"
    # The events chart is drawn: 24 hourly bars (mail) or an SVG as wide as the card (file).
    charts = figures["charts"]
    if email:
        assert len(charts) == 24 and all(w > 3 for w, _ in charts)
    else:
        assert len(charts) >= 2 and charts[0][0] > min(width, 780) * 0.6 and charts[0][1] == 120


@pytest.mark.parametrize("width", [360])
def test_hostile_names_do_not_break_the_phone_layout(width: int, tmp_path: Path) -> None:
    figures = measure(render_html(hostile_report()), width, tmp_path)
    assert figures["scroll"] <= width
    assert figures["sections"]["summary"]["right"] <= width


def test_the_measurement_sees_a_page_that_is_too_wide(tmp_path: Path) -> None:
    # The same checks fail for a page that does scroll sideways at 360 px.
    page = render_html(rich_report()).replace(
        '<p class="headline"', '<p style="width:900px;margin:0">wide</p><p class="headline"', 1
    )
    figures = measure(page, 360, tmp_path)
    assert figures["width"] == 360
    assert figures["scroll"] > 360
