"""The "campus" inventory behind `large-site`: 240 APs and 5,600 clients on one site.

A UXG-Pro gateway, an aggregation switch and twelve 48-port PoE building switches, each
powering twenty APs. Every client lives in one building and hears three of its APs. Names
and addresses follow a pattern; MACs, ids and timings come from the seed.
"""

from __future__ import annotations

import random

from unifi_scanner.emulator.generators import DAY
from unifi_scanner.emulator.inventory import Client, Device, Inventory, Link, Network, Site, Wlan
from unifi_scanner.emulator.scenarios import building as b

SITE = "default"
BUILDINGS = 12
APS_PER_BUILDING = 20
CLIENTS_PER_BUILDING = 470
SSIDS = ("Campus", "Campus-IoT", "Campus-Guest")
_CHANNELS_5 = (36, 44, 52, 60, 100, 108, 116, 124, 132, 149, 157, 165)
_KINDS = (
    (0.45, b.ClientKind("Phone-", "restless", None, throughput_bps=20_000)),
    (
        0.35,
        b.ClientKind(
            "LT-",
            "restless",
            ("Lenovo", "54:ee:75"),
            bands=("6e", "na", "ng"),
            throughput_bps=90_000,
        ),
    ),
    (
        0.12,
        b.ClientKind(
            "IoT-",
            "restless",
            ("Espressif Inc.", "24:0a:c4"),
            bands=("ng",),
            radio_proto="n",
            throughput_bps=200,
            ssid_kind="iot",
        ),
    ),
    (0.08, b.ClientKind("Guest-", "restless", None, throughput_bps=30_000, ssid_kind="guest")),
)


def _devices(rng: random.Random) -> list[Device]:
    gateway = Device(
        handle="gateway",
        id=b.configured_id(rng),
        site=SITE,
        mac="d8:b3:70:10:20:30",
        name="Campus Gateway",
        model="UXGPRO",
        model_name="UXG Pro",
        type="uxg",
        version="4.1.13.21584",
        ip="10.0.0.1",
        boot_ms=-rng.randint(5 * DAY, 60 * DAY),
        ports=4,
        has_temperature=True,
        has_fan=True,
        cpu_base=rng.uniform(20, 35),
        mem_base=rng.uniform(50, 65),
        wan_ip=b.public_ip(rng, 62),
        wan_interface="eth0",
        wan2_ip=b.public_ip(rng, 94),
        wan2_interface="eth1",
    )
    aggregation = b.switch(
        rng,
        handle="aggregation",
        site=SITE,
        name="Aggregation Switch",
        model=("USAGGPRO", "USW Pro Aggregation"),
        ip="10.0.0.2",
        ports=32,
        poe_ports=(),
        poe_budget_w=None,
        uplink=Link("gateway", 1),
    )
    devices = [gateway, aggregation]
    for building in range(1, BUILDINGS + 1):
        devices.append(
            b.switch(
                rng,
                handle=f"b{building:02d}-switch",
                site=SITE,
                name=f"Building {building} Switch",
                model=("US48P500", "US 48 PoE 500W"),
                ip=f"10.0.{building}.2",
                ports=52,
                poe_ports=tuple(range(1, 49)),
                poe_budget_w=500.0,
                uplink=Link("aggregation", building),
            )
        )
        for n in range(1, APS_PER_BUILDING + 1):
            model = b.U6_ENTERPRISE if n % 3 else b.U7_PRO
            devices.append(
                b.access_point(
                    rng,
                    handle=f"b{building:02d}-ap{n:02d}",
                    site=SITE,
                    name=f"B{building} AP {n}",
                    model=model,
                    ip=f"10.0.{building}.{10 + n}",
                    channels=((1, 6, 11)[n % 3], _CHANNELS_5[n % len(_CHANNELS_5)]),
                    uplink=Link(f"b{building:02d}-switch", n),
                    width=40,
                )
            )
    return devices


def _clients(rng: random.Random) -> list[Client]:
    clients: list[Client] = []
    weights = [weight for weight, _ in _KINDS]
    kinds = [kind for _, kind in _KINDS]
    subnets = {"main": 16, "iot": 64, "guest": 96}
    for building in range(1, BUILDINGS + 1):
        for n in range(CLIENTS_PER_BUILDING):
            kind = rng.choices(kinds, weights)[0]
            first = rng.randint(1, APS_PER_BUILDING)
            aps = tuple(
                f"b{building:02d}-ap{(first + k - 1) % APS_PER_BUILDING + 1:02d}" for k in range(3)
            )
            number = len(clients) + 1
            ssid = {"main": SSIDS[0], "iot": SSIDS[1], "guest": SSIDS[2]}[kind.ssid_kind]
            network = {"main": "Default", "iot": "IoT", "guest": "Guest"}[kind.ssid_kind]
            third = subnets[kind.ssid_kind] + building
            ip = f"10.{third}.{n // 250}.{n % 250 + 2}"
            clients.append(
                b.client(
                    rng,
                    kind,
                    handle=f"c{number:05d}",
                    number=number,
                    site=SITE,
                    ssid=ssid,
                    network=network,
                    ip=ip,
                    aps=aps,
                )
            )
    return clients


def inventory(rng: random.Random) -> Inventory:
    """Build the campus inventory; identifiers and timings come from `rng`."""
    site = Site(id=b.configured_id(rng), name=SITE, desc="Campus")
    networks = [
        Network(b.configured_id(rng), SITE, "Default", "10.16.0"),
        Network(b.configured_id(rng), SITE, "IoT", "10.64.0", vlan=64),
        Network(b.configured_id(rng), SITE, "Guest", "10.96.0", vlan=96, purpose="guest"),
    ]
    wlans = [
        Wlan(b.configured_id(rng), SITE, SSIDS[0], "Default", bands=("ng", "na", "6e")),
        Wlan(b.configured_id(rng), SITE, SSIDS[1], "IoT", bands=("ng",)),
        Wlan(b.configured_id(rng), SITE, SSIDS[2], "Guest", guest=True),
    ]
    return Inventory(
        sites=[site], networks=networks, wlans=wlans, devices=_devices(rng), clients=_clients(rng)
    )
