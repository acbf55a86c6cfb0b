"""Benchmarks of the hot paths, printed as figures (``make bench``; not part of ``make test``).

1. parse:   raw ``events`` frames → Event objects (pure parser), events/s
2. ingest:  raw frames → committed SQLite rows through the router and the batching writer,
            events/s and the commit latency the writer achieves
3. analyze: stored events → findings (store read + rule catalogue), events/s and peak RSS
4. render:  findings → JSON + HTML + text, ms

Sized for a 2-core machine: ``--events`` (default 200,000) synthetic but realistic events
(the field sets of real controllers), 8 per frame.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

from unifi_scanner.analyze import Inventory, analyze
from unifi_scanner.collect import FrameRouter
from unifi_scanner.controller.frames import events_from_frame, parse_frame
from unifi_scanner.report import ControllerInfo, build_report, render_html, render_json, render_text
from unifi_scanner.store import BatchWriter, SQLiteStore

T0 = 1_764_374_400_000
PER_FRAME = 8


def synthetic_frames(total: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    aps = [f"78:45:58:00:{i // 256:02x}:{i % 256:02x}" for i in range(40)]
    clients = [f"d8:4c:90:{i // 65536:02x}:{i // 256 % 256:02x}:{i % 256:02x}" for i in range(2000)]
    frames = []
    events = []
    for n in range(total):
        at = T0 + n * 400
        client, ap = rng.choice(clients), rng.choice(aps)
        kind = rng.random()
        base = {
            "_id": f"{at // 1000:08x}{n:016x}",
            "site_id": "574e86d2e4b0a7d4c2a0e8a1",
            "time": at,
            "datetime": datetime.fromtimestamp(at / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "subsystem": "wlan",
            "user": client,
            "ssid": "Office",
            "hostname": f"host-{client[-5:]}",
        }
        if kind < 0.4:
            base |= {"key": "EVT_WU_Connected", "ap": ap, "radio": "na", "channel": "36"}
        elif kind < 0.8:
            base |= {"key": "EVT_WU_Disconnected", "ap": ap, "duration": 300, "bytes": 1234567}
        else:
            base |= {
                "key": "EVT_WU_Roam",
                "ap_from": ap,
                "ap_to": rng.choice(aps),
                "radio_from": "na",
                "radio_to": "na",
                "channel_from": "36",
                "channel_to": "149",
            }
        base["msg"] = f"User[{client}] {base['key']} AP[{ap}]"
        events.append(base)
        if len(events) == PER_FRAME:
            frames.append(
                orjson.dumps({"meta": {"rc": "ok", "message": "events"}, "data": events}).decode()
            )
            events = []
    if events:
        frames.append(
            orjson.dumps({"meta": {"rc": "ok", "message": "events"}, "data": events}).decode()
        )
    return frames


def bench_parse(frames: list[str]) -> float:
    start = time.perf_counter()
    count = 0
    for text in frames:
        count += len(events_from_frame(parse_frame(text), site="default", received_ms=0).events)
    return count / (time.perf_counter() - start)


async def bench_ingest(frames: list[str], path: Path) -> tuple[float, int]:
    store = SQLiteStore(path)
    try:
        start = time.perf_counter()
        async with BatchWriter(store) as writer:
            router = FrameRouter(writer, controller="bench", site="default")
            for i, text in enumerate(frames):
                router.handle_frame(text, i)
                if i % 64 == 0:
                    await asyncio.sleep(0)  # let the writer task run, as the socket would
        elapsed = time.perf_counter() - start
        return store.count_events() / elapsed, store.count_events()
    finally:
        store.close()


def bench_analyze(path: Path) -> tuple[float, dict[str, object], float]:
    store = SQLiteStore(path)
    try:
        start = time.perf_counter()
        analysis = analyze(
            store.iter_events(site="default"),
            site="default",
            period_start_ms=T0,
            period_end_ms=T0 + 10**9,
            inventory=Inventory(),
        )
        rate = analysis.events / (time.perf_counter() - start)
        info = ControllerInfo(url="bench", flavour="unifi-os", version="10.3.58", site="default")
        report = build_report(analysis, info, generated_at_ms=T0)
        start = time.perf_counter()
        render_json(report)
        render_html(report)
        render_text(report)
        render_ms = (time.perf_counter() - start) * 1000
        return rate, report, render_ms
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.events:,} events, {PER_FRAME} per frame")
    frames = synthetic_frames(args.events)
    print(f"parse    {bench_parse(frames):>12,.0f} events/s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        rate, stored = asyncio.run(bench_ingest(frames, path))
        size_mb = path.stat().st_size / 1e6
        print(f"ingest   {rate:>12,.0f} events/s  ({stored:,} rows committed, {size_mb:.0f} MB)")
        rate, report, render_ms = bench_analyze(path)
        print(f"analyze  {rate:>12,.0f} events/s  ({len(report['findings'])} findings)")  # type: ignore[arg-type]
        print(f"render   {render_ms:>12,.1f} ms (json + html + text)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:>12,.0f} MB (whole run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
