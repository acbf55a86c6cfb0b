"""Several sites on one controller: short names, descriptions, per-site data and sockets."""

from __future__ import annotations

import asyncio
import time

import pytest
from websockets.asyncio.client import connect

from unifi_scanner.emulator import Emulator

from .emulator_support import (
    MakeEmulator,
    OpenApi,
    event_ids,
    events_url,
    network,
    read_frames,
    tls_context,
)

BRANCH = "k3v9x2pd"


@pytest.fixture(params=["unifi-os", "classic"])
async def office(request: pytest.FixtureRequest, make_emulator: MakeEmulator) -> Emulator:
    # An office day at twenty scenario hours per wall second, from midnight.
    return await make_emulator(scenario="office-day", flavour=request.param, speed=72_000.0,
                               push_interval=0.05)  # fmt: skip


async def test_sites_are_listed_by_short_name(office: Emulator, open_api: OpenApi) -> None:
    api = await open_api(office)
    sites = (await api.client.get(network(office, "/api/self/sites"))).json()["data"]
    assert [(s["name"], s["desc"]) for s in sites] == [
        ("default", "Headquarters"), (BRANCH, "Branch Office")
    ]  # fmt: skip
    hq, branch = sites
    assert hq["attr_no_delete"] is True
    assert branch["attr_no_delete"] is False
    for site, expected in ((hq, 11), (branch, 4)):
        path = network(office, f"/api/s/{site['name']}/stat/device")
        devices = (await api.client.get(path)).json()["data"]
        assert len(devices) == expected
        assert {d["site_id"] for d in devices} == {site["_id"]}
    by_description = await api.client.get(network(office, "/api/s/Branch Office/stat/device"))
    assert by_description.status_code == 401
    assert by_description.json()["meta"]["msg"] == "api.err.NoSiteContext"
    branch_health = (await api.client.get(network(office, f"/api/s/{BRANCH}/stat/health"))).json()
    wan = next(h for h in branch_health["data"] if h["subsystem"] == "wan")
    assert wan["gw_name"] == "Branch Gateway"


async def test_each_socket_hears_only_its_site(office: Emulator, open_api: OpenApi) -> None:
    api = await open_api(office)
    context = tls_context(office)
    headers = api.cookie_header
    async with (
        connect(events_url(office), ssl=context, additional_headers=headers) as hq,
        connect(events_url(office, site=BRANCH), ssl=context, additional_headers=headers) as branch,
    ):
        deadline = time.monotonic() + 0.6  # to noon: arrivals at both sites
        hq_frames, branch_frames = await asyncio.gather(read_frames(hq, deadline),
                                                        read_frames(branch, deadline))  # fmt: skip
    sites = (await api.client.get(network(office, "/api/self/sites"))).json()["data"]
    site_ids = {s["name"]: s["_id"] for s in sites}
    hq_events = [e for f in hq_frames if f["meta"]["message"] == "events" for e in f["data"]]
    branch_events = [
        e for f in branch_frames if f["meta"]["message"] == "events" for e in f["data"]
    ]
    assert hq_events and branch_events
    assert {e["site_id"] for e in hq_events} == {site_ids["default"]}
    assert {e["site_id"] for e in branch_events} == {site_ids[BRANCH]}
    branch_devices = next(f for f in branch_frames if f["meta"]["message"] == "device:sync")
    assert {d["name"] for d in branch_devices["data"]} == {
        "Branch Gateway", "Branch Switch", "Branch AP 1", "Branch AP 2"
    }  # fmt: skip
    sent = {record["_id"]: record["site"] for record in office.sent}
    assert {sent[i] for i in event_ids(branch_frames)} == {BRANCH}
    assert {sent[i] for i in event_ids(hq_frames)} == {"default"}
