"""The "office" inventory: a headquarters and a branch, two sites on one controller.

Headquarters (`default`, "Headquarters"): a UDM Pro with a fibre WAN (eth8) and an LTE
backup (eth9), a 48-port PoE core switch in the server closet, a 16-port PoE floor switch
with a 45 W budget (two APs and two 4 W cameras hang off it: about 30 W, under 75 % of the
budget all day), eight APs (some on DFS channels, two with 6 GHz) and about a hundred
clients. Branch (`k3v9x2pd`, "Branch Office"): a USG,
an 8-port PoE switch, two APs and a dozen clients. The short name of the branch is what a
real controller generates for a second site: 8 random characters, unrelated to its
description.
"""

from __future__ import annotations

import random

from unifi_scanner.emulator.generators import DAY
from unifi_scanner.emulator.inventory import Client, Device, Inventory, Link, Network, Site, Wlan
from unifi_scanner.emulator.scenarios import building as b

HQ = "default"
BRANCH = "k3v9x2pd"
MAIN_SSID, IOT_SSID, GUEST_SSID = "Office", "Office-IoT", "Office-Guest"

# HQ APs: handle → (name, model, (2.4 GHz, 5 GHz) channels, uplink)
_HQ_APS = {
    "reception-ap": ("Reception AP", b.U6_ENTERPRISE, (1, 36), Link("core-switch", 1)),
    "open-east-ap": ("Open Space East AP", b.U6_ENTERPRISE, (6, 52), Link("core-switch", 2)),
    "open-west-ap": ("Open Space West AP", b.U6_PRO, (11, 100), Link("core-switch", 3)),
    "meeting-a-ap": ("Meeting Room A AP", b.U7_PRO, (1, 149), Link("core-switch", 4)),
    "meeting-b-ap": ("Meeting Room B AP", b.U6_PRO, (6, 116), Link("floor-switch", 1)),
    "lab-ap": ("Lab AP", b.U7_PRO, (11, 132), Link("floor-switch", 2)),
    "kitchen-ap": ("Kitchen AP", b.U6_LITE, (1, 44), Link("core-switch", 5)),
    "warehouse-ap": ("Warehouse AP", b.U6_LR, (6, 157), Link("core-switch", 6)),
}
_OPEN_SPACE = ("open-east-ap", "open-west-ap", "reception-ap", "kitchen-ap")
_MEETINGS = ("meeting-a-ap", "meeting-b-ap", "open-east-ap")
NEW_AP_FIRMWARE = "6.7.31.15618"
NEW_SWITCH_FIRMWARE = "7.1.32.16012"

_LAPTOP = b.ClientKind(
    "LT-",
    "office-laptop",
    ("Dell Inc.", "b0:7b:25"),
    bands=("6e", "na", "ng"),
    throughput_bps=120_000,
)
_MACBOOK = b.ClientKind(
    "MBP-",
    "office-laptop",
    ("Apple, Inc.", "3c:22:fb"),
    bands=("6e", "na", "ng"),
    throughput_bps=150_000,
)
_PHONE = b.ClientKind("Phone-", "office-phone", None, throughput_bps=25_000)
_DESKTOP = b.ClientKind(
    "WS-",
    "wired-workday",
    ("Micro-Star INTL CO., LTD.", "00:d8:61"),
    ssid_kind="wired",
    throughput_bps=200_000,
)
_PRINTER = b.ClientKind(
    "PRN-",
    "stationary",
    ("HP Inc.", "3c:52:82"),
    bands=("ng",),
    radio_proto="n",
    throughput_bps=500,
    ssid_kind="iot",
)
_DISPLAY = b.ClientKind(
    "Display-", "stationary", ("LG Innotek", "a8:23:fe"), radio_proto="ac", throughput_bps=300_000
)
_CAMERA = b.ClientKind(
    "Cam-",
    "wired-always-on",
    ("Ubiquiti Inc.", "f4:e2:c6"),
    ssid_kind="wired",
    throughput_bps=250_000,
    poe_w=4.0,  # a small bullet camera (G4 Bullet class)
)
_SENSOR = b.ClientKind(
    "Sensor-",
    "chatty-iot",
    ("Espressif Inc.", "24:0a:c4"),
    bands=("ng",),
    radio_proto="n",
    throughput_bps=100,
    ssid_kind="iot",
)
_VISITOR = b.ClientKind("Visitor-", "guest", None, throughput_bps=30_000, ssid_kind="guest")


