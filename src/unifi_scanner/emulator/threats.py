"""IDS/IPS alerts: the `EVT_IPS_IpsAlert` document and a catalogue of signatures and attackers.

Signatures are real ET rules (id, message, classtype) of the kinds a home gateway sees from
the internet: scans and block-listed sources. Attackers are addresses in networks known for
scanning, with the geolocation object the controller attaches as `srcipGeo`. All of them are
public addresses on purpose: a client that classifies sources as external must see them as
such (documentation ranges like 203.0.113.0/24 count as private to Python's `ipaddress`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from unifi_scanner.emulator.events import EventDraft
from unifi_scanner.emulator.inventory import Device


@dataclass(frozen=True)
class IpsHit:
    """What an IDS/IPS alert is about (one Suricata match)."""

    signature: str
    signature_id: int
    revision: int
    category: str
    severity: int  # 1 (high) … 3 (low), Suricata style
    catname: str
    action: str  # "blocked" (IPS) or "alert" (IDS only)
    proto: str
    app_proto: str
    src_ip: str
    src_port: int
    dest_ip: str
    dest_port: int
    src_country: str
    src_geo: dict[str, Any]
    flow_id: int


def ips_alert(hit: IpsHit, gateway: Device, wan_interface: str) -> EventDraft:
    """EVT_IPS_IpsAlert as raised by the gateway's threat management."""
    fields: dict[str, Any] = {
        "timestamp": 0,  # epoch seconds, filled at render time
        "flow_id": hit.flow_id,
        "in_iface": wan_interface,
        "event_type": "alert",
        "src_ip": hit.src_ip,
        "src_port": hit.src_port,
        "dest_ip": hit.dest_ip,
        "dest_port": hit.dest_port,
        "proto": hit.proto,
        "app_proto": hit.app_proto,
        "host": gateway.mac,
        "usgip": hit.dest_ip,
        "srcipCountry": hit.src_country,
        "srcipGeo": hit.src_geo,
        "dstipCountry": False,
        "dstipGeo": [],
        "catname": hit.catname,
        "inner_alert_action": hit.action,
        "inner_alert_gid": 1,
        "inner_alert_signature_id": hit.signature_id,
        "inner_alert_rev": hit.revision,
        "inner_alert_signature": hit.signature,
        "inner_alert_category": hit.category,
        "inner_alert_severity": hit.severity,
    }
    return EventDraft(
        key="EVT_IPS_IpsAlert",
        subsystem="www",
        fields=fields,
        msg=f"IPS Alert {hit.severity}: {hit.category}. Signature {hit.signature}. "
        f"From: {hit.src_ip}:{hit.src_port}, to: {hit.dest_ip}:{hit.dest_port}, "
        f"protocol: {hit.proto}",
        is_negative=True,
        seconds_fields=("timestamp",),
    )


@dataclass(frozen=True)
class Signature:
    """An Emerging Threats rule and the traffic that triggers it."""

    sid: int
    revision: int
    message: str
    category: str  # Suricata classtype description
    severity: int
    catname: str  # rule file the controller names the category after
    dest_port: int
    proto: str
    app_proto: str


@dataclass(frozen=True)
class Attacker:
    """A source network: addresses are drawn from `prefix` (first three octets)."""

    prefix: str
    country: str
    geo: dict[str, Any]

    def address(self, rng: random.Random) -> str:
        """A host of this network."""
        return f"{self.prefix}.{rng.randint(2, 254)}"


SSH_SCAN = Signature(
    sid=2001219,
    revision=20,
    message="ET SCAN Potential SSH Scan",
    category="Attempted Information Leak",
    severity=2,
    catname="emerging-scan",
    dest_port=22,
    proto="TCP",
    app_proto="failed",
)
MSSQL_PROBE = Signature(
    sid=2010935,
    revision=3,
    message="ET SCAN Suspicious inbound to MSSQL port 1433",
    category="Potentially Bad Traffic",
    severity=2,
    catname="emerging-scan",
    dest_port=1433,
    proto="TCP",
    app_proto="failed",
)
NMAP_USER_AGENT = Signature(
    sid=2024364,
    revision=4,
    message="ET SCAN Possible Nmap User-Agent Observed",
    category="Web Application Attack",
    severity=1,
    catname="emerging-scan",
    dest_port=80,
    proto="TCP",
    app_proto="http",
)
DSHIELD_BLOCKLIST = Signature(
    sid=2402000,
    revision=6899,
    message="ET DROP Dshield Block Listed Source",
    category="Misc Attack",
    severity=2,
    catname="emerging-dshield",
    dest_port=3389,
    proto="TCP",
    app_proto="failed",
)

