"""Reports for the report tests: made the way ``report_site`` makes them (tallies watching the
analysed events and snapshots), from realistic event and snapshot records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tests.factories import (
    GATEWAY,
    IPAD,
    KITCHEN,
    LAPTOP,
    MINUTE,
    OFFICE,
    SWITCH,
    T0,
    ap_connected,
    connected,
    device_record,
    disconnected,
    event,
    ips,
    lost_contact,
    poe_port,
    radar,
    roam,
    wan_transition,
)
from unifi_scanner.analyze import Inventory, analyze
from unifi_scanner.controller.models import Event
from unifi_scanner.report import ControllerInfo, build_report
from unifi_scanner.report.activity import EventTally
from unifi_scanner.report.fleet import DeviceTally

HOUR = 60 * MINUTE
DAY = 24 * HOUR
INFO = ControllerInfo(
    url="https://192.168.1.1", flavour="unifi-os", version="10.3.58", site="default"
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
RTL = "\u202egnp.exe"
HOSTILE = f"{SCRIPT}{IMG}{RTL}"
#: A 10 kB hostname: must be cut on the page and kept whole in report.json.
LONG = "x" * 10_240


def make_report(
    events: Iterable[Event],
    *,
    devices: Sequence[tuple[int, dict[str, Any]]] = (),
    inventory: Inventory | None = None,
    info: ControllerInfo = INFO,
    timezone: str = "Europe/Berlin",
    start_ms: int = T0,
    end_ms: int = T0 + DAY,
    previous: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    inventory = inventory or Inventory()
    activity = EventTally(start_ms, end_ms, timezone=timezone)
    fleet = DeviceTally(start_ms, end_ms, timezone=timezone)
    analysis = analyze(
        activity.watch(events),
        site=info.site,
        period_start_ms=start_ms,
        period_end_ms=end_ms,
        inventory=inventory,
        device_snapshots=fleet.watch(devices),
        previous_findings=previous,
    )
    return build_report(
        analysis,
        info,
        generated_at_ms=end_ms,
        timezone=timezone,
        activity=activity,
        fleet=fleet,
        inventory=inventory,
    )


def day_of_events(names: dict[str, str] | None = None) -> list[Event]:
    """A house's day: roams, an outage, radar, IPS hits, a WAN failover; ``names`` overrides
    the hostnames, signature and interface the controller would send."""
    names = names or {}
    host = names.get("host", "ipad")
    signature = names.get("signature", "ET SCAN Suspicious inbound to MSSQL port 1433")
    iface = names.get("iface", "eth8")
    events: list[Event] = []
    for hour in range(24):
        at = T0 + hour * HOUR
        events += [
            connected(IPAD, KITCHEN, at + MINUTE, hostname=host),
            roam(IPAD, KITCHEN, OFFICE, at + 5 * MINUTE),
            disconnected(IPAD, OFFICE, at + 30 * MINUTE),
            connected(LAPTOP, OFFICE, at + 31 * MINUTE, hostname=names.get("laptop", "laptop")),
        ]
    for n in range(12):  # a roam storm between 09:00 and 10:00 UTC
        a, b = (KITCHEN, OFFICE) if n % 2 else (OFFICE, KITCHEN)
        events.append(roam(LAPTOP, a, b, T0 + 9 * HOUR + n * 4 * MINUTE))
    events += [
        lost_contact(KITCHEN, T0 + 13 * HOUR, name=names.get("ap", "Kitchen AP")),
        ap_connected(KITCHEN, T0 + 13 * HOUR + 25 * MINUTE, name=names.get("ap", "Kitchen AP")),
        radar(OFFICE, T0 + 17 * HOUR),
        wan_transition(iface, "inactive", T0 + 20 * HOUR),
        wan_transition("eth9", "active", T0 + 20 * HOUR + 10_000),
        wan_transition(iface, "active", T0 + 20 * HOUR + 40 * MINUTE),
    ]
    for n in range(30):
        alert = ips(
            T0 + 2 * HOUR + n * 7 * MINUTE,
            src=names.get("src", f"185.220.101.{n % 4}"),
            action="blocked" if n % 3 else "allowed",
            sid=2010935 + n % 2,
        )
        alert.payload["inner_alert_signature"] = signature if n % 2 else signature + " (2)"
        events.append(alert)
    events.append(event("EVT_XX_Custom", T0 + 23 * HOUR, subsystem="lan"))
    events.sort(key=lambda e: e.time_ms)
    return events


def snapshots(names: dict[str, str] | None = None) -> list[tuple[int, dict[str, Any]]]:
    """``stat/device`` every hour: a switch warming up, PoE near its budget, an update."""
    names = names or {}
    out = []
    for hour in range(24):
        at = T0 + hour * HOUR + 30 * MINUTE
        out += [
            (
                at,
                device_record(
                    SWITCH,
                    name=names.get("switch", "Core Switch"),
                    model="US24P250",
                    kind="usw",
                    general_temperature=f"{55 + hour * 1.2:.1f}",
                    total_max_power=250,
                    port_table=[poe_port(1, "AP", 120.0 + hour), poe_port(2, "Cam", 90.0)],
                ),
            ),
            (
                at,
                device_record(
                    KITCHEN,
                    name=names.get("ap", "Kitchen AP"),
                    model="UAL6",
                    general_temperature="48",
                    upgradable=True,
                    upgrade_to_firmware=names.get("firmware", "6.7.1"),
                ),
            ),
            (at, device_record(OFFICE, name="Office AP", model="U6PRO")),
            (
                at,
                device_record(
                    GATEWAY, name="Gateway", model="UDMPRO", kind="udm", general_temperature="61"
                ),
            ),
        ]
    return out


def rich_report(names: dict[str, str] | None = None, **kwargs: Any) -> dict[str, Any]:
    """A day with something in every section; ``names`` as in :func:`day_of_events`."""
    names = names or {}
    records = snapshots(names)
    inventory = Inventory([record for _, record in records[:4]], [])
    return make_report(day_of_events(names), devices=records, inventory=inventory, **kwargs)


def hostile_report() -> dict[str, Any]:
    """Every string a controller sends replaced by something hostile."""
    names = {
        key: f"{HOSTILE} {key}"
        for key in ("host", "laptop", "signature", "iface", "ap", "switch", "src", "firmware")
    }
    names["host"] = LONG
    info = ControllerInfo(url=f"https://{HOSTILE}", flavour=HOSTILE, version=HOSTILE, site=HOSTILE)
    return rich_report(names, info=info)
