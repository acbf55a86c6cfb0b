"""The report as plain text (terminals, logs, text-only mail) and as Markdown (tickets, chat).

Both walk the same :class:`~unifi_scanner.report.view.View` as the HTML, so they carry the same
facts. Text from the controller is already free of control and bidi-override characters and
on one line (the view's doing); Markdown additionally backslash-escapes every character
Markdown gives a meaning to, so a hostname cannot become a link, a heading, an HTML tag or a
table cell of its own.

The walk yields prose lines (``str``: wrapped in text, a paragraph each in Markdown) and
blocks (``list[str]``: tables, charts and step lists, laid out already and kept together).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from datetime import tzinfo
from typing import Any

from unifi_scanner.report.view import View, build_view
from unifi_scanner.report.view_sections import Bin, Table

#: Every ASCII punctuation character CommonMark lets a backslash escape.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_ITEM = re.compile(r"(\d+\. |- )")
#: Widest text table column before it is cut (the names are cut at 60 already).
COLUMN_LIMIT = 40

Escape = Callable[[str], str]
Part = str | list[str]


def md(text: str) -> str:
    """Text that Markdown shows as it is: every special character backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _same(text: str) -> str:
    return text


def _bar(value: int, top: int, width: int = 30) -> str:
    return "█" * (max(1, round(width * value / top)) if top and value else 0)


