"""The engine's guarantees: deterministic output, bounded report size, nothing dropped."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import orjson

from tests.analyze.conftest import one, rule, run
from tests.factories import (
    GATEWAY,
    IPAD,
    KITCHEN,
    MINUTE,
    OFFICE,
    PHONE,
    T0,
    ap_connected,
    connected,
    device_record,
    disconnected,
    event,
    ips,
    lost_contact,
    radar,
    roam,
    rogue_ap,
    wan_transition,
)
from unifi_scanner.analyze import MAX_RELATED_SUBJECTS, Severity
from unifi_scanner.analyze.engine import MAX_COUNTED_KEYS, rule_ids
from unifi_scanner.analyze.other import MAX_KEYS, MORE_KEYS
from unifi_scanner.analyze.rollup import LABELS
from unifi_scanner.controller.frames import parse_event
from unifi_scanner.report import ControllerInfo, build_report, render_json

ROOT = Path(__file__).resolve().parents[2]
INFO = ControllerInfo(
    url="https://192.168.1.1", flavour="unifi-os", version="10.3.58", site="default"
)


def mixed_day() -> list:  # type: ignore[type-arg]
    """A day with something for most rules, built in a fixed order."""
    pairs = [(OFFICE, KITCHEN), (KITCHEN, OFFICE)]
    events = [roam(PHONE, *pairs[i % 2], T0 + i * 3 * MINUTE) for i in range(14)]
    events += [lost_contact(KITCHEN, T0 + 60 * MINUTE), ap_connected(KITCHEN, T0 + 75 * MINUTE)]
    events += [radar(OFFICE, T0 + 90 * MINUTE)]
    events += [ips(T0 + i * MINUTE, src=f"45.9.{i % 7}.1") for i in range(20)]
    events += [
        rogue_ap(KITCHEN, f"02:00:00:00:00:{i:02x}", f"Cafe {i % 4}", T0 + i) for i in range(9)
    ]
    events += [connected(IPAD, KITCHEN, T0 + i * MINUTE) for i in range(5)]
    events += [disconnected(IPAD, KITCHEN, T0 + i * MINUTE + 30_000) for i in range(5)]
    events += [wan_transition("eth8", "inactive", T0 + 200 * MINUTE)]
    events += [event(f"EVT_XX_Unknown{i % 3}", T0 + i, msg=f"m{i}") for i in range(6)]
    return sorted(events, key=lambda e: (e.time_ms, e.identity))


def report_bytes() -> bytes:
    """The JSON report of :func:`mixed_day` with snapshots (called in subprocesses too)."""
    busy = device_record(GATEWAY, name="UDM", model="UDMPRO", kind="udm", cpu="97.0")
    snapshots = [(T0 + i * 10 * MINUTE, busy) for i in range(4)]
    analysis = run(mixed_day(), device_snapshots=snapshots, previous_findings=[])
    return render_json(build_report(analysis, INFO, generated_at_ms=T0))


def test_same_events_give_byte_identical_json_whatever_the_hash_seed() -> None:
    script = (
        "import sys; from tests.analyze.test_engine import report_bytes; "
        "sys.stdout.buffer.write(report_bytes())"
    )
    outputs = []
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2] == report_bytes()
    assert len(orjson.loads(outputs[0])["findings"]) >= 10


def test_a_flood_of_events_makes_a_readable_bounded_report() -> None:
    rng = random.Random(6)
    aps = [f"78:45:58:00:01:{i:02x}" for i in range(40)]
    clients = [f"d8:4c:90:00:{i // 256:02x}:{i % 256:02x}" for i in range(3000)]
    docs = []
    for n in range(60_000):
        at = T0 + n * 1000
        client, ap = rng.choice(clients), rng.choice(aps)
        kind = n % 10
        if kind < 4:
            doc = {
                "key": "EVT_WU_Connected",
                "user": client,
                "ap": ap,
                "hostname": f"h{client[-5:]}",
            }
        elif kind < 8:
            doc = {
                "key": "EVT_WU_Disconnected",
                "user": client,
                "ap": ap,
                "duration": rng.randint(5, 900),
            }
        elif kind == 8:
            doc = {"key": "EVT_WU_Roam", "user": client, "ap_from": ap, "ap_to": rng.choice(aps)}
        else:
            doc = {
                "key": "EVT_IPS_IpsAlert", "inner_alert_signature": f"ET SCAN sig {n % 40}",
                "inner_alert_signature_id": 2_000_000 + n % 40, "inner_alert_action": "blocked",
                "src_ip": f"45.{n % 200}.{n % 97}.{n % 13}", "dest_ip": "86.1.1.1",
            }  # fmt: skip
        doc |= {"_id": f"{at // 1000:08x}{n:016x}", "time": at, "subsystem": "wlan"}
        docs.append(doc)
    docs += [{"key": f"EVT_ZZ_Odd{n}", "time": T0 + n, "msg": "?"} for n in range(MAX_KEYS + 50)]
    docs.sort(key=lambda d: d["time"])
    events = [parse_event(d, site="default", received_ms=0, source="test") for d in docs]
    analysis = run(events)
    report = render_json(build_report(analysis, INFO, generated_at_ms=T0))
    assert analysis.events == len(docs)
    assert len(analysis.findings) < 400
    assert len(report) < 1_000_000
    assert all(len(f.subjects) <= MAX_RELATED_SUBJECTS + 1 for f in analysis.findings)
    assert one(analysis, "client-activity").count == 48_000
    # Unknown keys: 100 tracked one by one, the rest together; then rolled up for reading.
    other = rule(analysis, "other-activity")
    assert len(other) == 10
    assert sum(f.count for f in other) == MAX_KEYS + 50
    rolled = next(f for f in other if f.subjects[0].kind == "site")
    assert rolled.title == f"{MAX_KEYS + 1 - 9} more kinds of event have no rule yet"
    assert analysis.by_key[MORE_KEYS] == 0 or MORE_KEYS not in analysis.by_key


def test_many_subjects_with_one_problem_are_rolled_up_into_one_readable_finding() -> None:
    clients = [f"d8:4c:90:00:01:{i:02x}" for i in range(30)]
    events = [
        event("EVT_WU_Disconnected", T0 + i * MINUTE + n, user=mac, ap=KITCHEN, duration=5 + n)
        for n, mac in enumerate(clients)
        for i in range(6 + n % 3)
    ]
    analysis = run(events)
    found = rule(analysis, "short-sessions")
    assert len(found) == 10
    (rolled,) = [f for f in found if f.subjects[0].kind == "site"]
    single = [f for f in found if f is not rolled]
    assert rolled.title == "21 more clients dropped off right after connecting"
    assert rolled.severity is Severity.MEDIUM and len(rolled.remediation) == 2
    assert rolled.count == sum(6 + n % 3 for n in range(30)) - sum(f.count for f in single)
    # The most frequent stay on their own; the roll-up names the others.
    assert all(f.count == 8 for f in single)
    assert [s.kind for s in rolled.subjects[1:]] == ["client"] * 21
    assert len({f.id for f in found}) == 10


def test_every_rule_has_a_roll_up_label() -> None:
    assert set(rule_ids()) <= set(LABELS)


def test_distinct_keys_counted_in_the_summary_are_capped() -> None:
    events = [event(f"EVT_ZZ_K{n}", T0 + n) for n in range(MAX_COUNTED_KEYS + 5)]
    analysis = run(events)
    assert len(analysis.by_key) == MAX_COUNTED_KEYS + 1
    assert analysis.by_key[MORE_KEYS] == 5
    assert analysis.events == MAX_COUNTED_KEYS + 5


def test_findings_are_ranked_severity_then_count_then_id() -> None:
    analysis = run(mixed_day())
    keys = [f.sort_key for f in analysis.findings]
    assert keys == sorted(keys)
    assert len({f.id for f in analysis.findings}) == len(analysis.findings)
