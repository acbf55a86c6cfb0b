"""New, ongoing, resolved: comparing with the previous report, and how report.json shows it."""

from __future__ import annotations

import orjson

from tests.analyze.conftest import run
from tests.factories import KITCHEN, MINUTE, OFFICE, T0, ap_connected, event, lost_contact, radar
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


# Roll-ups: twelve clients with short sessions, ten findings per rule at most, so the three
# ranked lowest are folded into one "3 more clients …" card whose members change with ranking.
CLIENTS = [f"d8:4c:90:00:01:{n:02x}" for n in range(12)]
STEADY = {mac: 6 + n for n, mac in enumerate(CLIENTS)}


def dropping_off(times: dict[str, int]) -> list:  # type: ignore[type-arg]
    """Each client in ``times`` dropping off right after connecting that many times."""
    return [
        event("EVT_WU_Disconnected", T0 + i * MINUTE + n, user=mac, ap=KITCHEN, duration=5)
        for n, (mac, count) in enumerate(times.items())
        for i in range(count)
    ]


def sessions(doc: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """Short-session findings by primary subject (``site`` for the roll-up) → status."""
    return {
        f["subjects"][0]["id"] if f["subjects"][0]["kind"] == "client" else "site": f["status"]
        for f in doc["findings"]
        if f["rule"] == "short-sessions"
    }


def rolled(doc: dict) -> set[str]:  # type: ignore[type-arg]
    """The clients folded into the short-sessions roll-up."""
    (card,) = [
        f
        for f in doc["findings"]
        if f["rule"] == "short-sessions" and f["subjects"][0]["kind"] == "site"
    ]
    return {s["id"] for s in card["subjects"][1:]}


def test_clients_inside_a_roll_up_are_neither_resolved_nor_new() -> None:
    first = report(run(dropping_off(STEADY), previous_findings=[]))
    assert rolled(first) == set(CLIENTS[:3])
    # Client 0 takes off; everyone else settles at 6, so 6 and 9 (standalone last time)
    # fall into the roll-up and 2 (rolled up last time) stands alone.
    busy = {mac: 26 if mac == CLIENTS[0] else 6 for mac in CLIENTS}
    second = report(run(dropping_off(busy), previous_findings=first["findings"]))
    assert {CLIENTS[6], CLIENTS[9]} <= rolled(second)
    assert CLIENTS[2] not in rolled(second)
    assert set(sessions(second).values()) == {"ongoing"}
    assert second["resolved"] == []
    assert second["summary"]["findings_by_status"]["new"] == 0


def test_a_finding_moving_into_the_roll_up_and_back_stays_ongoing() -> None:
    first = report(run(dropping_off(STEADY), previous_findings=[]))
    assert CLIENTS[5] not in rolled(first) and CLIENTS[2] in rolled(first)
    # Client 5 drops to the bottom: it is folded in, and client 2 is pushed out on its own.
    quiet = STEADY | {CLIENTS[5]: 6}
    second = report(run(dropping_off(quiet), previous_findings=first["findings"]))
    assert rolled(second) == {CLIENTS[0], CLIENTS[1], CLIENTS[5]}
    assert set(sessions(second).values()) == {"ongoing"} and second["resolved"] == []
    # And back again.
    third = report(run(dropping_off(STEADY), previous_findings=second["findings"]))
    assert rolled(third) == set(CLIENTS[:3])
    assert sessions(third)[CLIENTS[5]] == "ongoing"
    assert set(sessions(third).values()) == {"ongoing"} and third["resolved"] == []


def test_a_roll_up_is_resolved_once_none_of_its_subjects_is_reported() -> None:
    first = report(run(dropping_off(STEADY), previous_findings=[]))
    # Ten clients left: no roll-up, but client 2 (rolled up last time) is still there.
    fewer = {mac: STEADY[mac] for mac in CLIENTS[2:]}
    second = report(run(dropping_off(fewer), previous_findings=first["findings"]))
    assert "site" not in sessions(second)
    assert set(sessions(second).values()) == {"ongoing"} and second["resolved"] == []
    # Nine left: nothing the roll-up stood for is reported, so it is resolved.
    third = report(
        run(
            dropping_off({mac: STEADY[mac] for mac in CLIENTS[3:]}),
            previous_findings=first["findings"],
        )
    )
    (resolved,) = third["resolved"]
    assert resolved["title"] == "3 more clients dropped off right after connecting"
    assert set(sessions(third).values()) == {"ongoing"}


def test_a_previous_report_that_does_not_list_rolled_up_subjects_compares_by_id() -> None:
    first = run(dropping_off(STEADY), previous_findings=[])
    busy = {mac: 26 if mac == CLIENTS[0] else 6 for mac in CLIENTS}
    # Without subjects (or as bare ids) the previous roll-up's members are unknown: clients 0
    # and 2 were only rolled up, so they are new, as before roll-ups were compared. What this
    # report folds in is known, so nothing that is still reported is resolved.
    for previous in (
        [{k: v for k, v in f.items() if k != "subjects"} for f in report(first)["findings"]],
        [f.id for f in first.findings],
    ):
        doc = report(run(dropping_off(busy), previous_findings=previous))
        new = {mac for mac, status in sessions(doc).items() if status == "new"}
        assert new == {CLIENTS[0], CLIENTS[2]}
        assert doc["resolved"] == []


def test_a_finding_that_starts_with_the_site_is_not_taken_for_a_roll_up() -> None:
    current = run(outage()).findings
    previous = {
        "id": "0123456789abcdef",
        "rule": current[0].rule,
        "subjects": [
            {"kind": "site", "id": "default", "name": "default"},
            {"kind": current[0].subjects[0].kind, "id": current[0].subjects[0].id, "name": ""},
        ],
    }
    comparison = compare(current, [previous])
    assert comparison.status(current[0].id) is Status.NEW
    assert [r.id for r in comparison.resolved] == ["0123456789abcdef"]
