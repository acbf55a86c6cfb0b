"""IDS/IPS: grouped by source or by signature, inside vs outside, blocked vs detected only,
Emerging Threats categories in plain English, and ET PRO (CyberSecure) signatures."""

from __future__ import annotations

import pytest

from tests.analyze.conftest import one, rule, run
from tests.factories import MINUTE, T0, event, ips
from unifi_scanner.analyze import Severity, Thresholds
from unifi_scanner.analyze.et import OTHER, category_of, is_et_pro
from unifi_scanner.analyze.thresholds import IpsThresholds

ATTACKER = "218.92.0.203"


def hit(at: int, signature: str, sid: int, **fields: object) -> object:
    payload = {
        "subsystem": "www",
        "inner_alert_signature": signature,
        "inner_alert_signature_id": sid,
        "inner_alert_severity": 2,
        "inner_alert_category": "Attempted Information Leak",
        "inner_alert_action": "blocked",
        "src_ip": ATTACKER,
        "src_port": 40000,
        "dest_ip": "86.131.4.242",
        "dest_port": 22,
        "proto": "TCP",
        "catname": "emerging-scan",
        "srcipCountry": "CN",
        "srcipGeo": {"country_code": "CN", "country_name": "China", "organization": "Chinanet"},
        "timestamp": at // 1000,
    }
    payload.update(fields)
    return event("EVT_IPS_IpsAlert", at, **payload)


def test_a_persistent_attacker_is_one_finding_by_source() -> None:
    events = [hit(T0 + i * MINUTE, "ET SCAN Potential SSH Scan", 2001219) for i in range(30)]
    dshield = "ET DROP Dshield Block Listed Source"
    events += [hit(T0 + i * MINUTE, dshield, 2402000, catname="emerging-dshield") for i in range(5)]
    analysis = run(events)
    assert rule(analysis, "ips-alert") == []
    finding = one(analysis, "ips-source")
    assert finding.title == "35 intrusion alerts from 218.92.0.203 (China, Chinanet), all blocked"
    assert finding.count == 35
    assert finding.severity is Severity.LOW
    assert "ET SCAN Potential SSH Scan (30) and ET DROP Dshield Block Listed Source (5)" in (
        finding.explanation
    )
    assert "known bad address and scanning" in finding.explanation
    assert [s.kind for s in finding.subjects] == ["ip", "signature", "signature"]
    assert any("block it (or its country)" in step for step in finding.remediation)


def test_a_scan_wave_from_many_addresses_is_one_finding_by_signature() -> None:
    events = [
        hit(T0 + i * MINUTE, "ET SCAN Potential SSH Scan", 2001219, src_ip=f"45.9.20.{i}")
        for i in range(1, 21)
    ]
    finding = one(run(events), "ips-alert")
    assert finding.count == 20
    assert "from 20 addresses — 45.9.20.1 (China, Chinanet)" in finding.explanation
    assert len(finding.subjects) == 21


def test_every_hit_is_in_exactly_one_finding() -> None:
    events = [hit(T0 + i * MINUTE, "ET SCAN Potential SSH Scan", 2001219) for i in range(12)]
    events += [
        hit(T0 + i * MINUTE, "ET SCAN Potential SSH Scan", 2001219, src_ip="45.9.20.1")
        for i in range(3)
    ]
    analysis = run(events)
    total = sum(f.count for f in analysis.findings if f.rule in ("ips-alert", "ips-source"))
    assert total == 15
    assert one(analysis, "ips-alert").subjects[1].id == "45.9.20.1"


def test_malware_from_inside_is_severe_even_when_blocked_and_names_the_device() -> None:
    events = [
        hit(
            T0 + i * MINUTE,
            "ET MALWARE Win32/Emotet CnC Activity",
            2030868,
            src_ip="192.168.1.50",
            dest_ip="185.220.101.4",
            inner_alert_severity=1,
            catname=["emerging-malware"],
        )
        for i in range(2)
    ]
    finding = one(run(events), "ips-alert")
    assert finding.severity is Severity.SEVERE
    assert "192.168.1.50 is inside your network (Living-room iPad)" in finding.explanation
    assert "What it means (malware)" in finding.explanation
    assert finding.remediation[0].startswith("Identify 192.168.1.50 (Living-room iPad)")
    assert "Disconnect this device" in finding.remediation[1]


def test_an_inside_device_tripping_several_signatures_gets_its_own_finding() -> None:
    laptop = "192.168.1.51"
    events = [
        hit(T0, "ET POLICY Outbound SSH", 2003068, src_ip=laptop, catname="emerging-policy"),
        hit(T0 + MINUTE, "ET SCAN Nmap Scripting Engine", 2009358, src_ip=laptop),
    ]
    analysis = run(events)
    assert rule(analysis, "ips-alert") == []
    finding = one(analysis, "ips-source")
    assert finding.title == (
        "192.168.1.51 (work-laptop), inside your network, triggered 2 intrusion alerts"
    )
    assert finding.severity is Severity.MEDIUM
    assert "policy and scanning" in finding.explanation