class _Walk:
    """The report's parts in reading order, escaped with ``e``, headings in ``markdown``."""

    def __init__(self, view: View, e: Escape, markdown: bool) -> None:
        self.view, self.e, self.markdown = view, e, markdown

    def heading(self, text: str, level: int = 2) -> Iterator[Part]:
        yield ""
        yield f"{'#' * level} {text}" if self.markdown else (text.upper() if level == 2 else text)

    def parts(self) -> Iterator[Part]:
        view, e = self.view, self.e
        s = view.sections
        # Times and zone names are formatted here, never controller text: not escaped.
        yield f"Site {e(view.site)}: {view.period} ({view.zone})"
        yield f"Controller {e(view.controller)} ({e(view.flavour)}, Network {e(view.version)})"
        if view.sources:
            yield "Sources: " + ", ".join(f"{e(n)} ({c:,})" for n, c in view.sources)
        if view.gaps:
            yield f"Gaps: {e(view.gaps)}"
        yield from self.heading("Summary")
        yield e(view.health)
        if not view.quiet:
            c = view.counts
            yield (
                f"Findings: {c['severe']} severe, {c['medium']} medium, {c['low']} low; "
                f"{view.events:,} events"
            )
        if view.since_last:
            yield e(view.since_last)
        if view.quiet:
            return
        if s.bins:
            yield from self.heading(
                "Events by hour" if s.bin_minutes == 60 else "Events over the period"
            )
            peak = s.peak_bin
            chart = [
                f"{b.label:>6} {b.total:>8,}  {_bar(b.total, peak)}" + _severities(b)
                for b in s.bins
            ]
            yield ["```", *chart, "```"] if self.markdown else chart
        yield from self.findings()
        yield from self.sections()

    def findings(self) -> Iterator[Part]:
        e, number = self.e, 0
        for group in self.view.groups:
            yield from self.heading(f"{group.label} findings ({group.total})")
            for f in group.findings:
                number += 1
                tag = " (new)" if f.new else ""
                yield ""
                if self.markdown:
                    yield f"### {number}\\. {e(f.title)}{tag}"
                else:
                    yield f"[{number}] {e(f.title)}{tag}"
                yield e(f.explanation)
                involves = ""
                if f.involves:
                    more = f" and {f.involves_more} more" if f.involves_more else ""
                    involves = f"; involves {', '.join(e(n) for n in f.involves)}{more}"
                yield f"Seen {f.count:,} × {f.when}; {e(f.category)}{involves}"
                if f.steps:
                    yield "What to do:"
                    yield [f"{i}. {e(step)}" for i, step in enumerate(f.steps, 1)]
            if group.more:
                yield f"and {group.more} more {group.label.lower()} findings (all in report.json)"

    def sections(self) -> Iterator[Part]:
        e, s, view = self.e, self.view.sections, self.view
        if s.aps:
            yield from self.heading("Wireless: clients and roams per access point")
            rows = [[e(ap.name), f"{ap.clients:,}", f"{ap.roams:,}"] for ap in s.aps]
            yield self.table(["Access point", "Clients", "Roams"], rows, {1, 2})
            if s.aps_more:
                yield f"and {s.aps_more} more access points (all in report.json)"
        for title, table in (
            ("Security: intrusion alerts by signature", s.signatures),
            ("Security: intrusion alerts by source", s.sources),
            ("Device health", s.devices),
            ("Connectivity: device outages", s.outages),
            ("Connectivity: WAN links down", s.wan),
        ):
            if table is not None:
                yield from self.heading(title)
                yield from self.data(table)
        if s.trends:
            yield from self.heading("Temperature")
            yield [f"- {e(t.name)}: now {t.latest:.0f} °C, peak {t.peak:.0f} °C" for t in s.trends]
            if s.trends_more:
                yield f"and {s.trends_more} more devices with a temperature (all in report.json)"
        if view.resolved:
            yield from self.heading("Resolved since the last report")
            yield [f"- {e(t)}" + (f" (last seen {e(w)})" if w else "") for t, w in view.resolved]
            if view.resolved_more:
                yield f"and {view.resolved_more} more"
        if view.keys:
            yield from self.heading("Events by kind")
            yield self.table(["Event", "Count"], [[e(k), f"{c:,}"] for k, c in view.keys], {1})
            if view.keys_more:
                yield f"and {view.keys_more} more kinds of event (all in report.json)"

    def data(self, table: Table) -> Iterator[Part]:
        rows = []
        for row in table.rows:
            cells = []
            for cell in row:
                text = self.e(cell.text)
                if cell.hot and text:
                    text = f"**{text}**" if self.markdown else f"{text} (!)"
                cells.append(text)
            rows.append(cells)
        yield self.table(table.columns, rows, set(table.numeric))
        if table.more:
            yield f"and {table.more} more {table.noun} (all in report.json)"

    def table(self, columns: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
        if self.markdown:
            rule = ["---:" if i in numeric else "---" for i in range(len(columns))]
            return [
                "| " + " | ".join(c or " " for c in columns) + " |",
                "| " + " | ".join(rule) + " |",
                *("| " + " | ".join(row) + " |" for row in rows),
            ]
        rows = [[_cut(c) for c in row] for row in rows]
        widths = [max(len(columns[i]), *(len(r[i]) for r in rows)) for i in range(len(columns))]

        def line(cells: list[str]) -> str:
            return (
                "  "
                + "  ".join(
                    c.rjust(widths[i]) if i in numeric else c.ljust(widths[i])
                    for i, c in enumerate(cells)
                ).rstrip()
            )

        return [line(columns), *(line(row) for row in rows)]


def _severities(item: Bin) -> str:
    parts = [f"{n} {label}" for n, label in ((item.severe, "severe"), (item.medium, "medium")) if n]
    return f"  ({', '.join(parts)})" if parts else ""


def _cut(text: str) -> str:
    return text if len(text) <= COLUMN_LIMIT else text[: COLUMN_LIMIT - 1] + "…"


def render_text(report: dict[str, Any], tz: tzinfo | None = None) -> str:
    """A plain-text report that reads well in a terminal, a log or a text-only mail."""
    view = build_view(report, tz)
    wrap = textwrap.TextWrapper(width=78, break_on_hyphens=False, subsequent_indent="    ")
    out = [f"UniFi network report: site {view.site}"]
    for part in _Walk(view, _same, markdown=False).parts():
        if isinstance(part, list):
            for line in part:
                # Steps and list items wrap under their text; tables and charts stay as laid out.
                marker = _ITEM.match(line)
                if marker and len(line) > 78:
                    out += textwrap.wrap(
                        line,
                        78,
                        subsequent_indent=" " * len(marker.group(0)),
                        break_on_hyphens=False,
                    )
                else:
                    out.append(line)
        else:
            out += wrap.wrap(part) or [""]
    out += ["", f"Generated {view.generated} ({view.zone}) by unifi-scanner."]
    return "\n".join(out).rstrip() + "\n"


def render_markdown(report: dict[str, Any], tz: tzinfo | None = None) -> str:
    """Markdown for pasting into tickets and chat (CommonMark and GitHub flavour)."""
    view = build_view(report, tz)
    out = [f"# UniFi network report: site {md(view.site)}"]
    for part in _Walk(view, md, markdown=True).parts():
        # Each prose line its own paragraph (Markdown would join adjacent lines); blocks
        # (tables, lists, the chart) stay together.
        out += ["", *part] if isinstance(part, list) else ["", part] if part else []
    out += ["", f"_Generated {view.generated} ({view.zone}) by unifi\\-scanner._"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip() + "\n"
