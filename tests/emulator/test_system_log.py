"""The v2 system log and the other v2 endpoints, fed from the same timeline as the events."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from unifi_scanner.emulator import Emulator, Variants

from .emulator_support import Api, MakeEmulator, OpenApi, network

ENTRY_FIELDS = {
    "id",
    "key",
    "event",
    "category",
    "subcategory",
    "severity",
    "status",
    "type",
    "target",
    "timestamp",
    "title_raw",
    "message_raw",
    "parameters",
}
V2 = "/v2/api/site/default"


async def played(make_emulator: MakeEmulator, version: str = "10.3.58", **config: Any) -> Emulator:
    """The demo day cut at 18:00 (guests came, the storm did not) and played to its end."""
    emulator = await make_emulator(
        scenario="demo", speed=400_000.0, duration=18 * 3600, network_version=version, **config
    )
    await emulator.wait_finished()
    await asyncio.sleep(0.05)
    return emulator


async def system_log(
    api: Api, emulator: Emulator, log_class: str = "all", **body: Any
) -> tuple[int, Any]:
    start = emulator.scenario_start_ms or 0
    query = {
        "timestampFrom": start,
        "timestampTo": start + 86_400_000,
        "pageNumber": 0,
        "pageSize": 100,
    } | body
    path = network(emulator, f"{V2}/system-log/{log_class}")
    response = await api.client.post(path, json=query, headers=api.csrf_header)
    return response.status_code, response.json()


@pytest.fixture
async def demo(make_emulator: MakeEmulator) -> Emulator:
    return await played(make_emulator)


async def test_everything_pages_newest_first(demo: Emulator, open_api: OpenApi) -> None:
    api = await open_api(demo)  # the login itself is an audit entry
    status, first = await system_log(api, demo, pageSize=50)
    assert status == 200
    assert set(first) == {"data", "page_number", "total_element_count", "total_page_count"}
    total = len(demo.events) + 1
    assert first["total_element_count"] == total
    assert first["total_page_count"] == -(-total // 50)
    assert first["page_number"] == 0
    _, last = await system_log(api, demo, pageSize=50, pageNumber=first["total_page_count"] - 1)
    assert len(last["data"]) == total - 50 * (first["total_page_count"] - 1)
    stamps = [entry["timestamp"] for entry in first["data"]]
    assert stamps == sorted(stamps, reverse=True)
    for entry in first["data"]:
        assert set(entry) >= ENTRY_FIELDS
        assert entry["severity"] in {"LOW", "MEDIUM", "HIGH", "VERY_HIGH"}
        for placeholder in re.findall(r"\{(\w+)\}", entry["message_raw"] + entry["title_raw"]):
            assert placeholder in entry["parameters"], (placeholder, entry)


async def test_entries_mirror_the_events(demo: Emulator, open_api: OpenApi) -> None:
    api = await open_api(demo)
    _, body = await system_log(api, demo, "client-alert", pageSize=3000)
    events = {e["time"]: e for e in demo.events if e["key"].startswith(("EVT_WU_", "EVT_WG_"))}
    connected = [e for e in body["data"] if e["key"] == "CLIENT_CONNECTED_WIRELESS_2"]
    assert connected
    for entry in connected:
        event = events[entry["timestamp"]]
        assert entry["parameters"]["CLIENT"]["id"] == event.get("user") or event.get("guest")
        assert entry["parameters"]["DEVICE"]["id"] == event["ap"]
        assert entry["parameters"]["WLAN"]["name"] == event["ssid"]
        assert entry["category"] == "CLIENT_DEVICES"
    event_ids = {e["_id"] for e in demo.events}
    assert not event_ids & {e["id"] for e in body["data"]}  # own ids by default
    served = (await api.client.get("/__emulator__/served")).json()["served"]
    assert served == demo.served
    mirrored = {record["id"]: record for record in served if record["source"] == "system-log"}
    assert set(mirrored) == {e["id"] for e in body["data"]}
    by_time = {e["time"]: e["_id"] for e in demo.events}
    for entry in body["data"]:
        assert mirrored[entry["id"]]["_id"] == by_time[entry["timestamp"]]


async def test_classes_and_filters(demo: Emulator, open_api: OpenApi) -> None:
    api = await open_api(demo)
    _, threats = await system_log(api, demo, "threat-alert")
    # Newest first: the 16:31 MSSQL probe (detected only), then the 03:12 SSH scan (blocked).
    assert [e["key"] for e in threats["data"]] == ["THREAT_DETECTED"] + ["THREAT_BLOCKED"] * 3
    assert {e["severity"] for e in threats["data"]} == {"HIGH"}  # Suricata severity 2
    _, devices = await system_log(api, demo, "device-alert")
    assert {e["key"] for e in devices["data"]} == {
        "DEVICE_OFFLINE",
        "DEVICE_ONLINE",
        "DFS_RADAR_DETECTED",
        "DEVICE_CHANNEL_CHANGED",
    }
    _, guests = await system_log(api, demo, "client-alert", clientType=["GUEST"])
    assert guests["data"]
    assert {e["subcategory"] for e in guests["data"]} == {"GUEST"}
    _, audit = await system_log(api, demo, "admin-activity")
    assert [e["key"] for e in audit["data"]] == ["ADMIN_LOGIN"]
    assert audit["data"][0]["parameters"]["ADMIN"]["name"] == "admin"
    _, high = await system_log(
        api, demo, categories=["SECURITY", "UNIFI_DEVICES"], severities=["HIGH"]
    )
    assert {e["key"] for e in high["data"]} == {
        "THREAT_BLOCKED",
        "THREAT_DETECTED",
        "DEVICE_OFFLINE",
    }
    for empty in ("vpn-alert", "next-ai-alert", "triggers", "update-alert"):
        status, body = await system_log(api, demo, empty)
        assert (status, body["total_element_count"]) == (200, 0)
    start = demo.scenario_start_ms or 0
    _, night = await system_log(api, demo, "threat-alert", timestampTo=start + 3 * 3_600_000)
    assert night["total_element_count"] == 0  # the scan came at 03:12


BAD_REQUESTS = [
    ("all", {"categories": ["WIFI"]}, 400, "categories"),
    ("all", {"severities": ["CRITICAL"]}, 400, "severities"),
    ("all", {"timestampFrom": None}, 400, "timestampFrom"),
    ("all", {"pageSize": 0}, 400, "pageSize"),
    ("meteor-alert", {}, 404, "No handler"),
]


async def test_bad_requests(demo: Emulator, open_api: OpenApi) -> None:
    api = await open_api(demo)
    for log_class, body, status, message in BAD_REQUESTS:
        answered, error = await system_log(api, demo, log_class, **body)
        assert answered == status, (log_class, body)
        assert set(error) == {"errorCode", "message"}
        assert error["errorCode"] == status
        assert message in error["message"]


async def test_threats_join_the_log_from_9_3_45(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    older = await played(make_emulator, "9.2.0")
    api = await open_api(older)
    _, threats = await system_log(api, older, "threat-alert")
    assert threats["total_element_count"] == 0
    _, clients = await system_log(api, older, "client-alert")
    assert clients["total_element_count"] > 0


async def test_event_id_variant(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    emulator = await played(make_emulator, variants=Variants(system_log_event_ids=True))
    api = await open_api(emulator)
    _, body = await system_log(api, emulator, "client-alert", pageSize=3000)
    assert {e["id"] for e in body["data"]} <= {e["_id"] for e in emulator.events}


async def test_other_v2_endpoints(demo: Emulator, open_api: OpenApi) -> None:
    api = await open_api(demo)
    active = (await api.client.get(network(demo, f"{V2}/clients/active"))).json()
    stations = (await api.client.get(network(demo, "/api/s/default/stat/sta"))).json()["data"]
    assert sorted(c["mac"] for c in active) == sorted(s["mac"] for s in stations)
    assert {"id", "display_name", "last_ip", "last_uplink_mac", "status", "type"} <= set(active[0])
    for path in ("trafficrules", "trafficroutes"):
        assert (await api.client.get(network(demo, f"{V2}/{path}"))).json() == []
    missing = await api.client.get(network(demo, f"{V2}/nothing"))
    assert missing.status_code == 404
    assert set(missing.json()) == {"errorCode", "message"}
    elsewhere = await api.client.get(network(demo, "/v2/api/site/Default/clients/active"))
    assert elsewhere.status_code == 401
    assert elsewhere.json()["meta"]["msg"] == "api.err.NoSiteContext"


async def test_a_window_read_page_by_page_holds_every_entry_once(
    demo: Emulator, open_api: OpenApi
) -> None:
    """A settled window is rendered once and paged from there: the pages must still add up
    to exactly the window, newest first across page boundaries."""
    api = await open_api(demo)
    _, first = await system_log(api, demo, pageSize=100)
    pages = [first["data"]]
    for number in range(1, first["total_page_count"]):
        _, body = await system_log(api, demo, pageSize=100, pageNumber=number)
        pages.append(body["data"])
    entries = [entry for page in pages for entry in page]
    assert len(entries) == first["total_element_count"]
    assert len({entry["id"] for entry in entries}) == len(entries)
    stamps = [entry["timestamp"] for entry in entries]
    assert stamps == sorted(stamps, reverse=True)
    _, whole = await system_log(api, demo, pageSize=3000)
    assert [e["id"] for e in whole["data"]] == [e["id"] for e in entries][:3000]


async def test_a_window_still_open_shows_new_entries(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    """Not cached while the window reaches past the controller's present."""
    emulator = await make_emulator(scenario="demo", speed=7200.0)
    api = await open_api(emulator)
    await asyncio.sleep(0.5)
    _, before = await system_log(api, emulator)
    await asyncio.sleep(1.5)
    _, after = await system_log(api, emulator)
    assert after["total_element_count"] > before["total_element_count"] > 0
