"""Per-rule tests with realistic payloads: string channels and ports (ints in some fixtures),
optional fields missing, upper-case MACs, names from the inventory (never bare MACs).

Covers the rules only the generic "every rule fires" test used to touch: ``wifi-interference``,
``poe-disconnect``, ``gateway-commit-error`` and ``device-connected``, and the guest-portal
summary's no-password warning.
"""

from __future__ import annotations

import re
from typing import Any

from tests.analyze.conftest import one, rule, run
from tests.factories import (
    GATEWAY,
    KITCHEN,
    MINUTE,
    OFFICE,
    SWITCH,
    T0,
    ap_connected,
    event,
    lost_contact,
)
from unifi_scanner.analyze import Category, Finding, Severity
from unifi_scanner.analyze.findings import Subject
from unifi_scanner.controller.models import Event

MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")
#: A switch and a gateway the inventory does not know: named from their events' payloads.
GARAGE_SWITCH = "74:ac:b9:00:00:11"
OLD_USG = "f0:9f:c2:00:00:09"
GUESTS = ["aa:bb:cc:00:00:01", "aa:bb:cc:00:00:02", "aa:bb:cc:00:00:03"]

KITCHEN_AP = "Kitchen AP (U6-Lite)"
OFFICE_AP = "Office AP (UAP-AC-Pro)"
LOFT_SWITCH = "Loft Switch (US-8-60W)"
DREAM_MACHINE = "Dream Machine (UDM Pro)"


def interference(ap: str, at_ms: int, **fields: Any) -> Event:
    """``EVT_AP_PossibleInterference`` as an access point sends it (``channel`` a string)."""
    fields.setdefault("ap_name", "Kitchen AP")
    fields.setdefault("ap_model", "UAL6")
    return event(
        "EVT_AP_PossibleInterference",
        at_ms,
        ap=ap,
        is_negative=True,
        msg=f"AP[{ap}] detected possible interference",
        **fields,
    )


def poe_cut(switch: str, at_ms: int, **fields: Any) -> Event:
    """``EVT_SW_PoeDisconnect``: ``port`` a string or an int, or missing."""
    fields.setdefault("sw_name", "Loft Switch")
    fields.setdefault("sw_model", "US8P60")
    return event(
        "EVT_SW_PoeDisconnect",
        at_ms,
        subsystem="lan",
        sw=switch,
        is_negative=True,
        msg=f"Switch[{switch}] PoE disconnect",
        **fields,
    )


def commit_error(at_ms: int, **fields: Any) -> Event:
    """``EVT_GW_CommitError``: a UDM names itself in ``gw`` and ``dm``, a USG in ``gw``."""
    return event(
        "EVT_GW_CommitError",
        at_ms,
        subsystem="lan",
        is_negative=True,
        msg="Gateway failed to commit configuration",
        **fields,
    )


def plain(finding: Finding) -> str:
    """Everything a reader sees of a finding."""
    return "\n".join((finding.title, finding.explanation, *finding.remediation))


def assert_reads_cleanly(finding: Finding) -> None:
    text = plain(finding)
    assert MAC.search(finding.title) is None, finding.title
    assert "{" not in text and "[" not in text and "|" not in text, text
    assert "0 times" not in text, text
    assert "  " not in text, text
    assert finding.explanation == finding.explanation.strip(), repr(finding.explanation)


# -- wifi-interference ----------------------------------------------------------------------


def test_interference_is_one_finding_per_access_point_with_its_channels() -> None:
    events = [
        interference(KITCHEN.upper(), T0 + 30 * MINUTE, channel="11", radio="ng"),
        interference(KITCHEN, T0 + 5 * MINUTE, channel="6", radio="ng"),
        interference(KITCHEN, T0 + 50 * MINUTE, channel=6, radio="ng"),  # int in some fixtures
        interference(KITCHEN.upper(), T0 + 90 * MINUTE, radio="na"),  # no channel recorded
    ]
    finding = one(run(events), "wifi-interference")
    assert finding.title == f"{KITCHEN_AP} reported possible interference 4 times"
    assert finding.count == 4
    assert (finding.first_seen_ms, finding.last_seen_ms) == (T0 + 5 * MINUTE, T0 + 90 * MINUTE)
    assert finding.subjects == (Subject("device", KITCHEN, KITCHEN_AP),)
    assert finding.severity is Severity.MEDIUM
    assert finding.category is Category.WIRELESS
    # The distinct channels, in numeric order, under a noun that suits a list.
    assert finding.explanation.startswith(
        f"{KITCHEN_AP} heard strong radio noise on channels 6 and 11. Interference"
    )
    assert "(channel: 6 and 11)" not in finding.explanation
    assert f"set the channel of {KITCHEN_AP} by hand" in finding.remediation[0]
    assert f"Keep {KITCHEN_AP} away from microwave ovens" in finding.remediation[2]
    assert len(finding.remediation) == 4
    assert_reads_cleanly(finding)