def _hq_devices(rng: random.Random) -> list[Device]:
    gateway = Device(
        handle="gateway",
        id=b.configured_id(rng),
        site=HQ,
        mac="74:ac:b9:3e:51:0a",
        name="HQ Dream Machine",
        model="UDMPRO",
        model_name="UDM Pro",
        type="udm",
        version="4.1.13.21584",
        ip="10.10.1.1",
        boot_ms=-rng.randint(5 * DAY, 60 * DAY),
        ports=11,
        has_temperature=True,
        has_fan=True,
        cpu_base=rng.uniform(12, 22),
        mem_base=rng.uniform(60, 72),
        wan_ip=b.public_ip(rng, 81),
        wan_interface="eth8",
        wan2_ip=b.public_ip(rng, 92),
        wan2_interface="eth9",
    )
    core = b.switch(
        rng,
        handle="core-switch",
        site=HQ,
        name="Core Switch",
        model=("US48P500", "US 48 PoE 500W"),
        ip="10.10.1.2",
        ports=52,
        poe_ports=tuple(range(1, 49)),
        poe_budget_w=500.0,
        uplink=Link("gateway", 1),
        upgrade_to=NEW_SWITCH_FIRMWARE,
    )
    floor = b.switch(
        rng,
        handle="floor-switch",
        site=HQ,
        name="Floor 2 Switch",
        model=("USL16LP", "USW Lite 16 PoE"),
        ip="10.10.1.3",
        ports=16,
        poe_ports=tuple(range(1, 9)),
        poe_budget_w=45.0,
        uplink=Link("core-switch", 47),
        upgrade_to=NEW_SWITCH_FIRMWARE,
    )
    aps = [
        b.access_point(
            rng,
            handle=handle,
            site=HQ,
            name=name,
            model=model,
            ip=f"10.10.1.{11 + index}",
            channels=channels,
            uplink=uplink,
            upgrade_to=NEW_AP_FIRMWARE,
        )
        for index, (handle, (name, model, channels, uplink)) in enumerate(_HQ_APS.items())
    ]
    return [gateway, core, floor, *aps]


def _branch_devices(rng: random.Random) -> list[Device]:
    gateway = Device(
        handle="branch-gateway",
        id=b.configured_id(rng),
        site=BRANCH,
        mac="fc:ec:da:0b:77:21",
        name="Branch Gateway",
        model="UGW3",
        model_name="USG",
        type="ugw",
        version="4.4.57.5578372",
        ip="10.20.1.1",
        boot_ms=-rng.randint(5 * DAY, 60 * DAY),
        ports=3,
        cpu_base=rng.uniform(10, 25),
        mem_base=rng.uniform(40, 60),
        wan_ip=b.public_ip(rng, 89),
        wan_interface="eth0",
    )
    branch_switch = b.switch(
        rng,
        handle="branch-switch",
        site=BRANCH,
        name="Branch Switch",
        model=("USL8LP", "USW Lite 8 PoE"),
        ip="10.20.1.2",
        ports=8,
        poe_ports=(1, 2, 3, 4),
        poe_budget_w=52.0,
        uplink=Link("branch-gateway", 2),
        has_temperature=False,
    )
    aps = [
        b.access_point(
            rng,
            handle=f"branch-ap-{n}",
            site=BRANCH,
            name=f"Branch AP {n}",
            model=b.U6_LITE,
            ip=f"10.20.1.{10 + n}",
            channels=(1 + 5 * n, 36 + 8 * n),
            uplink=Link("branch-switch", n),
        )
        for n in (1, 2)
    ]
    return [gateway, branch_switch, *aps]


