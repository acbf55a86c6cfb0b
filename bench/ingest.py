"""Ingest: raw WebSocket frames → committed SQLite rows. Events/s and frame-to-commit latency.

The events are the emulator's ``large-site`` scenario (240 APs, 5,600 clients, ~62 events
per scenario second), rendered to the documents a controller sends. They are framed the way a
controller frames them: one event per frame, except events of the same millisecond, which
share one. Two sources are measured:

- ``live``:    those frames handed to the router in memory, as the socket reader does;
- ``capture``: the same frames written to a capture file in ``record``'s format and read back
               with ``read_capture``, as ``unifi-scanner replay`` does (default 1,000,000 events).

First the two halves alone: parsing (frames → ``Event`` objects, CPU time) and the store
(``write_batch`` of parsed events). Then, for each source, two runs on a fresh store with
the production writer settings (commit within 250 ms or 1,000 events):

- capacity: frames handed over as fast as the writer lets them (``BatchWriter.room()`` after
  every frame, as the socket reader does) — events committed per wall second;
- latency:  frames offered at 1,000, 10,000 and ``--rate`` events/s in 10 ms ticks — for
  every frame, the time from handing it over to the commit that made it durable: p50, p99,
  max. Offered beyond capacity, latency grows with the queue.

``--cores 1`` pins the process to one core (the issue's "single core" figure); by default the
writer's SQLite work (which releases the GIL) may run on the second core.

    .venv/bin/python bench/ingest.py --events 1000000 --cores 1
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.collect import FrameRouter
from unifi_scanner.collect.replay import CaptureProblems, read_capture
from unifi_scanner.controller.models import Event
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.store import BatchWriter, SQLiteStore
from unifi_scanner.store.sqlite import Batch

START_MS = 1_764_374_400_000
LARGE_SITE_EVENTS_PER_HOUR = 223_000  # measured: SCENARIOS["large-site"].timeline(1, 3600)


def large_site_frames(events: int) -> list[str]:
    """``events`` events of ``large-site`` as controller frames, in time order."""
    hours = events / LARGE_SITE_EVENTS_PER_HOUR * 1.02
    timeline = SCENARIOS["large-site"].timeline(1, hours * 3600)
    documents = timeline.render(START_MS)[:events]
    frames: list[str] = []
    group: list[dict[str, Any]] = []
    for document in documents:
        if group and group[-1]["time"] != document["time"]:
            frames.append(_frame(group))
            group = []
        group.append(document)
    if group:
        frames.append(_frame(group))
    return frames


def _frame(documents: list[dict[str, Any]]) -> str:
    return orjson.dumps({"meta": {"rc": "ok", "message": "events"}, "data": documents}).decode()


def write_capture(frames: list[str], path: Path) -> None:
    with path.open("wb") as handle:
        for i, text in enumerate(frames):
            handle.write(orjson.dumps({"received_at": START_MS + i, "frame": text}) + b"\n")


class Run:
    """One pass of frames into a fresh store, with the times needed for the figures."""

    def __init__(self, path: Path) -> None:
        self.store = SQLiteStore(path)
        self.writer = BatchWriter(self.store)
        self.router = FrameRouter(self.writer, controller="bench", site="default")
        self.commits: list[tuple[int, float]] = []  # (items committed so far, when)
        self.handovers: list[tuple[int, float]] = []  # (items queued after a frame, when)
        self.writer.on_commit = lambda n: self.commits.append((n, time.perf_counter()))

    def hand_over(self, text: str) -> None:
        self.router.handle_frame(text, 0)
        self.handovers.append((self.writer.queued, time.perf_counter()))

    def latencies_ms(self) -> list[float]:
        counts = [n for n, _ in self.commits]
        result = []
        for queued, at in self.handovers:
            index = bisect.bisect_left(counts, queued)
            if index < len(self.commits):
                result.append((self.commits[index][1] - at) * 1000)
        return result

    def close(self) -> int:
        stored = self.store.count_events()
        self.store.close()
        return stored


async def capacity(frames: Iterable[str], path: Path) -> tuple[float, int, float]:
    """(events/s, events stored, p99 ms) with frames handed over as fast as possible."""
    run = Run(path)
    start = time.perf_counter()
    async with run.writer:
        for text in frames:
            run.hand_over(text)
            await run.writer.room()  # what the socket reader does after every frame
    elapsed = run.commits[-1][1] - start
    p99 = _percentile(run.latencies_ms(), 99)
    stored = run.close()
    return stored / elapsed, stored, p99


async def offered(frames: list[str], path: Path, rate: float) -> tuple[list[float], float]:
    """Per-frame latencies (ms) and the rate achieved, offering ``rate`` events/s."""
    run = Run(path)
    tick = 0.010
    per_frame = sum(text.count('"_id"') for text in frames[:1000]) / min(len(frames), 1000)
    frames_per_tick = max(1, round(rate * tick / per_frame))
    start = time.perf_counter()
    async with run.writer:
        for n, first in enumerate(range(0, len(frames), frames_per_tick)):
            for text in frames[first : first + frames_per_tick]:
                run.hand_over(text)
            await asyncio.sleep(max(0.0, start + (n + 1) * tick - time.perf_counter()))
    elapsed = run.commits[-1][1] - start
    stored = run.close()
    return run.latencies_ms(), stored / elapsed


class _Collect:
    """A sink that only keeps the parsed events (for the parse-alone figure)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add_events(self, controller: str, events: Sequence[Event]) -> None:
        self.events += events


