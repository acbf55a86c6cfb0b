"""Whatever a controller sends — tags, attribute breakouts, bidi overrides, 10 kB names — no
format runs it, breaks on it or lets it fill the page; report.json keeps it whole."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import orjson
import pytest
from markdown_it import MarkdownIt

from tests.report.sample import HOSTILE, IMG, LONG, RTL, SCRIPT, hostile_report
from unifi_scanner.report import (
    render_email_html,
    render_html,
    render_json,
    render_markdown,
    render_text,
)

#: Every element the report pages use; anything else came from a controller string.
PAGE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "p",
    "strong",
    "span",
    "br",
    "div",
    "ol",
    "ul",
    "li",
    "a",
    "svg",
    "rect",
    "polyline",
    "circle",
    "line",
}
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return hostile_report()


def _longest_run(text: str, char: str = "x") -> int:
    return max((len(run) for run in re.findall(f"{char}+", text)), default=0)


@pytest.mark.parametrize("render", [render_html, render_email_html], ids=["file", "email"])
def test_html_runs_nothing_from_the_controller(render: Any, report: dict[str, Any]) -> None:
    page = render(report)
    parsed = _Elements()
    parsed.feed(page)
    assert set(parsed.tags) <= PAGE_TAGS
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    # Every attribute value is one we wrote: no value carries a quote-breaking payload.
    assert not [v for _, v in parsed.attributes if v and ("alert(" in v or "<" in v)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '"&gt;&lt;img src=x onerror=alert(2)&gt;' in page
    assert not UNSAFE_CHARACTERS.search(page)
    # The 10 kB hostname is cut on the page; a word never runs wider than a phone.
    assert _longest_run(page) < 60
    assert len(page) < 200_000


def test_text_is_inert_and_short(report: dict[str, Any]) -> None:
    text = render_text(report)
    assert not UNSAFE_CHARACTERS.search(text)
    assert SCRIPT in text  # plain text shows the name as it is: nothing there runs it
    assert _longest_run(text) < 60


def test_markdown_escapes_everything_markdown_would_interpret(report: dict[str, Any]) -> None:
    text = render_markdown(report)
    assert not UNSAFE_CHARACTERS.search(text)
    assert _longest_run(text) < 60
    # Outside the chart's code block, no special character is left unescaped in names.
    assert not re.search(r"(?<!\\)[<>\[\]]", text)
    assert r"\<script\>alert\(1\)\<\/script\>\"\>\<img src\=x onerror\=alert\(2\)\>" in text
    # Rendered by a CommonMark renderer that passes raw HTML through, still no tag appears.
    html = MarkdownIt("commonmark").enable("table").render(text)
    parsed = _Elements()
    parsed.feed(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    assert "<script>alert(1)</script>" in "".join(parsed.text)  # shown as text
    # Table rows keep their column count: a name's "|" cannot add a cell.
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows
    header_cells = {line.count(" | ") for line in rows if line.startswith("| Device | State")}
    assert header_cells == {7}


def test_json_keeps_every_value_whole(report: dict[str, Any]) -> None:
    doc = orjson.loads(render_json(report))
    assert doc["controller"]["site"] == HOSTILE
    names = [s["name"] for f in doc["findings"] for s in f["subjects"]]
    assert LONG in names  # the whole 10 kB hostname
    assert any(RTL in name and IMG in name for name in names)
    signatures = [s["name"] for s in doc["security"]["signatures"]]
    assert all(name.startswith(HOSTILE) for name in signatures)
