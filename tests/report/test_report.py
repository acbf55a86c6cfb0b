"""The v1 JSON contract and the safety of every rendering."""

from __future__ import annotations

from html.parser import HTMLParser

import orjson

from tests.factories import IPAD, KITCHEN, MINUTE, T0, ap_connected, connected, lost_contact
from unifi_scanner.analyze import Inventory, analyze
from unifi_scanner.report import ControllerInfo, build_report, render_html, render_json, render_text

INFO = ControllerInfo(
    url="https://127.0.0.1:8443", flavour="unifi-os", version="10.3.58", site="default"
)
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>\u202egnp.exe'


def report_for(events, inventory=None):  # type: ignore[no-untyped-def]
    analysis = analyze(
        events,
        site="default",
        period_start_ms=T0,
        period_end_ms=T0 + 60 * MINUTE,
        inventory=inventory,
    )
    return build_report(analysis, INFO, generated_at_ms=T0 + 60 * MINUTE)


def test_json_contract_fields() -> None:
    report = report_for(
        [lost_contact(KITCHEN, T0 + MINUTE), ap_connected(KITCHEN, T0 + 9 * MINUTE)]
    )
    doc = orjson.loads(render_json(report))
    assert list(doc) == [
        "schema",
        "generated_at",
        "timezone",
        "period",
        "controller",
        "summary",
        "findings",
    ]
    assert doc["timezone"] == "UTC"
    assert doc["schema"] == "unifi-scanner/report/v1"
    assert doc["period"] == {"start": "2025-11-29T00:00:00Z", "end": "2025-11-29T01:00:00Z"}
    assert doc["controller"] == {
        "url": "https://127.0.0.1:8443",
        "flavour": "unifi-os",
        "version": "10.3.58",
        "site": "default",
        "site_description": "",
    }
    assert doc["summary"] == {
        "events": 2,
        "by_key": {"EVT_AP_Connected": 1, "EVT_AP_Lost_Contact": 1},
        "findings_by_severity": {"severe": 1, "medium": 0, "low": 0},
        "health": {
            "status": "trouble",
            "sentence": "Your network needs attention: Kitchen AP (U6-Lite) went offline once.",
        },
    }
    (finding,) = doc["findings"]
    assert set(finding) == {
        "id",
        "rule",
        "category",
        "severity",
        "title",
        "explanation",
        "remediation",
        "count",
        "first_seen",
        "last_seen",
        "subjects",
    }
    assert finding["severity"] == "severe"
    assert finding["category"] == "connectivity"
    assert finding["first_seen"] == "2025-11-29T00:01:00Z"
    assert finding["last_seen"] == "2025-11-29T00:09:00Z"
    assert finding["subjects"] == [
        {"kind": "device", "id": KITCHEN, "name": "Kitchen AP (U6-Lite)"}
    ]
    assert isinstance(finding["remediation"], list) and len(finding["remediation"]) >= 3


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def test_hostile_names_are_escaped_in_every_format() -> None:
    inventory = Inventory(
        [{"mac": KITCHEN, "name": HOSTILE, "model": "UAL6"}],
        [{"mac": IPAD, "hostname": HOSTILE + "x" * 10_000}],
    )
    report = report_for(
        [
            lost_contact(KITCHEN, T0 + MINUTE, name=HOSTILE),
            connected(IPAD, KITCHEN, T0 + 2 * MINUTE),
        ],
        inventory,
    )
    html = render_html(report)
    parsed = _Collector()
    parsed.feed(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not any(name.startswith("on") for name, _ in parsed.attrs)
    assert "&lt;script&gt;" in html
    assert "\u202e" not in html
    text = render_text(report)
    assert "\u202e" not in text and "<script>alert(1)</script>" in text  # plain text, inert
    assert orjson.loads(render_json(report))["findings"][0]["title"].startswith("<script>")


def test_quiet_period_says_so() -> None:
    report = report_for([])
    quiet = "No new events since Sat 29 Nov 2025 00:00 (UTC): nothing needs your attention."
    assert report["summary"]["health"] == {"status": "quiet", "sentence": quiet}
    assert quiet in render_text(report)
    assert quiet in render_html(report)
    assert report["summary"]["events"] == 0