def test_interference_on_two_access_points_is_two_findings() -> None:
    events = [
        interference(KITCHEN, T0, channel="36", radio="na"),
        interference(OFFICE.upper(), T0 + MINUTE, ap_name="Office AP", ap_model="U7PG2"),
    ]
    findings = {f.subjects[0].id: f for f in rule(run(events), "wifi-interference")}
    assert set(findings) == {KITCHEN, OFFICE}
    assert findings[KITCHEN].title == f"{KITCHEN_AP} reported possible interference once"
    assert "radio noise on channel 36." in findings[KITCHEN].explanation
    office = findings[OFFICE]
    assert office.title == f"{OFFICE_AP} reported possible interference once"
    assert "radio noise on an unrecorded channel." in office.explanation
    assert (office.count, office.first_seen_ms, office.last_seen_ms) == (
        1,
        T0 + MINUTE,
        T0 + MINUTE,
    )
    for finding in findings.values():
        assert_reads_cleanly(finding)


# -- poe-disconnect -------------------------------------------------------------------------


def test_poe_cuts_are_one_finding_per_switch_with_its_ports() -> None:
    events = [
        poe_cut(SWITCH.upper(), T0 + 40 * MINUTE, port="5"),
        poe_cut(SWITCH, T0 + 10 * MINUTE, port=5),  # the same port as an int
        poe_cut(SWITCH.upper(), T0 + 20 * MINUTE, port="3"),
        poe_cut(SWITCH, T0 + 70 * MINUTE),  # no port recorded
    ]
    analysis = run(events)
    finding = one(analysis, "poe-disconnect")
    # Not "on ports 3 and 5 4 times": the count never follows the port numbers.
    assert finding.title == f"{LOFT_SWITCH} cut PoE power 4 times on ports 3 and 5"
    assert finding.count == 4
    assert (finding.first_seen_ms, finding.last_seen_ms) == (T0 + 10 * MINUTE, T0 + 70 * MINUTE)
    assert finding.subjects == (Subject("device", SWITCH, LOFT_SWITCH),)
    assert finding.severity is Severity.MEDIUM
    assert finding.category is Category.HEALTH
    # Several ports: no single "device" that lost its power.
    assert finding.explanation.startswith(
        f"Whatever {LOFT_SWITCH} powers on ports 3 and 5 lost its power: it was unplugged, "
        "failed, or drew more than the port may give."
    )
    assert "The device powered by" not in finding.explanation
    assert finding.remediation[0].startswith(
        f"Check what is plugged into ports 3 and 5 of {LOFT_SWITCH} and whether it came back "
        f"(UniFi Network → UniFi Devices → {LOFT_SWITCH} → Ports)."
    )
    assert len(finding.remediation) == 3
    assert_reads_cleanly(finding)
    # A cut alone is not an outage of the switch itself.
    assert rule(analysis, "device-offline") == []


def test_poe_cuts_on_two_switches_are_two_findings_named_from_the_inventory_or_payload() -> None:
    events = [
        poe_cut(SWITCH, T0, port="2"),
        poe_cut(
            GARAGE_SWITCH.upper(), T0 + MINUTE, port="7", sw_name="Garage Switch",
            sw_model="USL8LP",
        ),
        poe_cut(GARAGE_SWITCH, T0 + 2 * MINUTE, port="7", sw_name="Garage Switch"),
    ]  # fmt: skip
    findings = {f.subjects[0].id: f for f in rule(run(events), "poe-disconnect")}
    assert set(findings) == {SWITCH, GARAGE_SWITCH}
    assert findings[SWITCH].title == f"{LOFT_SWITCH} cut PoE power once on port 2"
    assert findings[SWITCH].explanation.startswith(f"Whatever {LOFT_SWITCH} powers on port 2 ")
    garage = findings[GARAGE_SWITCH]
    assert garage.title == "Garage Switch (USW-Lite-8-PoE) cut PoE power twice on port 7"
    assert garage.count == 2
    for finding in findings.values():
        assert_reads_cleanly(finding)


