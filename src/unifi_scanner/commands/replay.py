"""``unifi-scanner replay FILE``: analyse a capture of raw WebSocket frames offline."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from rich.text import Text

from unifi_scanner.collect import FrameRouter
from unifi_scanner.collect.replay import CaptureProblems, read_capture
from unifi_scanner.commands.output import err, out, print_paths, print_summary, settings_from
from unifi_scanner.config import ConfigError
from unifi_scanner.report import ControllerInfo
from unifi_scanner.service import wall_ms
from unifi_scanner.site_report import read_previous_report, report_site, write_report_files
from unifi_scanner.store import BatchWriter, SQLiteStore


async def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise ConfigError([f"replay: no such capture file: {args.file}"])
    settings = settings_from(args)  # thresholds, and the zone the report shows its times in
    problems = CaptureProblems()
    # The replay goes through a (temporary) store exactly like live events do, so duplicates
    # and ordering are handled by the same code.
    with tempfile.TemporaryDirectory(prefix="unifi-scanner-replay-") as tmp:
        store = SQLiteStore(Path(tmp) / "replay.db")
        try:
            controller = f"replay:{args.file.name}"
            async with BatchWriter(store) as writer:
                router = FrameRouter(writer, controller=controller, site=args.site, source="replay")
                for text, received_ms in read_capture(args.file, problems):
                    router.handle_frame(text, received_ms)
                    await writer.room()
            span = store.time_range(site=args.site)
            if span is None:
                err.print(Text(f"{args.file}: no events found"))
                first = last = wall_ms()
            else:
                first, last = span
            info = ControllerInfo(
                url=controller, flavour="capture", version="unknown", site=args.site
            )
            report = report_site(
                store,
                info,
                since_ms=first,
                until_ms=last + 1,
                thresholds=settings.analysis_thresholds(),
                previous=_previous(args.out, args.site),
                timezone=settings.timezone,
            )
        finally:
            store.close()
    paths = write_report_files(report, args.out)
    stats = router.stats
    out.print(
        f"Replayed {stats.frames:,} frames: {stats.events:,} events, "
        f"{report['summary']['events']:,} after removing duplicates."
    )
    if problems.bad_lines or stats.rejected_frames or stats.rejected_events:
        err.print(
            Text(
                f"warning: {problems.summary()}; {stats.rejected_frames} frame(s) and "
                f"{stats.rejected_events} event(s) could not be used"
            )
        )
    print_summary(report)
    print_paths(paths)
    return 0


def _previous(directory: Path, site: str) -> dict[str, Any] | None:
    """The report already in ``directory``, if it is of the same site: replaying successive
    captures into one directory then says what is new, ongoing and resolved, like ``report``."""
    previous = read_previous_report(directory)
    controller = previous.get("controller") if previous is not None else None
    if not isinstance(controller, dict) or controller.get("site") != site:
        return None
    return previous
