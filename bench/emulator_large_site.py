"""Does the emulator keep up with `large-site`? Events offered vs pushed, and how late.

Starts the emulator with the `large-site` scenario (240 APs, 5,600 clients, ~60 events per
scenario second), logs in and follows the event WebSocket with the `websockets` library — a
separate process, so that the client's own parsing does not eat the emulator's time — for
`--seconds` wall seconds at `--speed`, then prints:

- offered: events whose time fell within the run (the timeline's rate at this speed);
- pushed: events received over the socket, per wall second, and how many were missing;
- lag: receive time minus the moment the event fell due (scenario time mapped to wall time),
  median, p99 and max — "falling behind" would show as a lag that grows over the run;
- the largest frame (`sta:sync` on a site this size) and the emulator's CPU time.

    .venv/bin/python bench/emulator_large_site.py --seconds 60 --speed 1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import ssl
import statistics
import sys
import time
from typing import Any

import httpx
from websockets.asyncio.client import connect

from unifi_scanner.emulator import DEFAULT_PASSWORD, Emulator, EmulatorConfig


def _follow(url: str, ca_file: str, cookie: str, seconds: float, out: Any) -> None:
    """Child process: read frames for `seconds`; send back (receive wall ms, event times)."""

    async def run() -> list[tuple[float, list[int], int, str]]:
        context = ssl.create_default_context(cafile=ca_file)
        received: list[tuple[float, list[int], int, str]] = []
        headers = {"Cookie": cookie}
        async with connect(url, ssl=context, additional_headers=headers, max_size=None) as ws:
            deadline = time.monotonic() + seconds
            while (left := deadline - time.monotonic()) > 0:
                try:
                    text = await asyncio.wait_for(ws.recv(), left)
                except TimeoutError:
                    break
                wall_ms = time.time() * 1000
                frame = json.loads(text)
                message = frame["meta"]["message"]
                times = [e["time"] for e in frame["data"]] if message == "events" else []
                received.append((wall_ms, times, len(text), message))
        return received

    out.send(asyncio.run(run()))
    out.close()


async def bench(seconds: float, speed: float) -> dict[str, Any]:
    config = EmulatorConfig(scenario="large-site", speed=speed, wait_for_client=True)
    async with Emulator(config) as emulator:
        context = ssl.create_default_context(cafile=str(emulator.ca_file))
        async with httpx.AsyncClient(base_url=emulator.url, verify=context) as client:
            login = await client.post(
                "/api/auth/login", json={"username": "admin", "password": DEFAULT_PASSWORD}
            )
            login.raise_for_status()
            cookie = f"TOKEN={login.cookies['TOKEN']}"
        url = emulator.url.replace("https://", "wss://") + "/proxy/network/wss/s/default/events"
        parent, child = multiprocessing.Pipe(duplex=False)
        reader = multiprocessing.Process(
            target=_follow, args=(url, str(emulator.ca_file), cookie, seconds, child)
        )
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        reader.start()
        received = await asyncio.to_thread(parent.recv)
        await asyncio.to_thread(reader.join)
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        start_ms = emulator.scenario_start_ms
        assert start_ms is not None
        events = emulator.events
        sent = len(emulator.sent)
    cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    # Each event falls due when the scenario clock reaches its time, mapped to wall time.
    pairs = [
        (wall, wall - (start_ms + (t - start_ms) / speed))
        for wall, times, _, _ in received
        for t in times
    ]
    lags = sorted(lag for _, lag in pairs)
    first_ms = received[0][0]
    last_ms = received[-1][0]
    run_s = (last_ms - first_ms) / 1000
    # Offered: every event up to the last one received (later ones were still in flight).
    horizon_ms = max(t for _, times, _, _ in received for t in times)
    offered = sum(1 for e in events if e["time"] <= horizon_ms)
    mid = (first_ms + last_ms) / 2
    early = [lag for wall, lag in pairs if wall < mid]
    late = [lag for wall, lag in pairs if wall >= mid]
    return {
        "speed": speed,
        "run_s": round(run_s, 1),
        "offered": offered,
        "offered_per_s": round(offered / max(run_s, 1e-9), 1),
        "pushed": len(lags),
        "pushed_per_s": round(len(lags) / max(run_s, 1e-9), 1),
        "missing": offered - len(lags),
        "sent_log": sent,
        "lag_ms_median": round(statistics.median(lags), 1),
        "lag_ms_p99": round(lags[int(len(lags) * 0.99) - 1], 1),
        "lag_ms_max": round(lags[-1], 1),
        "lag_ms_median_first_half": round(statistics.median(early), 1),
        "lag_ms_median_second_half": round(statistics.median(late), 1),
        "frames": len(received),
        "largest_frame_bytes": max(size for _, _, size, _ in received),
        "frames_by_message": dict(_count(message for *_, message in received)),
        "emulator_cpu_s": round(cpu_s, 1),
        "emulator_cpu_share": round(cpu_s / max(run_s, 1e-9), 2),
    }


def _count(items: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="wall seconds to follow")
    parser.add_argument("--speed", type=float, action="append", help="speeds to try (repeat)")
    args = parser.parse_args()
    for speed in args.speed or [1.0]:
        result = asyncio.run(bench(args.seconds, speed))
        print(json.dumps(result))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