def test_poe_cut_without_a_port_reads_naturally() -> None:
    finding = one(run([poe_cut(SWITCH, T0)]), "poe-disconnect")
    assert finding.title == f"{LOFT_SWITCH} cut PoE power once on an unrecorded port"
    assert_reads_cleanly(finding)


# -- gateway-commit-error -------------------------------------------------------------------


def test_commit_errors_of_a_udm_are_one_finding_whichever_field_names_it() -> None:
    events = [
        commit_error(
            T0 + 30 * MINUTE, gw=GATEWAY.upper(), dm=GATEWAY.upper(), dm_name="Dream Machine",
            dm_model="UDMPRO",
        ),
        commit_error(T0 + 3 * MINUTE, dm=GATEWAY),  # only ``dm``
        commit_error(T0 + 9 * MINUTE, gw=GATEWAY, dm=GATEWAY),
    ]  # fmt: skip
    finding = one(run(events), "gateway-commit-error")
    assert finding.title == f"{DREAM_MACHINE} could not apply its configuration (3 times)"
    assert finding.count == 3
    assert (finding.first_seen_ms, finding.last_seen_ms) == (T0 + 3 * MINUTE, T0 + 30 * MINUTE)
    # ``gw`` and ``dm`` name the same device: it is listed once.
    assert finding.subjects == (Subject("device", GATEWAY, DREAM_MACHINE),)
    assert finding.severity is Severity.MEDIUM
    assert finding.category is Category.SYSTEM
    assert finding.explanation.startswith(
        f"The gateway {DREAM_MACHINE} rejected the configuration the controller sent it, so "
        "the settings changed most recently"
    )
    assert "may not be in effect" in finding.explanation
    assert len(finding.remediation) == 3
    assert "undo the last one" in finding.remediation[0]
    assert (
        f"UniFi Devices → {DREAM_MACHINE} → Settings → Manage → Force Provision"
        in (finding.remediation[1])
    )
    assert_reads_cleanly(finding)


def test_commit_errors_of_two_gateways_are_two_findings() -> None:
    events = [
        commit_error(T0, gw=GATEWAY, dm=GATEWAY),
        commit_error(T0 + MINUTE, gw=OLD_USG.upper(), gw_name="Basement USG", gw_model="UGW3"),
    ]
    findings = {f.subjects[0].id: f for f in rule(run(events), "gateway-commit-error")}
    assert set(findings) == {GATEWAY, OLD_USG}
    assert findings[GATEWAY].title == f"{DREAM_MACHINE} could not apply its configuration (once)"
    usg = findings[OLD_USG]
    assert usg.title == "Basement USG (USG) could not apply its configuration (once)"
    assert usg.explanation.startswith("The gateway Basement USG (USG) rejected")
    for finding in findings.values():
        assert_reads_cleanly(finding)


# -- device-connected -----------------------------------------------------------------------


def test_returns_without_a_loss_are_one_device_connected_finding_per_device() -> None:
    events = [
        ap_connected(KITCHEN.upper(), T0 + 40 * MINUTE),
        ap_connected(KITCHEN, T0 + 5 * MINUTE),
        event("EVT_SW_Connected", T0 + 7 * MINUTE, subsystem="lan", sw=SWITCH.upper(),
              sw_name="Loft Switch", sw_model="US8P60"),
        event("EVT_DM_Connected", T0 + 8 * MINUTE, subsystem="lan", dm=GATEWAY,
              dm_name="Dream Machine", dm_model="UDMPRO"),
    ]  # fmt: skip
    findings = {f.subjects[0].id: f for f in rule(run(events), "device-connected")}
    assert set(findings) == {KITCHEN, SWITCH, GATEWAY}

    kitchen = findings[KITCHEN]
    assert kitchen.title == f"{KITCHEN_AP} connected to the controller twice"
    assert kitchen.count == 2
    assert (kitchen.first_seen_ms, kitchen.last_seen_ms) == (T0 + 5 * MINUTE, T0 + 40 * MINUTE)
    assert kitchen.subjects == (Subject("device", KITCHEN, KITCHEN_AP),)
    assert kitchen.severity is Severity.LOW
    assert kitchen.category is Category.SYSTEM
    assert kitchen.remediation == ()
    assert kitchen.explanation.startswith(
        f"The access point {KITCHEN_AP} (re)connected to the controller without a recorded "
        "loss of contact in this period"
    )
    assert "a restart, a firmware upgrade, an adoption" in kitchen.explanation

    assert findings[SWITCH].title == f"{LOFT_SWITCH} connected to the controller once"
    assert findings[SWITCH].explanation.startswith(f"The switch {LOFT_SWITCH} (re)connected")
    assert findings[GATEWAY].explanation.startswith(f"The gateway {DREAM_MACHINE} (re)connected")
    for finding in findings.values():
        assert_reads_cleanly(finding)


