"""Rendering the report of 1,000,000 events: how long after the analysis, and how big.

The events are the synthetic busy site of ``analyze_throughput.py`` (2,000 clients on 40
access points, IPS hits from many sources, outages, radar, WAN failovers, rogue access
points, v2 entries, unknown keys), with ``stat/device`` snapshots every 10 minutes. They are
analysed once, with the report's tallies watching (as ``report_site`` does); then the report
document is built and rendered in every format, each timed on its own (best of 3):

    .venv/bin/python bench/report_render.py                  # 1,000,000 events
    .venv/bin/python bench/report_render.py --events 200000

The figure that matters is the total after the analysis: it must stay well under a second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analyze_throughput import (
    APS,
    INFO,
    SNAPSHOT_EVERY_MS,
    STEP_MS,
    T0,
    device_snapshot,
    documents,
    event_of,
)
from unifi_scanner.analyze import Inventory, analyze
from unifi_scanner.controller.models import Event
from unifi_scanner.report import (
    build_report,
    render_email_html,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from unifi_scanner.report.activity import EventTally
from unifi_scanner.report.fleet import DeviceTally

TIMEZONE = "Europe/Berlin"


def events(total: int) -> Iterator[Event]:
    # A pool of distinct payloads cycled with fresh times: bounded memory, realistic keys.
    pool = [event_of(doc) for doc in documents(min(total, 50_000))]
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


def snapshots(end_ms: int) -> Iterator[tuple[int, dict[str, Any]]]:
    for at in range(T0, end_ms, SNAPSHOT_EVERY_MS):
        for index in range(len(APS)):
            yield at, device_snapshot(at, index)


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    end_ms = T0 + args.events * STEP_MS
    activity = EventTally(T0, end_ms, timezone=TIMEZONE)
    fleet = DeviceTally(T0, end_ms, timezone=TIMEZONE)
    inventory = Inventory()
    start = time.perf_counter()
    analysis = analyze(
        activity.watch(events(args.events)),
        site="default",
        period_start_ms=T0,
        period_end_ms=end_ms,
        inventory=inventory,
        device_snapshots=fleet.watch(snapshots(end_ms)),
    )
    analysed = time.perf_counter() - start
    print(
        f"analysis {analysis.events:>12,} events in {analysed:.1f} s "
        f"({analysis.events / analysed:,.0f}/s, report tallies included), "
        f"{len(analysis.findings)} findings"
    )

    def build() -> dict[str, Any]:
        return build_report(
            analysis,
            INFO,
            generated_at_ms=end_ms,
            timezone=TIMEZONE,
            activity=activity,
            fleet=fleet,
            inventory=inventory,
        )

    build_ms, report = best_of(3, build)
    total = build_ms
    print(f"build    {build_ms:>10.1f} ms  report document")
    for name, render in (
        ("json", lambda: render_json(report)),
        ("html", lambda: render_html(report)),
        ("email", lambda: render_email_html(report)),
        ("markdown", lambda: render_markdown(report)),
        ("text", lambda: render_text(report)),
    ):
        ms, output = best_of(3, render)
        total += ms
        size = len(output if isinstance(output, bytes) else output.encode())
        print(f"{name:<8} {ms:>10.1f} ms  {size / 1024:>8.1f} kB")
    print(f"total    {total:>10.1f} ms  after the analysis (budget: well under 1,000 ms)")
    return 0 if total < 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
