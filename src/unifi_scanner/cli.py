"""The ``unifi-scanner`` command.

Exit codes: 0 success, 1 the work failed (controller, store or delivery error, each with a
one-line message saying what to do), 2 bad configuration or usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from unifi_scanner import __version__
from unifi_scanner import log as logging_setup
from unifi_scanner.config import ConfigError, Settings, load_settings
from unifi_scanner.controller import ControllerError, ControllerSession
from unifi_scanner.controller.session import make_ssl_context
from unifi_scanner.deliver.files import DeliveryError
from unifi_scanner.report import ControllerInfo
from unifi_scanner.report.render import clean, flavour_label
from unifi_scanner.store import BatchWriter, SQLiteStore, StoreError

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130

# soft_wrap: a message is one line however narrow the terminal; the terminal may fold it.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.I)
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """``90s``, ``15m``, ``24h``, ``7d``, ``2w`` or plain seconds, as seconds."""
    match = _DURATION.match(text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 30s, 15m, 24h or 7d, got {text!r}"
        )
    return float(match.group(1)) * _UNIT_S[match.group(2).lower()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unifi-scanner",
        description="Listen to a UniFi Network controller and explain what the network did.",
    )
    parser.add_argument("--version", action="version", version=f"unifi-scanner {__version__}")
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="log verbosity on stderr (default: info for collect/emulator, warning otherwise)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo", help="run a simulated day against the built-in emulator and write reports"
    )
    demo.add_argument("--out", type=Path, default=Path("reports"), help="report directory")
    demo.add_argument(
        "--seconds", type=parse_duration, default=15.0, help="wall time the day takes (15s)"
    )
    demo.add_argument("--seed", type=int, default=1, help="scenario seed")

    replay = commands.add_parser("replay", help="analyse a capture of WebSocket frames offline")
    replay.add_argument("file", type=Path, help="JSON Lines capture (see README)")
    replay.add_argument("--out", type=Path, default=Path("reports"), help="report directory")
    replay.add_argument("--site", default="default", help="site the capture came from")

    collect = commands.add_parser(
        "collect", help="follow the configured controller and store its events until Ctrl-C"
    )
    collect.add_argument("--config", type=Path, help="YAML configuration file")
    collect.add_argument(
        "--duration", type=parse_duration, help="stop after this long (e.g. 10m); default never"
    )

    report = commands.add_parser("report", help="write reports from the stored events")
    report.add_argument("--config", type=Path, help="YAML configuration file")
    report.add_argument(
        "--since", type=parse_duration, default=86400.0, help="period to cover (default 24h)"
    )
    report.add_argument("--out", type=Path, help="report directory (default UNIFI_REPORT_DIR)")

    emulator = commands.add_parser("emulator", help="run the UniFi controller emulator")
    from unifi_scanner.emulator import cli as emulator_cli

    emulator_cli.add_arguments(emulator)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    default_level = "info" if args.command in ("collect", "emulator") else "warning"
    logging_setup.configure(args.log_level or default_level)
    handlers = {
        "demo": _demo,
        "replay": _replay,
        "collect": _collect,
        "report": _report,
        "emulator": _emulator,
    }
    try:
        return asyncio.run(handlers[args.command](args))
    except ConfigError as exc:
        for line in exc.lines:
            err.print(Text(f"config error: {line}"))
        return EXIT_CONFIG
    except (ControllerError, StoreError, DeliveryError) as exc:
        err.print(Text(f"error: {exc}"))
        return EXIT_FAILED
    except KeyboardInterrupt:
        err.print("interrupted")
        return EXIT_INTERRUPTED


# -- commands ------------------------------------------------------------------------------------


async def _demo(args: argparse.Namespace) -> int:
    from unifi_scanner.demo import run_demo

    out.print(f"Starting the emulated UniFi OS console; playing a day in {args.seconds:g} s …")
    with err.status("collecting events") as status:

        def progress(received: int, total: int) -> None:
            status.update(f"collecting events: {received:,} of {total:,} received")

        result = await run_demo(args.out, seconds=args.seconds, seed=args.seed, progress=progress)
    out.print(
        f"Collected {result.stored:,} events over the WebSocket "
        f"({result.sent:,} sent by the controller, {result.missing} missing, "
        f"{result.gaps} gap(s))."
    )
    _print_summary(result.report)
    _print_paths(result.paths)
    out.print(f"Events are kept in {result.store_path}")
    return 0


async def _replay(args: argparse.Namespace) -> int:
    from unifi_scanner.collect import FrameRouter
    from unifi_scanner.collect.replay import CaptureProblems, read_capture
    from unifi_scanner.service import report_site, wall_ms, write_report_files

    if not args.file.is_file():
        raise ConfigError([f"replay: no such capture file: {args.file}"])
    problems = CaptureProblems()
    with tempfile.TemporaryDirectory(prefix="unifi-scanner-replay-") as tmp:
        store = SQLiteStore(Path(tmp) / "replay.db")
        try:
            controller = f"replay:{args.file.name}"
            async with BatchWriter(store) as writer:
                router = FrameRouter(writer, controller=controller, site=args.site, source="replay")
                for text, received_ms in read_capture(args.file, problems):
                    router.handle_frame(text, received_ms)
            span = store.time_range(site=args.site)
            if span is None:
                err.print(Text(f"{args.file}: no events found"))
                first = last = wall_ms()
            else:
                first, last = span
            info = ControllerInfo(
                url=controller, flavour="capture", version="unknown", site=args.site
            )
            report = report_site(store, info, since_ms=first, until_ms=last + 1)
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
    _print_summary(report)
    _print_paths(paths)
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(getattr(args, "config", None))
    if args.log_level is None:
        logging_setup.configure(settings.log_level)
    return settings


async def _collect(args: argparse.Namespace) -> int:
    from unifi_scanner.service import SiteFollower

    settings = _settings(args)
    settings.require_controller()
    assert settings.username is not None
    assert settings.password is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    store = SQLiteStore(settings.store)
    try:
        ssl_context = make_ssl_context(verify=settings.verify_ssl, ca_file=settings.ca_file)
        async with (
            ControllerSession(
                settings.controller_url,
                username=settings.username,
                password=settings.password,
                ssl_context=ssl_context,
                timeout=settings.timeout,
            ) as session,
            BatchWriter(store) as writer,
        ):
            follower = SiteFollower(session, settings.site, writer, store)
            info = await follower.start()
            out.print(
                Text(
                    f"Following site {settings.site} on {info.url} "
                    f"({flavour_label(info.flavour)}, Network {info.version}); "
                    f"events go to {settings.store}. Ctrl-C to stop."
                )
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_until_stopped(stop, follower), args.duration)
            await follower.stop()
            failure = follower.failure()
            if failure is not None:
                raise failure
            assert follower.collector is not None
            out.print(f"Stored {follower.collector.stats.events:,} events received this run.")
    finally:
        store.close()
    return 0


async def _until_stopped(stop: asyncio.Event, follower: Any) -> None:
    while not stop.is_set() and follower.failure() is None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def _report(args: argparse.Namespace) -> int:
    from unifi_scanner.service import report_site, wall_ms, write_report_files

    settings = _settings(args)
    if not settings.store.exists():
        raise StoreError(
            f"no event store at {settings.store}: run 'unifi-scanner collect' first "
            "(or set UNIFI_STORE)"
        )
    store = SQLiteStore(settings.store)
    try:
        known = [s for s in store.sites() if s[1] == settings.site]
        if known:
            url, site, flavour, version = known[0]
        else:
            url = settings.controller_url if settings.host else "unknown"
            site, flavour, version = settings.site, "unknown", "unknown"
        until = wall_ms() + 1
        report = report_site(
            store,
            ControllerInfo(url=url, flavour=flavour, version=version, site=site),
            since_ms=until - int(args.since * 1000),
            until_ms=until,
        )
    finally:
        store.close()
    paths = write_report_files(report, args.out or settings.report_dir)
    _print_summary(report)
    _print_paths(paths)
    return 0


async def _emulator(args: argparse.Namespace) -> int:
    from unifi_scanner.emulator import cli as emulator_cli

    return await emulator_cli.run(args)


# -- output ---------------------------------------------------------------------------------------

_STYLE = {"severe": "bold red", "medium": "yellow", "low": "dim"}


def _print_summary(report: dict[str, Any]) -> None:
    counts = report["summary"]["findings_by_severity"]
    out.print(
        f"\n{report['summary']['events']:,} events → {counts['severe']} severe, "
        f"{counts['medium']} medium, {counts['low']} low findings"
    )
    if not report["findings"]:
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("severity")
    table.add_column("finding")
    table.add_column("count", justify="right")
    for finding in report["findings"][:15]:
        severity = finding["severity"]
        table.add_row(
            Text(severity, style=_STYLE[severity]),
            Text(clean(finding["title"])),
            f"{finding['count']:,}",
        )
    out.print(table)
    if len(report["findings"]) > 15:
        out.print(f"… and {len(report['findings']) - 15} more in the report")


def _print_paths(paths: list[Path]) -> None:
    out.print("\nReports:")
    for path in paths:
        out.print(Text(f"  {path}"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