def test_a_return_after_a_loss_is_an_outage_not_a_device_connected_finding() -> None:
    events = [
        lost_contact(KITCHEN.upper(), T0 + 10 * MINUTE),
        ap_connected(KITCHEN, T0 + 25 * MINUTE),
        ap_connected(OFFICE, T0 + 30 * MINUTE, name="Office AP", model="U7PG2"),
    ]
    analysis = run(events)
    assert one(analysis, "device-offline").subjects[0].id == KITCHEN
    connected = one(analysis, "device-connected")
    assert connected.subjects == (Subject("device", OFFICE, OFFICE_AP),)
    assert connected.title == f"{OFFICE_AP} connected to the controller once"


# -- guest portal: the no-password warning ----------------------------------------------------

WARNING = "lets anyone in range use your internet connection"


def test_guest_portal_warns_about_logins_without_a_password() -> None:
    events = [
        event("EVT_HS_AuthedByNoAuth", T0 + 20 * MINUTE, guest=GUESTS[0].upper(), ap=KITCHEN,
              ssid="Guest"),
        event("EVT_HS_AuthedByNoAuth", T0 + 30 * MINUTE, guest=GUESTS[1], ap=KITCHEN,
              ssid="Guest"),
        event("EVT_HS_VoucherUsed", T0 + 10 * MINUTE, guest=GUESTS[2], ap=KITCHEN,
              voucher_code="12345-67890"),
    ]  # fmt: skip
    finding = one(run(events), "guest-authorisations")
    assert finding.title == "3 clients used the guest portal"
    assert finding.count == 3
    assert (finding.first_seen_ms, finding.last_seen_ms) == (T0 + 10 * MINUTE, T0 + 30 * MINUTE)
    # Each guest once: in order of first appearance.
    clients = [s.id for s in finding.subjects if s.kind == "client"]
    assert clients == [GUESTS[2], GUESTS[0], GUESTS[1]]
    assert "Guests logged in once with a voucher." in finding.explanation
    assert (
        "The portal let guests in without any password twice: a portal that asks for none "
        f"{WARNING}." in finding.explanation
    )
    assert_reads_cleanly(finding)


def test_guest_portal_with_only_open_logins_still_warns() -> None:
    events = [event("EVT_HS_AuthedByNoAuth", T0, guest=GUESTS[0], ap=KITCHEN, ssid="Guest")]
    finding = one(run(events), "guest-authorisations")
    assert "without any password once" in finding.explanation
    assert WARNING in finding.explanation
    assert "with a voucher" not in finding.explanation
    assert_reads_cleanly(finding)


def test_guest_portal_without_open_logins_does_not_warn() -> None:
    events = [
        event("EVT_HS_VoucherUsed", T0, guest=GUESTS[0], voucher_code="12345-67890"),
        event("EVT_HS_AuthedByPassword", T0 + MINUTE, guest=GUESTS[1].upper()),
        event("EVT_WG_AuthorizationEnded", T0 + 60 * MINUTE, guest=GUESTS[0]),
    ]
    finding = one(run(events), "guest-authorisations")
    assert WARNING not in finding.explanation
    assert "no password" not in finding.explanation
    assert "without" not in finding.explanation
    assert (
        "Guests logged in once with a voucher and once with the guest password. Guest access "
        "ended once when its time ran out." in finding.explanation
    )
    assert_reads_cleanly(finding)


def test_guest_portal_with_only_ended_or_revoked_access_does_not_warn() -> None:
    events = [
        event("EVT_WG_AuthorizationEndedByQuota", T0, guest=GUESTS[0]),
        event("EVT_AD_GuestUnauthorized", T0 + MINUTE, guest=GUESTS[1], admin="alice"),
    ]
    finding = one(run(events), "guest-authorisations")
    assert WARNING not in finding.explanation
    assert "logged in" not in finding.explanation
    assert finding.explanation.endswith(
        "Guest access ended once when its data quota was used up. An administrator revoked "
        "guest access once."
    )
    assert_reads_cleanly(finding)
