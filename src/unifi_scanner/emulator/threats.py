"""Catalogue of IDS/IPS material for scenarios: Emerging Threats signatures and attackers.

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

from unifi_scanner.emulator.events import IpsHit


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