def test_detection_only_mode_is_called_out_once_for_the_site() -> None:
    events = [ips(T0 + i * MINUTE, action="alert", src=f"45.9.20.{i}") for i in range(1, 4)]
    analysis = run(events)
    site = one(analysis, "ips-detection-only")
    assert site.severity is Severity.MEDIUM
    assert site.title == "Intrusion prevention only detects threats, it does not block them"
    assert "Notify and Block" in site.remediation[0]
    signature = one(analysis, "ips-alert")
    assert signature.title.startswith("Intrusion detected: ")
    assert "detection-only (IDS) mode" in signature.explanation


def test_mixed_actions_say_how_many_were_blocked_and_no_site_finding() -> None:
    events = [ips(T0, action="blocked"), ips(T0 + MINUTE, action="alert", src="45.9.20.1")]
    analysis = run(events)
    assert rule(analysis, "ips-detection-only") == []
    finding = one(analysis, "ips-alert")
    assert "1 of 2 were blocked; the rest were only detected" in finding.explanation
    assert finding.severity is Severity.MEDIUM  # an unblocked priority-2 scan


def test_et_pro_signatures_are_marked_as_cybersecure() -> None:
    events = [hit(T0, "ETPRO TROJAN Observed Malicious SSL Cert", 2807930, inner_alert_severity=1)]
    finding = one(run(events), "ips-alert")
    assert "paid CyberSecure subscription" in finding.explanation
    assert finding.severity is Severity.MEDIUM  # priority 1, blocked, from outside
    plain = one(run([hit(T0, "ET SCAN Potential SSH Scan", 2001219)]), "ips-alert")
    assert "CyberSecure subscription" not in plain.explanation


def test_empty_geo_and_missing_optional_fields() -> None:
    events = [
        event(
            "EVT_IPS_IpsAlert",
            T0,
            inner_alert_signature="ET POLICY Outbound SSH",
            src_ip="51.75.144.29",
            srcipGeo=[],
            dstipGeo=[],
            srcipCountry=False,
            timestamp=T0 // 1000,
        )
    ]
    finding = one(run(events), "ips-alert")
    assert "from 51.75.144.29 to" not in finding.explanation  # no destination recorded
    assert "from 51.75.144.29." in finding.explanation
    assert "What it means (policy)" in finding.explanation
    assert finding.severity is Severity.LOW


def test_source_memory_is_bounded() -> None:
    few = Thresholds(ips=IpsThresholds(max_tracked_sources=3))
    events = [ips(T0 + i, src=f"45.9.{i}.1", action="alert") for i in range(10)]
    finding = one(run(events, thresholds=few), "ips-alert")
    assert finding.count == 10
    assert "many other addresses" in finding.explanation


# The categories of the Emerging Threats rulesets (ET Open, ET PRO, and GPL's older ones).
ET_RULESET_CATEGORIES = [
    "ACTIVEX",
    "ADWARE_PUP",
    "ATTACK_RESPONSE",
    "BOTCC",
    "CHAT",
    "CIARMY",
    "COINMINING",
    "COMPROMISED",
    "CURRENT_EVENTS",
    "DNS",
    "DOS",
    "DROP",
    "DSHIELD",
    "EXPLOIT",
    "EXPLOIT_KIT",
    "FTP",
    "GAMES",
    "HUNTING",
    "ICMP",
    "ICMP_INFO",
    "IMAP",
    "INAPPROPRIATE",
    "INFO",
    "JA3",
    "MALWARE",
    "MISC",
    "MOBILE_MALWARE",
    "NETBIOS",
    "P2P",
    "PHISHING",
    "POLICY",
    "POP3",
    "RPC",
    "SCADA",
    "SCAN",
    "SHELLCODE",
    "SMTP",
    "SNMP",
    "SQL",
    "TELNET",
    "TFTP",
    "TOR",
    "TROJAN",
    "USER_AGENTS",
    "VOIP",
    "WEB_CLIENT",
    "WEB_SERVER",
    "WEB_SPECIFIC_APPS",
    "WORM",
]


@pytest.mark.parametrize("word", ET_RULESET_CATEGORIES)
def test_every_ruleset_category_has_its_own_words(word: str) -> None:
    found, category = category_of(f"ET {word} Something happened")
    assert found == word
    # Only ET's own catch-all may borrow the generic wording.
    assert category is not OTHER or word == "MISC"


