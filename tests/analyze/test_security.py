"""Rogue access points, rogue DHCP servers and admin logins."""

from __future__ import annotations

from tests.analyze.conftest import inventory, one, rule, run
from tests.factories import (
    IPAD,
    KITCHEN,
    MINUTE,
    OFFICE,
    SWITCH,
    T0,
    admin_login,
    connected,
    event,
    rogue_ap,
    rogue_dhcp,
)
from unifi_scanner.analyze import Severity


def test_a_rogue_broadcasting_our_own_network_name_is_severe() -> None:
    events = [
        connected(IPAD, KITCHEN, T0),  # tells the analysis that "Home" is our network
        rogue_ap(KITCHEN, "02:11:22:33:44:55", "Home", T0 + MINUTE),
        rogue_ap(OFFICE, "02:11:22:33:44:56", "Home", T0 + 2 * MINUTE, channel="36"),
    ]
    finding = one(run(events), "rogue-ap")
    assert finding.severity is Severity.SEVERE
    assert finding.title == 'A foreign access point is broadcasting your network name "Home"'
    assert "near Kitchen AP and Office AP" in finding.explanation
    assert [s.kind for s in finding.subjects] == ["network", "rogue-ap", "rogue-ap"]
    assert len(finding.remediation) >= 3


def test_our_network_names_also_come_from_access_point_records() -> None:
    known = inventory()
    known.add_device({"mac": KITCHEN, "type": "uap", "vap_table": [{"essid": "Loft WiFi"}]})
    analysis = run([rogue_ap(KITCHEN, "02:aa:00:00:00:01", "Loft WiFi", T0)], inventory=known)
    assert one(analysis, "rogue-ap").severity is Severity.SEVERE


def test_neighbours_are_one_low_summary() -> None:
    events = [
        rogue_ap(KITCHEN, f"02:aa:00:00:00:{i:02x}", f"Neighbour-{i % 3}", T0 + i * MINUTE)
        for i in range(9)
    ]
    events.append(rogue_ap(KITCHEN, "02:aa:00:00:00:99", "", T0 + 10 * MINUTE))
    analysis = run(events)
    finding = one(analysis, "rogue-ap")
    assert finding.severity is Severity.LOW
    assert finding.title == "4 foreign WiFi networks detected nearby"
    assert '"Neighbour-0"' in finding.explanation and "hidden or unnamed" in finding.explanation
    assert finding.subjects[0].kind == "site"


def test_rogue_dhcp_server_is_severe_and_named_when_known() -> None:
    events = [
        rogue_dhcp(T0, ip="192.168.1.50", mac=IPAD, port=7),
        rogue_dhcp(T0 + MINUTE, ip="192.168.1.50", mac=IPAD, port=7),
    ]
    finding = one(run(events), "rogue-dhcp")
    assert finding.severity is Severity.SEVERE
    assert finding.title == (
        "Rogue DHCP server: Living-room iPad (192.168.1.50) is handing out IP addresses"
    )
    assert "seen by Loft Switch on port 7" in finding.explanation
    assert "(VLAN 1)" in finding.explanation
    assert any("DHCP Guard" in step for step in finding.remediation)
    assert finding.subjects[1].id == SWITCH


def test_rogue_dhcp_server_known_only_by_address() -> None:
    event = rogue_dhcp(T0, ip="192.168.1.77", mac="")
    finding = one(run([event]), "rogue-dhcp")
    assert finding.subjects[0].kind == "ip"
    assert finding.title == "Rogue DHCP server: 192.168.1.77 is handing out IP addresses"


def test_admin_login_from_inside_is_low() -> None:
    events = [admin_login("alice", "192.168.1.51", T0 + i * MINUTE) for i in range(3)]
    finding = one(run(events), "admin-login")
    assert finding.severity is Severity.LOW
    assert finding.title == "alice logged in to the controller 3 times"
    assert finding.subjects[0].kind == "admin"


def test_admin_login_from_a_new_outside_address_is_called_out() -> None:
    events = [
        admin_login("alice", "192.168.1.51", T0),
        admin_login("alice", "81.2.69.160", T0 + MINUTE),
        admin_login("bob", "81.2.69.161", T0 + 2 * MINUTE),
    ]
    analysis = run(events, known_admin_sources={"81.2.69.161"})
    alice = next(f for f in rule(analysis, "admin-login") if f.subjects[0].id == "alice")
    assert alice.severity is Severity.MEDIUM
    assert alice.title == "alice logged in to the controller from a new place: 81.2.69.160"
    assert "never seen before" in alice.explanation
    assert "two-factor" in alice.remediation[1]
    bob = next(f for f in rule(analysis, "admin-login") if f.subjects[0].id == "bob")
    assert bob.severity is Severity.LOW


def test_admin_login_without_an_address_is_not_called_inside() -> None:
    finding = one(run([event("EVT_AD_Login", T0, admin="alice")]), "admin-login")
    assert finding.explanation == (
        "alice logged in once in this period, from an unrecorded address. "
        "Nothing to do if these were you."
    )


def test_admin_login_with_and_without_an_address_says_which_is_inside() -> None:
    events = [event("EVT_AD_Login", T0, admin="alice"), admin_login("alice", "192.168.1.51", T0)]
    finding = one(run(events), "admin-login")
    assert (
        "from 192.168.1.51 and an unrecorded address (the recorded address is inside your "
        "network)." in finding.explanation
    )


def test_without_history_any_outside_login_is_called_out() -> None:
    finding = one(run([admin_login("alice", "81.2.69.160", T0)]), "admin-login")
    assert finding.severity is Severity.MEDIUM
    assert "outside your network, on the internet" in finding.explanation
