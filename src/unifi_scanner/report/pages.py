"""The report as HTML: a page for files and browsers, and a page for mail.

Both come from one template (``templates/report.html.j2``) and one stylesheet, inlined into
the elements by css-inline: mail clients drop ``<style>`` blocks, and a file page styled the
same way looks the same when someone forwards it. Only ``@media`` rules (dark mode, phones)
cannot be inlined and stay in a ``<style>`` block. The file page draws its charts as inline
SVG; the mail page as table cells, because mail clients drop SVG. Neither has scripts,
external assets or anything that fetches from the network.

Every string from the controller reaches the template as plain text through the view and is
escaped by Jinja2's autoescape; the SVGs carry geometry only.
"""

from __future__ import annotations

import itertools
from datetime import tzinfo
from typing import Any

import css_inline
from jinja2 import Environment, PackageLoader, select_autoescape

from unifi_scanner.report import charts
from unifi_scanner.report.view import build_view
from unifi_scanner.report.view_sections import Bin, Trend

_env = Environment(
    loader=PackageLoader("unifi_scanner.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
#: Nothing is fetched: a report that names a stylesheet on the internet must not load it.
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


def stack(item: Bin, peak: int, pixels: int) -> list[tuple[str, int]]:
    """Heights (px) of a bin's severe, medium and low parts, at least 1 px when non-zero."""
    scale = pixels / peak if peak else 0.0
    return [
        (severity, max(1, round(count * scale)))
        for severity, count in (("severe", item.severe), ("medium", item.medium), ("low", item.low))
        if count
    ]


def axis(labels: list[str]) -> list[str]:
    """Five labels under a chart: start, quarters, end (blank when there are few bins)."""
    if not labels:
        return []
    last = len(labels) - 1
    return [labels[round(last * q / 4)] if last >= 4 or q in (0, 4) else "" for q in range(5)]


def share(value: float, top: float) -> int:
    """``value`` as a percentage of ``top`` for a bar's width (at least 1 when non-zero)."""
    if top <= 0 or value <= 0:
        return 0
    return max(1, round(100 * value / top))


def scale(trends: list[Trend]) -> tuple[float, float]:
    """The temperature axis: whole 5 °C steps around every reading shown."""
    values = [v for t in trends for v in t.values if v is not None]
    low, high = min(values), max(values)
    low = 5 * (low // 5)
    high = 5 * -(-high // 5)
    return low, high if high > low else low + 5


def heat(value: float | None, low: float, high: float) -> str:
    """A cell colour from blue (``low``) through amber to red (``high``); grey when unknown."""
    if value is None:
        return "#8795a3"
    f = min(max((value - low) / (high - low), 0.0), 1.0) if high > low else 0.0
    stops = ((0.0, (47, 125, 211)), (0.5, (232, 170, 12)), (1.0, (214, 69, 69)))
    for (f0, c0), (f1, c1) in itertools.pairwise(stops):
        if f <= f1:
            t = (f - f0) / (f1 - f0)
            r, g, b = (round(a + (z - a) * t) for a, z in zip(c0, c1, strict=True))
            return f"#{r:02x}{g:02x}{b:02x}"
    return "#d64545"


def line_colour(index: int) -> str:
    return charts.LINES[index % len(charts.LINES)]


_env.globals.update(
    events_svg=charts.events_svg,
    temperature_svg=charts.temperature_svg,
    stack=stack,
    axis=axis,
    share=share,
    scale=scale,
    heat=heat,
    line_colour=line_colour,
)


def _page(report: dict[str, Any], tz: tzinfo | None, *, email: bool) -> str:
    page = _env.get_template("report.html.j2").render(view=build_view(report, tz), email=email)
    return _inliner.inline(page)


def render_html(report: dict[str, Any], tz: tzinfo | None = None) -> str:
    """The self-contained page for a file or a browser (charts as inline SVG)."""
    return _page(report, tz, email=False)


def render_email_html(report: dict[str, Any], tz: tzinfo | None = None) -> str:
    """The page for mail: CSS inlined, table layout, bars as table cells, no SVG."""
    return _page(report, tz, email=True)