LIBSSH_BRUTEFORCE = Signature(
    sid=2006546,
    revision=5,
    message="ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack",
    category="Attempted Administrator Privilege Gain",
    severity=1,
    catname="emerging-scan",
    dest_port=22,
    proto="TCP",
    app_proto="ssh",
)
VNC_SCAN = Signature(
    sid=2002911,
    revision=6,
    message="ET SCAN Potential VNC Scan 5900-5920",
    category="Attempted Information Leak",
    severity=2,
    catname="emerging-scan",
    dest_port=5900,
    proto="TCP",
    app_proto="failed",
)
MYSQL_PROBE = Signature(
    sid=2010937,
    revision=3,
    message="ET SCAN Suspicious inbound to mySQL port 3306",
    category="Potentially Bad Traffic",
    severity=2,
    catname="emerging-scan",
    dest_port=3306,
    proto="TCP",
    app_proto="failed",
)
SPAMHAUS_DROP = Signature(
    sid=2400001,
    revision=3211,
    message="ET DROP Spamhaus DROP Listed Traffic Inbound group 2",
    category="Misc Attack",
    severity=2,
    catname="emerging-drop",
    dest_port=443,
    proto="TCP",
    app_proto="failed",
)

CHINANET_JIANGSU = Attacker(
    "218.92.0",
    "CN",
    {
        "continent_code": "AS",
        "country_code": "CN",
        "country_name": "China",
        "city": "Nanjing",
        "latitude": 32.0617,
        "longitude": 118.7778,
        "asn": 4134,
        "organization": "Chinanet",
    },
)
DIGITALOCEAN_FRANKFURT = Attacker(
    "167.99.130",
    "DE",
    {
        "continent_code": "EU",
        "country_code": "DE",
        "country_name": "Germany",
        "city": "Frankfurt am Main",
        "latitude": 50.1155,
        "longitude": 8.6842,
        "asn": 14061,
        "organization": "DigitalOcean, LLC",
    },
)
OVH_ROUBAIX = Attacker(
    "51.75.144",
    "FR",
    {
        "continent_code": "EU",
        "country_code": "FR",
        "country_name": "France",
        "city": "Roubaix",
        "latitude": 50.6942,
        "longitude": 3.1746,
        "asn": 16276,
        "organization": "OVH SAS",
    },
)


def make_hit(
    rng: random.Random,
    signature: Signature,
    source: str,
    attacker: Attacker,
    dest_ip: str,
    *,
    action: str,
) -> IpsHit:
    """One match of `signature` from `source` (an address of `attacker`) to `dest_ip`."""
    return IpsHit(
        signature=signature.message,
        signature_id=signature.sid,
        revision=signature.revision,
        category=signature.category,
        severity=signature.severity,
        catname=signature.catname,
        action=action,
        proto=signature.proto,
        app_proto=signature.app_proto,
        src_ip=source,
        src_port=rng.randint(32768, 60999),
        dest_ip=dest_ip,
        dest_port=signature.dest_port,
        src_country=attacker.country,
        src_geo=dict(attacker.geo),
        flow_id=rng.randrange(10**15, 10**16),
    )


def _geo(
    continent: str, country: str, name: str, city: str, lat: float, lon: float, asn: int, org: str
) -> dict[str, Any]:
    return {
        "continent_code": continent,
        "country_code": country,
        "country_name": name,
        "city": city,
        "latitude": lat,
        "longitude": lon,
        "asn": asn,
        "organization": org,
    }


HOST_BALTIC = Attacker(
    "141.98.11",
    "LT",
    _geo("EU", "LT", "Lithuania", "Vilnius", 54.6872, 25.2797, 209605, "UAB Host Baltic"),
)
IP_VOLUME = Attacker(
    "80.82.77",
    "NL",
    _geo("EU", "NL", "Netherlands", "Amsterdam", 52.3740, 4.8897, 202425, "IP Volume inc"),
)
TOR_EXIT = Attacker(
    "185.220.101",
    "DE",
    _geo("EU", "DE", "Germany", "Berlin", 52.5200, 13.4050, 60729, "Stiftung Erneuerbare Freiheit"),
)