def test_categories_from_the_message_or_the_catname() -> None:
    assert category_of("ET SCAN Potential SSH Scan")[0] == "SCAN"
    assert category_of("ETPRO TROJAN Something")[0] == "TROJAN"
    assert category_of("GPL ATTACK_RESPONSE id check returned root")[0] == "ATTACK_RESPONSE"
    assert category_of("Custom rule", ["emerging-web_server"])[0] == "WEB_SERVER"
    assert category_of("Custom rule", "emerging-dshield")[0] == "DSHIELD"
    assert category_of("Custom rule", None)[0] == "OTHER"
    assert is_et_pro("2800001") and not is_et_pro("2001219") and not is_et_pro("abc")


# -- one network, one organisation: one attacker -------------------------------------------

BALTIC = {"country_code": "LT", "country_name": "Lithuania", "organization": "UAB Host Baltic"}
SSH_BRUTE = "ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack"


def brute(source: str, count: int = 14, **fields: object) -> list[object]:
    fields = {"src_ip": source, "srcipGeo": BALTIC, **fields}
    return [hit(T0 + i * MINUTE, SSH_BRUTE, 2006546, **fields) for i in range(count)]


def test_addresses_of_one_network_and_organisation_are_one_attacker() -> None:
    # The ips-attack scenario: three hosts of one Lithuanian /24 take turns at SSH.
    events = brute("141.98.11.182") + brute("141.98.11.203") + brute("141.98.11.196", 10)
    analysis = run(events)
    finding = one(analysis, "ips-source")
    assert finding.title == (
        "38 intrusion alerts from 3 addresses in 141.98.11.0/24 (Lithuania, UAB Host Baltic), "
        "all blocked"
    )
    assert finding.count == 38
    assert finding.severity is Severity.LOW  # priority 2, scanning, blocked, from outside
    assert "141.98.11.182 (14), 141.98.11.203 (14) and 141.98.11.196 (10)" in finding.explanation
    assert f"{SSH_BRUTE} (38)" in finding.explanation
    assert "Every attempt was blocked." in finding.explanation
    assert [(s.kind, s.id) for s in finding.subjects] == [
        ("ip", "141.98.11.0/24"),
        ("ip", "141.98.11.182"),
        ("ip", "141.98.11.203"),
        ("ip", "141.98.11.196"),
        ("signature", "2006546"),
    ]
    assert any("141.98.11.0/24" in step and "range" in step for step in finding.remediation)
    assert rule(analysis, "ips-alert") == []


def test_the_network_finding_keeps_its_id_whichever_hosts_attack() -> None:
    monday = one(run(brute("141.98.11.182") + brute("141.98.11.203")), "ips-source")
    tuesday = one(run(brute("141.98.11.7") + brute("141.98.11.99") + brute("141.98.11.5")),
                  "ips-source")  # fmt: skip
    assert monday.id == tuesday.id
    assert (monday.subjects[0].kind, monday.subjects[0].id) == ("ip", "141.98.11.0/24")
    assert (tuesday.subjects[0].kind, tuesday.subjects[0].id) == ("ip", "141.98.11.0/24")


def test_ipv6_sources_are_grouped_by_their_64() -> None:
    events = brute("2a02:4780:1:2::10") + brute("2a02:4780:1:2:ffff::1", 12)
    finding = one(run(events), "ips-source")
    assert finding.subjects[0].id == "2a02:4780:1:2::/64"
    assert finding.title.startswith("26 intrusion alerts from 2 addresses in 2a02:4780:1:2::/64")


def test_only_one_network_and_one_organisation_make_one_card() -> None:
    other_org = {"country_code": "LT", "country_name": "Lithuania", "organization": "Other UAB"}
    events = brute("141.98.11.182") + brute("141.98.11.203")
    events += brute("141.98.11.77", srcipGeo=other_org)  # same /24, another organisation
    events += brute("141.98.12.10")  # the next /24
    malware = "ET MALWARE Win32/Emotet CnC Activity"
    events += [  # devices of this network are never one attacker, however alike
        hit(T0 + i * MINUTE, malware, 2030000, src_ip=ip, srcipGeo=[], catname="emerging-malware")
        for ip in ("192.168.1.50", "192.168.1.51")
        for i in range(10)
    ]
    sources = {f.subjects[0].id: f for f in rule(run(events), "ips-source")}
    assert sorted(sources) == [
        "141.98.11.0/24",
        "141.98.11.77",
        "141.98.12.10",
        "192.168.1.50",
        "192.168.1.51",
    ]
    assert sources["141.98.11.0/24"].count == 28
    lone = sources["141.98.12.10"]
    assert lone.title == (
        "14 intrusion alerts from 141.98.12.10 (Lithuania, UAB Host Baltic), all blocked"
    )
    assert any("If 141.98.12.10 keeps coming back" in step for step in lone.remediation)
