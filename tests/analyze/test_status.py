"""New, ongoing, resolved: comparing with the previous report, and how report.json shows it."""

from __future__ import annotations

import orjson

from tests.analyze.conftest import run
from tests.factories import KITCHEN, MINUTE, OFFICE, T0, ap_connected, lost_contact, radar
from unifi_scanner.analyze import Status, compare
from unifi_scanner.report import ControllerInfo, build_report, render_json

INFO = ControllerInfo(
    url="https://192.168.1.1", flavour="unifi-os", version="10.3.58", site="default"
)


def report(analysis):  # type: ignore[no-untyped-def]
    return orjson.loads(render_json(build_report(analysis, INFO, generated_at_ms=T0)))


def outage() -> list:  # type: ignore[type-arg]
    return [lost_contact(KITCHEN, T0 + MINUTE), ap_connected(KITCHEN, T0 + 9 * MINUTE)]


def test_without_a_previous_report_everything_is_new() -> None:
    analysis = run(outage(), previous_findings=[])
    assert analysis.comparison is not None
    assert {analysis.comparison.status(f.id) for f in analysis.findings} == {Status.NEW}
    doc = report(analysis)
    assert [f["status"] for f in doc["findings"]] == ["new"]
    assert doc["summary"]["findings_by_status"] == {"new": 1, "ongoing": 0, "resolved": 0}
    assert doc["resolved"] == []


def test_same_problem_next_time_is_ongoing_and_what_went_away_is_resolved() -> None:
    first = report(run([*outage(), radar(OFFICE, T0 + 5 * MINUTE)], previous_findings=[]))
    second = run(outage(), previous_findings=first["findings"])
    doc = report(second)
    assert [f["status"] for f in doc["findings"]] == ["ongoing"]
    (resolved,) = doc["resolved"]
    assert resolved["rule"] == "dfs-radar"
    assert resolved["title"] == "Office AP (UAP-AC-Pro) detected radar once"
    assert resolved["severity"] == "medium"
    assert resolved["last_seen"] == "2025-11-29T00:05:00Z"
    assert doc["summary"]["findings_by_status"] == {"new": 0, "ongoing": 1, "resolved": 1}
    assert list(doc)[-1] == "resolved"


def test_previous_findings_as_bare_ids() -> None:
    current = run(outage()).findings
    comparison = compare(current, [current[0].id, "0123456789abcdef"])
    assert comparison.status(current[0].id) is Status.ONGOING
    assert [r.id for r in comparison.resolved] == ["0123456789abcdef"]
    assert comparison.resolved[0].title == ""


def test_malformed_previous_entries_are_ignored() -> None:
    current = run(outage()).findings
    comparison = compare(current, [{"title": "no id"}, {"id": 7}, current[0].id])
    assert comparison.counts() == {"new": 0, "ongoing": 1, "resolved": 0}


def test_report_without_comparison_keeps_the_original_shape() -> None:
    doc = report(run(outage()))
    assert "status" not in doc["findings"][0]
    assert "resolved" not in doc and "findings_by_status" not in doc["summary"]
    assert "snapshots" not in doc["summary"]
