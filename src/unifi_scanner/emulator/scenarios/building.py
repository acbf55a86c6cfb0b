"""Builders shared by the inventories: ids, devices by model, clients by kind.

Everything variable (ids, MAC suffixes, boot times, first sightings) is drawn from the `rng`
passed in, in call order, so an inventory is a pure function of its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from unifi_scanner.emulator.generators import DAY
from unifi_scanner.emulator.ids import object_id
from unifi_scanner.emulator.inventory import Client, Device, Link, Radio, random_mac

# Object ids of configuration made long before any scenario: stamp them within 2023.
_CONFIGURED_FROM_S = 1_672_531_200
_CONFIGURED_SPAN_S = 365 * 86_400

AP_OUIS = ("d0:21:f9", "24:5a:4c", "68:d7:9a", "fc:ec:da", "e4:38:83", "ac:8b:a9")
AP_FIRMWARE = "6.6.77.15402"
SWITCH_FIRMWARE = "7.1.26.15869"


def configured_id(rng: random.Random) -> str:
    """An ObjectId for configuration created in 2023."""
    return object_id(_CONFIGURED_FROM_S + rng.randrange(_CONFIGURED_SPAN_S), rng.random())


@dataclass(frozen=True)
class ApModel:
    """An access point model: wire code, marketing name, and whether it has 6 GHz."""

    code: str
    name: str
    six_ghz: bool = False
    has_temperature: bool = False


U6_LITE = ApModel("UAL6", "U6 Lite")
U6_PRO = ApModel("UAP6MP", "U6 Pro")
U6_ENTERPRISE = ApModel("U6ENT", "U6 Enterprise", six_ghz=True, has_temperature=True)
U6_LR = ApModel("UALR6v2", "U6 Long-Range", has_temperature=True)
U7_PRO = ApModel("U7PRO", "U7 Pro", six_ghz=True, has_temperature=True)


def access_point(
    rng: random.Random,
    *,
    handle: str,
    site: str,
    name: str,
    model: ApModel,
    ip: str,
    channels: tuple[int, int],
    uplink: Link,
    width: int = 80,
    upgrade_to: str | None = None,
) -> Device:
    """An AP with a 2.4 GHz and a 5 GHz radio (and a 6 GHz one on models that have it)."""
    radios = [
        Radio("ng", "wifi0", channels[0], 20, 17),
        Radio("na", "wifi1", channels[1], width, 23),
    ]
    if model.six_ghz:
        radios.append(Radio("6e", "wifi2", 37, 160, 21))
    return Device(
        handle=handle,
        id=configured_id(rng),
        site=site,
        mac=random_mac(rng, rng.choice(AP_OUIS)),
        name=name,
        model=model.code,
        model_name=model.name,
        type="uap",
        version=AP_FIRMWARE,
        ip=ip,
        boot_ms=-rng.randint(2 * DAY, 40 * DAY),
        radios=tuple(radios),
        ports=1,
        uplink=uplink,
        upgrade_to=upgrade_to,
        has_temperature=model.has_temperature,
        cpu_base=rng.uniform(2, 9),
        mem_base=rng.uniform(35, 60),
    )


def switch(
    rng: random.Random,
    *,
    handle: str,
    site: str,
    name: str,
    model: tuple[str, str],
    ip: str,
    ports: int,
    poe_ports: tuple[int, ...],
    poe_budget_w: float | None,
    uplink: Link,
    has_temperature: bool = True,
    upgrade_to: str | None = None,
) -> Device:
    """A switch; `model` is (wire code, marketing name)."""
    return Device(
        handle=handle,
        id=configured_id(rng),
        site=site,
        mac=random_mac(rng, rng.choice(("f4:92:bf", "78:45:58", "e0:63:da"))),
        name=name,
        model=model[0],
        model_name=model[1],
        type="usw",
        version=SWITCH_FIRMWARE,
        ip=ip,
        boot_ms=-rng.randint(5 * DAY, 60 * DAY),
        ports=ports,
        poe_ports=poe_ports,
        poe_budget_w=poe_budget_w,
        uplink=uplink,
        upgrade_to=upgrade_to,
        has_temperature=has_temperature,
        has_fan=has_temperature,
        cpu_base=rng.uniform(10, 20),
        mem_base=rng.uniform(40, 55),
    )


def public_ip(rng: random.Random, first_octet: int) -> str:
    """A public address in `first_octet`.x.y.z (never a documentation range)."""
    return f"{first_octet}.{rng.randint(1, 254)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"


@dataclass(frozen=True)
class ClientKind:
    """A kind of client: how it is named, where it connects and how it behaves."""

    prefix: str  # hostname prefix, e.g. "LT-" → "LT-0042"
    profile: str
    oui: tuple[str, str] | None  # (vendor, MAC prefix); None = private MAC
    bands: tuple[str, ...] = ("na", "ng")
    radio_proto: str = "ax"
    throughput_bps: int = 40_000
    ssid_kind: str = "main"  # "main", "iot", "guest" or "wired"
    poe_w: float | None = None


def client(
    rng: random.Random,
    kind: ClientKind,
    *,
    handle: str,
    number: int,
    site: str,
    ssid: str | None,
    network: str,
    ip: str,
    aps: tuple[str, ...] = (),
    link: Link | None = None,
) -> Client:
    """One client of `kind`, numbered `number`."""
    vendor, prefix = kind.oui if kind.oui is not None else ("", None)
    return Client(
        handle=handle,
        id=configured_id(rng),
        site=site,
        mac=random_mac(rng, prefix),
        hostname=f"{kind.prefix}{number:04d}",
        name=None,
        oui=vendor,
        ip=ip,
        network=network,
        first_seen_ms=-rng.randint(3 * DAY, 400 * DAY),
        profile=kind.profile,
        ssid=ssid,
        bands=kind.bands,
        aps=aps,
        link=link,
        guest=kind.ssid_kind == "guest",
        radio_proto=kind.radio_proto,
        throughput_bps=kind.throughput_bps,
        poe_w=kind.poe_w,
    )
