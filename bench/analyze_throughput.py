"""Analysis throughput and memory: events/s and peak RSS at 100,000 and 1,000,000 events.

Three ways in, each measured in a fresh process so that its peak RSS is its own:

- ``events``:  a stream of ``Event`` objects → ``analyze`` (the analysis alone: the cost of
  building the events is measured separately and subtracted);
- ``capture``: a JSON Lines capture of WebSocket frames on disk → read → parse → ``analyze``,
  with the capture's ``device:sync``/``sta:sync`` frames as health snapshots (a second pass);
- ``store``:   SQLite → ``SQLiteStore.iter_events`` → ``analyze`` (the store is filled first,
  in its own process; only the read + analysis is timed).

Each line also shows its source read to the end once *without* analysis ("read alone"): the
rate no analysis could beat, however fast, when events come that way.

The synthetic site is realistic in shape: 2,000 clients (some guests) on 40 access points,
connects and disconnects (some short), roams, band changes, IPS hits from many sources and
one persistent attacker, device outages and restarts, radar, WAN failovers, rogue access
points, admin logins, v2 system-log entries and a few unknown keys, 8 events per frame.

    .venv/bin/python bench/analyze_throughput.py                 # 100k and 1M, all modes
    .venv/bin/python bench/analyze_throughput.py --events 100000 --modes events
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.analyze import Inventory, analyze
from unifi_scanner.controller.frames import events_from_frame, parse_frame
from unifi_scanner.controller.models import Event
from unifi_scanner.report import ControllerInfo, build_report, render_json

T0 = 1_764_374_400_000
PER_FRAME = 8
STEP_MS = 250  # one event every 250 ms: 1M events ≈ 3 days of a busy site
SNAPSHOT_EVERY_MS = 600_000
APS = [f"78:45:58:00:{i // 256:02x}:{i % 256:02x}" for i in range(40)]
SWITCHES = [f"74:ac:b9:00:01:{i:02x}" for i in range(4)]
GATEWAY = "74:ac:b9:00:00:01"
CLIENTS = [f"d8:4c:90:{i // 65536:02x}:{i // 256 % 256:02x}:{i % 256:02x}" for i in range(2000)]
INFO = ControllerInfo(url="bench", flavour="unifi-os", version="10.3.58", site="default")


def documents(total: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``total`` event documents in time order, as a controller would send them."""
    rng = random.Random(seed)
    for n in range(total):
        at = T0 + n * STEP_MS
        client, ap = CLIENTS[rng.randrange(2000)], APS[rng.randrange(40)]
        user = "guest" if client[-1] in "0f" else "user"
        prefix = "WG" if user == "guest" else "WU"
        doc: dict[str, Any] = {"_id": f"{at // 1000:08x}{n:016x}", "time": at, "subsystem": "wlan"}
        roll = rng.random()
        if roll < 0.35:
            doc |= {
                "key": f"EVT_{prefix}_Connected",
                user: client,
                "ap": ap,
                "ssid": "Office",
                "radio": "na",
                "channel": "36",
                "hostname": f"host-{client[-5:]}",
            }
        elif roll < 0.70:
            doc |= {
                "key": f"EVT_{prefix}_Disconnected",
                user: client,
                "ap": ap,
                "ssid": "Office",
                "duration": rng.choice((8, 40, 300, 3600, 7200)),
                "bytes": 123456,
            }
        elif roll < 0.88:
            doc |= {
                "key": f"EVT_{prefix}_Roam",
                user: client,
                "ap_from": ap,
                "ap_to": APS[rng.randrange(40)],
                "radio_from": "na",
                "radio_to": "na",
                "channel_from": "36",
                "channel_to": "149",
            }
        elif roll < 0.93:
            doc |= {
                "key": f"EVT_{prefix}_RoamRadio",
                user: client,
                "ap": ap,
                "radio_from": "ng",
                "radio_to": "na",
                "channel_from": "6",
                "channel_to": "36",
            }
        elif roll < 0.96:
            attacker = rng.random() < 0.3
            source = (
                "218.92.0.203" if attacker else f"45.{rng.randrange(256)}.{rng.randrange(256)}.9"
            )
            sid = rng.choice((2001219, 2010935, 2024364, 2402000, 2807930))
            doc |= {
                "key": "EVT_IPS_IpsAlert",
                "subsystem": "www",
                "src_ip": source,
                "dest_ip": "86.131.4.242",
                "inner_alert_signature": f"ET SCAN signature {sid}",
                "inner_alert_signature_id": sid,
                "inner_alert_severity": rng.choice((1, 2, 3)),
                "inner_alert_action": "blocked",
                "catname": "emerging-scan",
                "srcipGeo": {"country_name": "China"},
                "timestamp": at // 1000,
            }
        elif roll < 0.98:
            doc |= {
                "key": "CLIENT_CONNECTED_WIRELESS_2",
                "parameters": {
                    "CLIENT": {"id": client, "name": f"host-{client[-5:]}"},
                    "DEVICE": {"id": ap},
                    "WLAN": {"name": "Office"},
                },
                "message_raw": "{CLIENT} connected to {DEVICE}",
            }
        else:
            doc |= _rare(rng, at, ap, client)
        yield doc