def _clients(rng: random.Random) -> list[Client]:
    hosts = {"hq-main": 30, "hq-iot": 30, "hq-guest": 30, "br-main": 30, "br-iot": 30}
    clients: list[Client] = []
    counters: dict[str, int] = {}

    def add(
        kind: b.ClientKind, site: str, aps: tuple[str, ...] = (), link: Link | None = None
    ) -> None:
        number = counters[kind.prefix] = counters.get(kind.prefix, 0) + 1
        prefix = "hq" if site == HQ else "br"
        ssid, network, subnet = {
            "main": (MAIN_SSID, "Default", "main"),
            "wired": (None, "Default", "main"),
            "iot": (IOT_SSID, "IoT", "iot"),
            "guest": (GUEST_SSID, "Guest", "guest"),
        }[kind.ssid_kind]
        key = f"{prefix}-{subnet}"
        hosts[key] += 1 + rng.randrange(2)
        base = {
            "hq-main": "10.10.1",
            "hq-iot": "10.10.20",
            "hq-guest": "10.10.30",
            "br-main": "10.20.1",
            "br-iot": "10.20.20",
        }[key]
        handle = f"{prefix}-{kind.prefix.lower().rstrip('-')}-{number:02d}"
        clients.append(
            b.client(
                rng,
                kind,
                handle=handle,
                number=number,
                site=site,
                ssid=ssid,
                network=network,
                ip=f"{base}.{hosts[key]}",
                aps=aps,
                link=link,
            )
        )

    def near(pool: tuple[str, ...]) -> tuple[str, ...]:
        first = rng.choice(pool)
        return (first, *rng.sample([ap for ap in pool if ap != first], 2))

    for _ in range(26):
        add(_LAPTOP, HQ, near(_OPEN_SPACE + _MEETINGS[:2]))
    for _ in range(14):
        add(_MACBOOK, HQ, near(_OPEN_SPACE + _MEETINGS[:2]))
    for _ in range(38):
        add(_PHONE, HQ, near((*_OPEN_SPACE, "warehouse-ap")))
    for port in range(8, 14):
        add(_DESKTOP, HQ, link=Link("core-switch", port))
    for ap in ("reception-ap", "open-east-ap", "lab-ap", "warehouse-ap"):
        add(_PRINTER, HQ, (ap,))
    for ap in ("meeting-a-ap", "meeting-b-ap"):
        add(_DISPLAY, HQ, (ap,))
    for port in (5, 6):
        add(_CAMERA, HQ, link=Link("floor-switch", port))
    for ap in ("warehouse-ap", "lab-ap", "kitchen-ap", "warehouse-ap"):
        add(_SENSOR, HQ, (ap, "reception-ap"))
    for _ in range(4):
        add(_VISITOR, HQ, ("reception-ap", "meeting-a-ap", "kitchen-ap"))
    for _ in range(6):
        add(_LAPTOP, BRANCH, ("branch-ap-1", "branch-ap-2"))
    for _ in range(6):
        add(_PHONE, BRANCH, ("branch-ap-2", "branch-ap-1"))
    add(_PRINTER, BRANCH, ("branch-ap-1",))
    return clients


def inventory(rng: random.Random) -> Inventory:
    """Build the office inventory; identifiers and timings come from `rng`."""
    sites = [
        Site(id=b.configured_id(rng), name=HQ, desc="Headquarters"),
        Site(id=b.configured_id(rng), name=BRANCH, desc="Branch Office"),
    ]
    networks = [
        Network(b.configured_id(rng), HQ, "Default", "10.10.1"),
        Network(b.configured_id(rng), HQ, "IoT", "10.10.20", vlan=20),
        Network(b.configured_id(rng), HQ, "Guest", "10.10.30", vlan=30, purpose="guest"),
        Network(b.configured_id(rng), BRANCH, "Default", "10.20.1"),
        Network(b.configured_id(rng), BRANCH, "IoT", "10.20.20", vlan=20),
    ]
    wlans = [
        Wlan(b.configured_id(rng), HQ, MAIN_SSID, "Default", bands=("ng", "na", "6e")),
        Wlan(b.configured_id(rng), HQ, IOT_SSID, "IoT", bands=("ng",)),
        Wlan(b.configured_id(rng), HQ, GUEST_SSID, "Guest", guest=True),
        Wlan(b.configured_id(rng), BRANCH, MAIN_SSID, "Default"),
        Wlan(b.configured_id(rng), BRANCH, IOT_SSID, "IoT", bands=("ng",)),
    ]
    devices = _hq_devices(rng) + _branch_devices(rng)
    return Inventory(
        sites=sites, networks=networks, wlans=wlans, devices=devices, clients=_clients(rng)
    )
