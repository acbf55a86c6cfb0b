"""The ``unifi-scanner`` command: argument parsing and dispatch to :mod:`.commands`.

Exit codes: 0 success, 1 the work failed (controller, store or delivery error, each with a
one-line message saying what to do), 2 bad configuration or usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from rich.text import Text

from unifi_scanner import __version__
from unifi_scanner import log as logging_setup
from unifi_scanner.commands.output import err
from unifi_scanner.config import ConfigError
from unifi_scanner.controller import ControllerError
from unifi_scanner.deliver.files import DeliveryError
from unifi_scanner.store import StoreError

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130

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


def _with_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="YAML configuration file (or UNIFI_CONFIG)")


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

    check = commands.add_parser(
        "check", help="diagnose the connection to each configured controller, step by step"
    )
    _with_config(check)
    check.add_argument(
        "--trust", action="store_true", help="pin the certificate the controller presents now"
    )
    check.add_argument(
        "--wait", type=parse_duration, default=10.0, help="how long to wait for a first frame"
    )

    collect = commands.add_parser(
        "collect", help="follow the configured controllers and store their events until Ctrl-C"
    )
    _with_config(collect)
    collect.add_argument(
        "--duration", type=parse_duration, help="stop after this long (e.g. 10m); default never"
    )

    serve = commands.add_parser(
        "serve",
        help="run as a service: collect, deliver reports on the schedule, /healthz, /metrics",
    )
    _with_config(serve)
    serve.add_argument("--duration", type=parse_duration, help="stop after this long (tests)")

    run_now = commands.add_parser(
        "run", help="one scheduled report round now (for cron or systemd timers)"
    )
    _with_config(run_now)
    run_now.add_argument(
        "--collect",
        type=parse_duration,
        metavar="DURATION",
        help="first follow the controllers this long (back-fills since the last stored event)",
    )

    report = commands.add_parser("report", help="write reports from the stored events")
    _with_config(report)
    report.add_argument(
        "--since", type=parse_duration, default=86400.0, help="period to cover (default 24h)"
    )
    report.add_argument("--site", help="only this site (default: every stored site)")
    report.add_argument("--out", type=Path, help="report directory (default UNIFI_REPORT_DIR)")

    tail = commands.add_parser(
        "tail", help="follow the live event stream in plain English until Ctrl-C"
    )
    _with_config(tail)
    tail.add_argument("--site", help="only this site (default: every configured site)")
    tail.add_argument("--json", action="store_true", help="one JSON object per event")

    events = commands.add_parser("events", help="list stored events")
    _with_config(events)
    events.add_argument("--since", type=parse_duration, default=86400.0, help="default 24h")
    events.add_argument("--site", help="only this site")
    events.add_argument("--key", help="only this event key, e.g. EVT_AP_Lost_Contact")
    events.add_argument("--format", choices=["table", "jsonl"], default="table")
    events.add_argument("--limit", type=int, help="at most this many events")

    store = commands.add_parser("store", help="inspect the event store")
    store_commands = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    stats = store_commands.add_parser("stats", help="counts, size, gaps, oldest/newest event")
    _with_config(stats)

    record = commands.add_parser(
        "record", help="write the raw frames of a site's event socket to a capture file"
    )
    _with_config(record)
    record.add_argument("--out", type=Path, required=True, help="capture file (JSON Lines)")
    record.add_argument("--site", help="site to record (default: the first configured)")
    record.add_argument("--duration", type=parse_duration, help="stop after this long")

    replay = commands.add_parser("replay", help="analyse a capture of WebSocket frames offline")
    _with_config(replay)
    replay.add_argument("file", type=Path, help="JSON Lines capture (see README)")
    replay.add_argument("--out", type=Path, default=Path("reports"), help="report directory")
    replay.add_argument("--site", default="default", help="site the capture came from")

    demo = commands.add_parser(
        "demo", help="run a simulated day against the built-in emulator and write reports"
    )
    demo.add_argument("--out", type=Path, default=Path("reports"), help="report directory")
    demo.add_argument(
        "--seconds", type=parse_duration, default=15.0, help="wall time the day takes (15s)"
    )
    demo.add_argument("--seed", type=int, default=1, help="scenario seed")

    from unifi_scanner.commands import deliver

    deliver.add_arguments(
        commands.add_parser("deliver", help="send a report by email and notifications now")
    )

    from unifi_scanner.commands import settings as settings_command

    settings_command.add_arguments(
        commands.add_parser("settings", help="list every setting (--markdown: docs/settings.md)")
    )

    emulator = commands.add_parser("emulator", help="run the UniFi controller emulator")
    from unifi_scanner.emulator import cli as emulator_cli

    emulator_cli.add_arguments(emulator)
    return parser


def _handler(command: str) -> Callable[[argparse.Namespace], Coroutine[Any, Any, int]]:
    # Imported on demand: `unifi-scanner emulator` need not load the analysis stack, etc.
    if command == "emulator":
        from unifi_scanner.emulator import cli as emulator_cli

        return emulator_cli.run
    from importlib import import_module

    module = import_module(f"unifi_scanner.commands.{command}")
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, int]] = module.run
    return run


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    default_level = "info" if args.command in ("collect", "serve", "emulator") else "warning"
    args.default_log_level = default_level
    logging_setup.configure(args.log_level or default_level)
    try:
        return asyncio.run(_handler(args.command)(args))
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