def _rare(rng: random.Random, at: int, ap: str, client: str) -> dict[str, Any]:
    roll = rng.random()
    switch = SWITCHES[rng.randrange(4)]
    if roll < 0.15:
        return {
            "key": rng.choice(("EVT_AP_Lost_Contact", "EVT_AP_Connected")),
            "ap": ap,
            "ap_name": f"AP {ap[-2:]}",
            "ap_model": "UAL6",
        }
    if roll < 0.25:
        return {"key": "EVT_AP_RestartedUnknown", "ap": ap}
    if roll < 0.35:
        return {
            "key": rng.choice(("EVT_AP_RadarDetected", "EVT_AP_ChannelChanged")),
            "ap": ap,
            "radar_channel": "100",
            "channel_from": "100",
            "channel_to": "44",
        }
    if roll < 0.45:
        return {
            "key": "EVT_AP_DetectRogueAP",
            "ap": ap,
            "essid": f"Neighbour {rng.randrange(50)}",
            "mac": f"02:00:00:00:{rng.randrange(256):02x}:01",
        }
    if roll < 0.55:
        return {
            "key": "EVT_GW_WANTransition",
            "gw": GATEWAY,
            "iface": rng.choice(("eth8", "eth9")),
            "state": rng.choice(("active", "inactive")),
        }
    if roll < 0.65:
        return {"key": "EVT_SW_PoeOverload", "sw": switch, "port": rng.randrange(1, 9)}
    if roll < 0.75:
        return {"key": "EVT_AD_Login", "admin": "alice", "ip": "192.168.1.10"}
    if roll < 0.85:
        return {"key": "EVT_HS_VoucherUsed", "guest": client}
    return {"key": f"EVT_XX_Unknown{rng.randrange(5)}", "msg": "something"}


def device_snapshot(at: int, index: int) -> dict[str, Any]:
    """A ``stat/device`` record of AP ``index`` at ``at`` (strings where controllers use them)."""
    warm = 48 + (at - T0) / 86_400_000 * 2 + index % 5
    return {
        "mac": APS[index],
        "name": f"AP {index}",
        "model": "UAL6",
        "type": "uap",
        "state": 1,
        "uptime": (at - T0) // 1000 + 86_400,
        "system-stats": {"cpu": "7.5", "mem": "41.0"},
        "general_temperature": int(warm),
        "version": "6.6.77.15402",
        "upgradable": False,
        "radio_table_stats": [{"radio": "na", "channel": 36, "cu_total": 30 + index % 40}],
    }


def event_of(doc: dict[str, Any]) -> Event:
    return Event(
        identity=doc["_id"],
        key=doc["key"],
        subsystem=doc.get("subsystem", ""),
        site="default",
        time_ms=doc["time"],
        received_ms=doc["time"],
        source="bench",
        payload=doc,
    )


def frames(total: int) -> Iterator[str]:
    """Capture lines: events 8 per frame, a ``device:sync`` every 10 minutes of event time."""
    batch: list[dict[str, Any]] = []
    next_sync = T0
    for doc in documents(total):
        if doc["time"] >= next_sync:
            sync = [device_snapshot(next_sync, i) for i in range(len(APS))]
            frame = {"meta": {"rc": "ok", "message": "device:sync"}, "data": sync}
            yield orjson.dumps(
                {"received_at": next_sync, "frame": orjson.dumps(frame).decode()}
            ).decode()
            next_sync += SNAPSHOT_EVERY_MS
        batch.append(doc)
        if len(batch) == PER_FRAME:
            frame = {"meta": {"rc": "ok", "message": "events"}, "data": batch}
            yield orjson.dumps(
                {"received_at": doc["time"], "frame": orjson.dumps(frame).decode()}
            ).decode()
            batch = []


# -- children: one measurement each -----------------------------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def finish(analysis: Any, seconds: float, baseline: float, extra: dict[str, Any]) -> None:
    report = render_json(build_report(analysis, INFO, generated_at_ms=T0))
    print(
        json.dumps(
            {
                "events": analysis.events,
                "seconds": seconds,
                "rate": analysis.events / seconds,
                "findings": len(analysis.findings),
                "json_bytes": len(report),
                "baseline_mb": baseline,
                "peak_mb": peak_mb(),
                "snapshots": analysis.device_snapshots,
                **extra,
            }
        )
    )


def _read_alone(events: Iterator[Event]) -> dict[str, Any]:
    """The source alone, read to the end once, without analysis: the floor under the rate."""
    start = time.perf_counter()
    count = sum(1 for _ in events)
    return {"read_rate": count / (time.perf_counter() - start)}


