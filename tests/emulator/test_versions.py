"""What each UniFi Network version serves: the legacy history endpoints and the v2 system log."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from unifi_scanner.emulator import Emulator, Variants

from .emulator_support import Api, MakeEmulator, OpenApi, network

NOT_FOUND = {"meta": {"rc": "error", "msg": "api.err.NotFound"}, "data": []}
OK_EMPTY = {"meta": {"rc": "ok"}, "data": []}
DAY_MS = 86_400_000


async def demo_until(
    make_emulator: MakeEmulator, version: str, hours: float, **config: Any
) -> Emulator:
    """The demo day cut at `hours` and played to its end (everything in it is history)."""
    emulator = await make_emulator(
        scenario="demo", speed=400_000.0, duration=hours * 3600, network_version=version, **config
    )
    await emulator.wait_finished()
    await asyncio.sleep(0.05)
    return emulator


async def post(api: Api, emulator: Emulator, path: str, body: Any) -> Any:
    return await api.client.post(
        network(emulator, f"/api/s/default/{path}"), json=body, headers=api.csrf_header
    )


@pytest.mark.parametrize(
    ("version", "mode"),
    [("9.3.45", "served"), ("10.0.162", "frozen"), ("10.2.104", "frozen"), ("10.2.105", "gone")],
)
async def test_stat_event_per_version(
    make_emulator: MakeEmulator, open_api: OpenApi, version: str, mode: str
) -> None:
    emulator = await demo_until(make_emulator, version, 4)
    api = await open_api(emulator)
    body = {"_sort": "-time", "within": 24, "_start": 0, "_limit": 5}
    response = await post(api, emulator, "stat/event", body)
    if mode == "gone":
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        return
    if mode == "frozen":
        assert response.json() == OK_EMPTY
        return
    page = response.json()
    assert len(page["data"]) == 5
    assert page["meta"]["count"] == len(emulator.events)  # truncated: the total comes along
    times = [e["time"] for e in page["data"]]
    assert times == sorted(times, reverse=True)
    everything = (await post(api, emulator, "stat/event", {"within": 24})).json()
    assert "count" not in everything["meta"]
    assert [e["_id"] for e in everything["data"]] == [e["_id"] for e in reversed(emulator.events)]
    second = (await post(api, emulator, "stat/event", body | {"_start": 5})).json()["data"]
    assert second[0]["_id"] == everything["data"][5]["_id"]
    served = {(r["id"], r["source"]) for r in emulator.served}
    assert served == {(e["_id"], "stat/event") for e in emulator.events}


@pytest.mark.parametrize(
    ("version", "mode"), [("9.2.0", "served"), ("9.3.45", "empty"), ("10.3.58", "gone")]
)
async def test_stat_ips_event_per_version(
    make_emulator: MakeEmulator, open_api: OpenApi, version: str, mode: str
) -> None:
    emulator = await demo_until(make_emulator, version, 4)  # the 03:12 SSH scan is history
    api = await open_api(emulator)
    start = emulator.scenario_start_ms or 0
    body = {"start": start, "end": start + DAY_MS, "_limit": 10_000, "_sort": "-time"}
    response = await post(api, emulator, "stat/ips/event", body)
    if mode == "gone":
        assert response.status_code == 404
        return
    alerts = response.json()["data"]
    if mode == "empty":
        assert alerts == []
        return
    expected = [e["_id"] for e in emulator.events if e["key"] == "EVT_IPS_IpsAlert"]
    assert len(expected) == 3
    assert [a["_id"] for a in alerts] == expected[::-1]
    assert all(a["inner_alert_signature"].startswith("ET ") for a in alerts)
    narrow = await post(api, emulator, "stat/ips/event", body | {"end": start})
    assert narrow.json()["data"] == []


async def test_alarms_on_9(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    emulator = await demo_until(make_emulator, "9.5.21", 15)  # radar, outage and SSH scan
    api = await open_api(emulator)
    listed = (await api.client.get(network(emulator, "/api/s/default/list/alarm"))).json()
    keys = {alarm["key"] for alarm in listed["data"]}
    assert keys == {"EVT_IPS_IpsAlert", "EVT_AP_RadarDetected", "EVT_AP_Lost_Contact"}
    event_ids = {e["_id"] for e in emulator.events}
    for alarm in listed["data"]:
        assert alarm["archived"] is False
        assert re.match(r"^[0-9a-f]{24}$", alarm["_id"])
        assert alarm["_id"] not in event_ids  # alarms are documents of their own
    posted = await post(api, emulator, "stat/alarm", {"archived": False})
    assert posted.json()["data"] == listed["data"]
    archived = await api.client.get(network(emulator, "/api/s/default/list/alarm?archived=true"))
    assert archived.json() == OK_EMPTY


@pytest.mark.parametrize(
    ("status", "msg"), [(404, "api.err.NotFound"), (400, "api.err.InvalidObject")]
)
async def test_alarms_are_gone_on_10(
    make_emulator: MakeEmulator, open_api: OpenApi, status: int, msg: str
) -> None:
    variants = Variants(alarms_gone_status=status)
    emulator = await make_emulator(scenario="steady", network_version="10.1.68", variants=variants)
    api = await open_api(emulator)
    for path in ("list/alarm", "stat/alarm"):
        response = await api.client.get(network(emulator, f"/api/s/default/{path}"))
        assert response.status_code == status
        assert response.json() == {"meta": {"rc": "error", "msg": msg}, "data": []}


@pytest.mark.parametrize("version", ["10.3.58", "10.2.105"])
async def test_sysinfo_reports_the_network_version(
    make_emulator: MakeEmulator, open_api: OpenApi, version: str
) -> None:
    emulator = await make_emulator(scenario="steady", network_version=version)
    api = await open_api(emulator)
    (info,) = (await api.client.get(network(emulator, "/api/s/default/stat/sysinfo"))).json()[
        "data"
    ]
    assert info["version"] == version
    for name in ("build", "hostname", "timezone", "uptime", "update_available", "name"):
        assert name in info
    status = (await api.client.get("/proxy/network/status")).json()
    assert "server_version" not in status["meta"]
    assert status["meta"]["up"] is True