def parse_alone(frames: list[str]) -> tuple[float, list[Event]]:
    """(events/s of CPU, the events): frames → Event objects, nothing stored."""
    sink = _Collect()
    router = FrameRouter(sink, controller="bench", site="default")  # type: ignore[arg-type]
    started = time.process_time()
    for text in frames:
        router.handle_frame(text, 0)
    return len(sink.events) / (time.process_time() - started), sink.events


def store_alone(events: list[Event], path: Path) -> float:
    """Rows/s of ``SQLiteStore.write_batch`` on parsed events, in batches of 1,000, with a
    passive checkpoint every 4,000 rows as the writer schedules them: the store's share."""
    store = SQLiteStore(path)
    started = time.perf_counter()
    for n, first in enumerate(range(0, len(events), 1000)):
        store.write_batch(Batch(events=[("bench", e) for e in events[first : first + 1000]]))
        if n % 4 == 3:
            store.checkpoint()
    rate = len(events) / (time.perf_counter() - started)
    store.close()
    return rate


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def _from_capture(path: Path) -> Iterator[str]:
    problems = CaptureProblems()
    for text, _received in read_capture(path, problems):
        yield text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=100_000.0, help="offered events/s")
    parser.add_argument("--cores", type=int, choices=(1, 2), default=2)
    args = parser.parse_args()
    if args.cores == 1:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    started = time.perf_counter()
    frames = large_site_frames(args.events)
    events = sum(text.count('"_id"') for text in frames)
    print(
        f"python {sys.version.split()[0]}, {args.cores} core(s): {events:,} large-site events "
        f"in {len(frames):,} frames (built in {time.perf_counter() - started:.0f} s)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        parse_rate, parsed = parse_alone(frames)
        print(f"parse    alone    {parse_rate:>10,.0f} events/s of CPU (frames → events)")
        write_rate = store_alone(parsed, directory / "alone.db")
        del parsed
        print(f"store    alone    {write_rate:>10,.0f} events/s (parsed events → committed)")
        rate, stored, p99 = asyncio.run(capacity(frames, directory / "live.db"))
        print(f"live     capacity {rate:>10,.0f} events/s  ({stored:,} stored, p99 {p99:,.0f} ms)")
        capture = directory / "capture.jsonl"
        write_capture(frames, capture)
        size_mb = capture.stat().st_size / 1e6
        rate, stored, p99 = asyncio.run(capacity(_from_capture(capture), directory / "cap.db"))
        print(
            f"capture  capacity {rate:>10,.0f} events/s  ({stored:,} stored from a "
            f"{size_mb:,.0f} MB capture, p99 {p99:,.0f} ms)"
        )
        # A large site sends ~62 events/s; 1,000 and 10,000 are bursts well past that.
        for offer in sorted({1_000.0, 10_000.0, args.rate}):
            # 20 s of offered load at most: enough for a steady state, short enough to run.
            subset = frames[: max(1000, int(offer * 20 * len(frames) / events))]
            latencies, achieved = asyncio.run(offered(subset, directory / f"o{offer}.db", offer))
            print(
                f"offered  {offer:>10,.0f} events/s → {achieved:>9,.0f} committed/s; "
                f"frame→commit p50 {statistics.median(latencies):,.0f} ms, "
                f"p99 {_percentile(latencies, 99):,.0f} ms, max {max(latencies):,.0f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
