"""Pictures for the file/web HTML: inline SVG, geometry only.

The SVGs stretch to the page width (``preserveAspectRatio="none"``; lines keep their width
with ``vector-effect``), so they read the same at 360 px and on a desktop. Their words —
axis labels, legends, names — are HTML around them, never SVG text, which would shrink to
nothing on a phone. Colours come from classes the page styles (light and dark), with
``fill``/``stroke`` attributes as a fallback. Nothing from the controller goes into an SVG
except through :func:`markupsafe.escape` (the accessible ``<title>``).

Mail clients drop SVG: the email HTML draws the same figures as table cells (the template's
``email`` branch), from the same :class:`~unifi_scanner.report.view_sections.Sections`.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from unifi_scanner.report.view_sections import Bin, Trend

WIDTH = 600
HEIGHT = 120
#: Severity colours, mid-tones readable on light and dark backgrounds alike.
COLOURS = {"severe": "#d64545", "medium": "#e8890c", "low": "#7c8a99"}
#: Line colours of the temperature trends (distinguishable, and for colour-blind readers
#: also by their order in the legend).
LINES = ("#d64545", "#2f7dd3", "#e8890c", "#2e9d57", "#8e5bd0", "#00a3a3")


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def events_svg(bins: list[Bin], title: str) -> Markup:
    """Stacked bars of events per bin, severe on top."""
    peak = max((b.total for b in bins), default=0) or 1
    slot = WIDTH / max(len(bins), 1)
    gap = min(2.0, slot * 0.15)
    parts = []
    for index, item in enumerate(bins):
        base = float(HEIGHT)
        for severity, count in (
            ("low", item.low),
            ("medium", item.medium),
            ("severe", item.severe),
        ):
            if not count:
                continue
            # A single event still shows: at least one pixel-unit tall.
            height = max(HEIGHT * count / peak, 1.0)
            base -= height
            parts.append(
                f'<rect class="c-{severity}" x="{_num(index * slot + gap / 2)}" '
                f'y="{_num(base)}" width="{_num(slot - gap)}" height="{_num(height)}" '
                f'fill="{COLOURS[severity]}"/>'
            )
    return _svg(title, "".join(parts))


def temperature_svg(trends: list[Trend], low: float, high: float, title: str) -> Markup:
    """One line per device over the period's bins; gaps where a device said nothing."""
    span = max(high - low, 1.0)
    parts = [
        f'<line class="c-grid" x1="0" x2="{WIDTH}" y1="{_num(HEIGHT * f)}" '
        f'y2="{_num(HEIGHT * f)}" stroke="#99a3ad" stroke-width="1" '
        f'vector-effect="non-scaling-stroke"/>'
        for f in (0.0, 0.5, 1.0)
    ]
    for index, trend in enumerate(trends):
        count = len(trend.values)
        step = WIDTH / max(count - 1, 1)
        colour = LINES[index % len(LINES)]
        run: list[str] = []
        runs: list[list[str]] = []
        for position, value in enumerate(trend.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            y = HEIGHT - HEIGHT * (value - low) / span
            run.append(f"{_num(position * step)},{_num(min(max(y, 1.0), HEIGHT - 1.0))}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) == 1:
                cx, cy = points[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="{colour}"/>')
            else:
                parts.append(
                    f'<polyline class="c-line{index}" points="{" ".join(points)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2" vector-effect="non-scaling-stroke"/>'
                )
    return _svg(title, "".join(parts))


def _svg(title: str, body: str) -> Markup:
    # Safe markup: ``body`` is numbers and our own class names only, the title is escaped.
    return Markup(  # noqa: S704
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'preserveAspectRatio="none" width="100%" height="{HEIGHT}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )
