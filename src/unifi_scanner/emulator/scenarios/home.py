"""The "home" inventory shared by `demo` and `steady`: one site, seven devices, 25 clients.

A house with a UDM Pro, a 24-port PoE core switch, a small office switch, four access points
and the usual mix of phones, laptops, media players, IoT gadgets, wired servers and two guests.
Names, models and addresses are fixed; MAC suffixes, ids, boot times and first-seen times come
from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from unifi_scanner.emulator.generators import DAY
from unifi_scanner.emulator.ids import object_id
from unifi_scanner.emulator.inventory import (
    Client,
    Device,
    Inventory,
    Link,
    Network,
    Radio,
    Site,
    Wlan,
    random_mac,
)

SITE = "default"
MAIN_SSID = "HomeNet"
IOT_SSID = "HomeNet-IoT"
GUEST_SSID = "HomeNet-Guest"

# Object ids of configuration made long before any scenario: stamp them within 2023.
_CONFIGURED_FROM_S = 1_672_531_200
_CONFIGURED_SPAN_S = 365 * 86_400

_KITCHEN, _OFFICE, _LIVING, _GARAGE = "kitchen-ap", "office-ap", "living-room-ap", "garage-ap"


@dataclass(frozen=True)
class _ClientSpec:
    handle: str
    hostname: str | None
    name: str | None
    oui: tuple[str, str] | None  # (vendor, prefix); None = randomised private MAC
    profile: str
    ssid: str | None = MAIN_SSID
    aps: tuple[str, ...] = ()
    bands: tuple[str, ...] = ("na", "ng")
    link: Link | None = None
    guest: bool = False
    radio_proto: str = "ax"
    throughput_bps: int = 20_000


_APPLE = ("Apple, Inc.", "f0:18:98")
_ESPRESSIF = ("Espressif Inc.", "24:0a:c4")
_RASPBERRY = ("Raspberry Pi Trading Ltd", "dc:a6:32")
_HOUSE = (_LIVING, _KITCHEN, _OFFICE, _GARAGE)

_CLIENTS = (
    _ClientSpec("alice-iphone", "Alices-iPhone", "Alice's iPhone", None, "commuter-phone",
                aps=_HOUSE, throughput_bps=35_000),
    _ClientSpec("bob-pixel", "Pixel-8-Pro", "Bob's Pixel", None, "home-phone",
                aps=(_LIVING, _KITCHEN, _OFFICE), throughput_bps=30_000),
    _ClientSpec("alice-watch", "Alices-Apple-Watch", None, _APPLE, "commuter-phone",
                aps=_HOUSE, radio_proto="n", throughput_bps=2_000),
    _ClientSpec("kids-ipad", "Kids-iPad", "Kids iPad", ("Apple, Inc.", "a4:83:e7"), "tablet",
                aps=(_LIVING, _KITCHEN), radio_proto="ac", throughput_bps=90_000),
    _ClientSpec("alice-macbook", "Alices-MacBook-Air", None, ("Apple, Inc.", "3c:22:fb"),
                "laptop", aps=(_OFFICE, _LIVING, _KITCHEN), throughput_bps=140_000),
    _ClientSpec("work-laptop", "LT-5CG2481QZ", "Work Laptop", ("Intel Corporate", "3c:a9:f4"),
                "laptop", aps=(_OFFICE, _LIVING), throughput_bps=110_000),
    _ClientSpec("nintendo-switch", None, "Nintendo Switch", ("Nintendo Co.,Ltd", "98:b6:e9"),
                "tablet", aps=(_LIVING, _KITCHEN), radio_proto="ac", throughput_bps=60_000),
    _ClientSpec("living-room-tv", "LGwebOSTV", "Living Room TV", ("LG Innotek", "a8:23:fe"),
                "stationary", aps=(_LIVING,), radio_proto="ac", throughput_bps=450_000),
    _ClientSpec("bedroom-chromecast", "Chromecast", "Bedroom Chromecast",
                ("Google, Inc.", "f4:f5:d8"), "stationary", aps=(_OFFICE, _LIVING),
                radio_proto="ac", throughput_bps=250_000),
    _ClientSpec("kitchen-speaker", "SonosZP", "Kitchen Speaker", ("Sonos, Inc.", "48:a6:b8"),
                "stationary", aps=(_KITCHEN, _LIVING), bands=("ng",), radio_proto="n",
                throughput_bps=25_000),
    _ClientSpec("living-room-speaker", "SonosZP", "Living Room Speaker",
                ("Sonos, Inc.", "5c:aa:fd"), "stationary", aps=(_LIVING, _KITCHEN),
                bands=("ng",), radio_proto="n", throughput_bps=25_000),
    _ClientSpec("office-printer", "HP-LaserJet-M283", None, ("HP Inc.", "3c:52:82"),
                "stationary", aps=(_OFFICE,), bands=("ng",), radio_proto="n",
                throughput_bps=300),
    _ClientSpec("echo-dot", "amazon-4f1c2a7b", "Echo Dot", ("Amazon Technologies Inc.",
                "f0:27:2d"), "chatty-iot", ssid=IOT_SSID, aps=(_KITCHEN, _LIVING),
                bands=("ng",), radio_proto="n", throughput_bps=3_000),
    _ClientSpec("nest-thermostat", "Nest-Thermostat", None, ("Nest Labs Inc.", "18:b4:30"),
                "chatty-iot", ssid=IOT_SSID, aps=(_LIVING,), bands=("ng",), radio_proto="n",
                throughput_bps=400),
    _ClientSpec("dehumidifier-plug", "ESP_3A1F2C", "Dehumidifier Plug", _ESPRESSIF,
                "chatty-iot", ssid=IOT_SSID, aps=(_GARAGE,), bands=("ng",), radio_proto="n",
                throughput_bps=100),
    _ClientSpec("kettle-plug", "ESP_7B22D0", None, ("Espressif Inc.", "84:f3:eb"),
                "chatty-iot", ssid=IOT_SSID, aps=(_KITCHEN,), bands=("ng",), radio_proto="n",
                throughput_bps=100),
    _ClientSpec("garage-door", "garage-door", "Garage Door Opener", ("Espressif Inc.",
                "a4:cf:12"), "chatty-iot", ssid=IOT_SSID, aps=(_GARAGE,), bands=("ng",),
                radio_proto="n", throughput_bps=100),
    _ClientSpec("doorbell", "RingDoorbell-3f", "Front Doorbell", ("Ring LLC", "90:48:6c"),
                "stationary", ssid=IOT_SSID, aps=(_GARAGE, _LIVING), bands=("ng",),
                radio_proto="n", throughput_bps=40_000),
    _ClientSpec("nas", "DiskStation", "NAS", ("Synology Incorporated", "00:11:32"),
                "wired-always-on", ssid=None, link=Link("core-switch", 5),
                throughput_bps=250_000),
    _ClientSpec("pihole", "pihole", None, _RASPBERRY, "wired-always-on", ssid=None,
                link=Link("core-switch", 6), throughput_bps=5_000),
    _ClientSpec("home-assistant", "homeassistant", "Home Assistant",
                ("Raspberry Pi Trading Ltd", "b8:27:eb"), "wired-always-on", ssid=None,
                link=Link("core-switch", 7), throughput_bps=8_000),
    _ClientSpec("hue-bridge", "Philips-hue", "Hue Bridge", ("Philips Lighting BV", "00:17:88"),
                "wired-always-on", ssid=None, link=Link("core-switch", 8), throughput_bps=500),
    _ClientSpec("office-pc", "DESKTOP-7QK2M1A", "Office PC", ("Micro-Star INTL CO., LTD.",
                "00:d8:61"), "wired-workday", ssid=None, link=Link("office-switch", 2),
                throughput_bps=180_000),
    _ClientSpec("guest-galaxy", "Galaxy-S23", None, None, "guest", ssid=GUEST_SSID,
                aps=(_LIVING, _KITCHEN), guest=True, throughput_bps=40_000),
    _ClientSpec("guest-iphone", "iPhone", None, None, "guest", ssid=GUEST_SSID,
                aps=(_KITCHEN, _LIVING), guest=True, throughput_bps=30_000),
)  # fmt: skip


def _configured_id(rng: random.Random) -> str:
    return object_id(_CONFIGURED_FROM_S + rng.randrange(_CONFIGURED_SPAN_S), rng.random())


def _ap(
    rng: random.Random,
    handle: str,
    name: str,
    model: tuple[str, str],
    ip: str,
    radios: tuple[int, int, int],
    uplink: Link,
    upgrade_to: str | None = None,
) -> Device:
    """An access point; `radios` = (2.4 GHz channel, 5 GHz channel, 5 GHz width)."""
    return Device(
        handle=handle,
        id=_configured_id(rng),
        site=SITE,
        mac=random_mac(rng, rng.choice(("d0:21:f9", "24:5a:4c", "68:d7:9a", "fc:ec:da"))),
        name=name,
        model=model[0],
        model_name=model[1],
        type="uap",
        version="6.6.77.15402",
        ip=ip,
        boot_ms=-rng.randint(2 * DAY, 40 * DAY),
        radios=(
            Radio("ng", "wifi0", radios[0], 20, 17),
            Radio("na", "wifi1", radios[1], radios[2], 23),
        ),
        ports=1,
        uplink=uplink,
        upgrade_to=upgrade_to,
        cpu_base=rng.uniform(2, 9),
        mem_base=rng.uniform(35, 60),
    )


def _devices(rng: random.Random) -> list[Device]:
    return [
        Device(
            handle="gateway", id=_configured_id(rng), site=SITE,
            mac=random_mac(rng, "74:ac:b9"), name="Dream Machine Pro", model="UDMPRO",
            model_name="UDM Pro", type="udm", version="4.1.13.21584", ip="192.168.1.1",
            boot_ms=-rng.randint(5 * DAY, 60 * DAY), ports=11, has_temperature=True,
            has_fan=True, cpu_base=rng.uniform(8, 16), mem_base=rng.uniform(55, 70),
            wan_ip=f"86.{rng.randint(128, 191)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
            wan_interface="eth8",
        ),
        Device(
            handle="core-switch", id=_configured_id(rng), site=SITE,
            mac=random_mac(rng, "f4:92:bf"), name="Core Switch", model="US24P250",
            model_name="US 24 PoE 250W", type="usw", version="7.1.26.15869", ip="192.168.1.2",
            boot_ms=-rng.randint(5 * DAY, 60 * DAY), ports=26, poe_ports=tuple(range(1, 25)),
            poe_budget_w=250.0, uplink=Link("gateway", 1), has_temperature=True, has_fan=True,
            cpu_base=rng.uniform(10, 20), mem_base=rng.uniform(40, 55),
        ),
        Device(
            handle="office-switch", id=_configured_id(rng), site=SITE,
            mac=random_mac(rng, "78:45:58"), name="Office Switch", model="USL8LP",
            model_name="USW Lite 8 PoE", type="usw", version="7.1.26.15869",
            ip="192.168.1.3", boot_ms=-rng.randint(2 * DAY, 30 * DAY), ports=8,
            poe_ports=(1, 2, 3, 4), poe_budget_w=52.0, uplink=Link("core-switch", 24),
            upgrade_to="7.1.32.16012", cpu_base=rng.uniform(5, 15), mem_base=rng.uniform(35, 50),
        ),
        _ap(rng, _KITCHEN, "Kitchen AP", ("UAL6", "U6 Lite"), "192.168.1.11", (1, 36, 80),
            Link("core-switch", 1)),
        _ap(rng, _OFFICE, "Office AP", ("UAP6MP", "U6 Pro"), "192.168.1.12", (6, 100, 80),
            Link("office-switch", 1)),
        _ap(rng, _LIVING, "Living Room AP", ("U7PG2", "UAP-AC-Pro"), "192.168.1.13",
            (11, 149, 80), Link("core-switch", 2), upgrade_to="6.6.78.15433"),
        _ap(rng, _GARAGE, "Garage AP", ("UALR6v2", "U6 Long-Range"), "192.168.1.14",
            (1, 52, 40), Link("core-switch", 3)),
    ]  # fmt: skip


def _client(rng: random.Random, spec: _ClientSpec, ip: str, network: str) -> Client:
    vendor, prefix = spec.oui if spec.oui is not None else ("", None)
    return Client(
        handle=spec.handle,
        id=_configured_id(rng),
        site=SITE,
        mac=random_mac(rng, prefix),
        hostname=spec.hostname,
        name=spec.name,
        oui=vendor,
        ip=ip,
        network=network,
        first_seen_ms=-rng.randint(3 * DAY, 400 * DAY),
        profile=spec.profile,
        ssid=spec.ssid,
        bands=spec.bands,
        aps=spec.aps,
        link=spec.link,
        guest=spec.guest,
        radio_proto=spec.radio_proto,
        throughput_bps=spec.throughput_bps,
    )


def inventory(rng: random.Random) -> Inventory:
    """Build the home inventory; identifiers and timings come from `rng`."""
    site = Site(id=_configured_id(rng), name=SITE, desc="Default")
    networks = [
        Network(_configured_id(rng), SITE, "Default", "192.168.1"),
        Network(_configured_id(rng), SITE, "IoT", "192.168.20", vlan=20),
        Network(_configured_id(rng), SITE, "Guest", "192.168.30", vlan=30, purpose="guest"),
    ]
    wlans = [
        Wlan(_configured_id(rng), SITE, MAIN_SSID, "Default"),
        Wlan(_configured_id(rng), SITE, IOT_SSID, "IoT", bands=("ng",)),
        Wlan(_configured_id(rng), SITE, GUEST_SSID, "Guest", guest=True),
    ]
    devices = _devices(rng)
    network_of_ssid = {wlan.ssid: wlan.network for wlan in wlans}
    subnets = {network.name: network.subnet for network in networks}
    next_host = {"Default": 20, "IoT": 50, "Guest": 100}
    clients = []
    for spec in _CLIENTS:
        network = network_of_ssid[spec.ssid] if spec.ssid else "Default"
        ip = f"{subnets[network]}.{next_host[network]}"
        next_host[network] += 1 + rng.randrange(3)
        clients.append(_client(rng, spec, ip, network))
    return Inventory(sites=[site], networks=networks, wlans=wlans, devices=devices, clients=clients)