def child_events(total: int) -> None:
    # A pool of distinct payloads, cycled with fresh times: the stream stays in bounded memory
    # (the measurement is of the analysis, not of holding a million documents).
    pool = [event_of(doc) for doc in documents(min(total, 50_000))]

    def stream() -> Iterator[Event]:
        for n in range(total):
            base = pool[n % len(pool)]
            yield Event(
                base.identity,
                base.key,
                base.subsystem,
                base.site,
                T0 + n * STEP_MS,
                base.received_ms,
                base.source,
                base.payload,
            )

    start = time.perf_counter()
    for _ in stream():
        pass
    making = time.perf_counter() - start
    baseline = peak_mb()
    start = time.perf_counter()
    analysis = analyze(
        stream(),
        site="default",
        period_start_ms=T0,
        period_end_ms=T0 + total * STEP_MS,
        inventory=Inventory(),
    )
    both = time.perf_counter() - start
    finish(analysis, both - making, baseline, {"read_rate": total / making})


def child_capture(path: Path, total: int) -> None:
    from unifi_scanner.collect.replay import CaptureProblems, read_capture

    def parsed(message: str) -> Iterator[tuple[int, Any]]:
        for text, received in read_capture(path, CaptureProblems()):
            frame = parse_frame(text)
            if frame.message == message:
                yield received, frame

    def events() -> Iterator[Event]:
        for received, frame in parsed("events"):
            yield from events_from_frame(frame, site="default", received_ms=received).events

    def snapshots() -> Iterator[tuple[int, dict[str, Any]]]:
        for received, frame in parsed("device:sync"):
            for record in frame.data:
                yield received, record

    baseline = peak_mb()
    reading = _read_alone(events())
    start = time.perf_counter()
    analysis = analyze(
        events(),
        site="default",
        period_start_ms=T0,
        period_end_ms=T0 + total * STEP_MS,
        inventory=Inventory(),
        device_snapshots=snapshots(),
    )
    finish(analysis, time.perf_counter() - start, baseline, reading)


def child_fill_store(path: Path, total: int) -> None:
    from unifi_scanner.collect import FrameRouter
    from unifi_scanner.store import BatchWriter, SQLiteStore

    async def fill() -> None:
        store = SQLiteStore(path)
        try:
            async with BatchWriter(store) as writer:
                router = FrameRouter(writer, controller="bench", site="default")
                for n, line in enumerate(frames(total)):
                    record = orjson.loads(line)
                    router.handle_frame(record["frame"], record["received_at"])
                    if n % 1000 == 999:
                        await writer.flush()  # keep within the writer's backlog
        finally:
            store.close()

    asyncio.run(fill())


def child_store(path: Path, total: int) -> None:
    from unifi_scanner.store import SQLiteStore

    store = SQLiteStore(path)
    try:
        baseline = peak_mb()
        reading = _read_alone(store.iter_events(site="default"))
        start = time.perf_counter()
        analysis = analyze(
            store.iter_events(site="default"),
            site="default",
            period_start_ms=T0,
            period_end_ms=T0 + total * STEP_MS,
            inventory=Inventory(store.devices(site="default")),
        )
        finish(analysis, time.perf_counter() - start, baseline, reading)
    finally:
        store.close()


# -- parent -----------------------------------------------------------------------------------


def measure(*args: str) -> dict[str, Any]:
    # The child is this very script with our own arguments: nothing untrusted runs.
    command = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--modes", nargs="+", default=["events", "capture", "store"])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, total = args.child[0], int(args.child[1])
        path = Path(args.child[2]) if len(args.child) > 2 else Path()
        {
            "events": lambda: child_events(total),
            "capture": lambda: child_capture(path, total),
            "fill": lambda: child_fill_store(path, total),
            "store": lambda: child_store(path, total),
        }[mode]()
        return 0
    print(f"python {sys.version.split()[0]}; analysis throughput and peak RSS (fresh process each)")
    print(
        f"{'mode':<8} {'events':>10} {'events/s':>10} {'seconds':>8} {'peak RSS':>9} "
        f"{'base RSS':>9} {'findings':>8} {'JSON':>8} {'read alone':>11}"
    )
    for total in args.events:
        with tempfile.TemporaryDirectory(prefix="analyze-bench-") as tmp:
            capture, database = Path(tmp) / "capture.jsonl", Path(tmp) / "bench.db"
            if "capture" in args.modes:
                with capture.open("w") as handle:
                    for line in frames(total):
                        handle.write(line + "\n")
            if "store" in args.modes:
                fill = [sys.executable, __file__, "--child", "fill", str(total), str(database)]
                subprocess.run(fill, check=True)  # noqa: S603 (this script, our arguments)
            for mode in args.modes:
                extra = [str(capture if mode == "capture" else database)]
                result = measure(mode, str(total), *extra)
                print(
                    f"{mode:<8} {result['events']:>10,} {result['rate']:>10,.0f} "
                    f"{result['seconds']:>8.1f} {result['peak_mb']:>7.0f}MB "
                    f"{result['baseline_mb']:>7.0f}MB {result['findings']:>8} "
                    f"{result['json_bytes'] / 1e6:>6.2f}MB {result['read_rate']:>9,.0f}/s",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
