"""Terminal output shared by the commands (rich), safe against hostile controller strings."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from unifi_scanner import log as logging_setup
from unifi_scanner.config import Settings, load_settings
from unifi_scanner.report.render import clean
from unifi_scanner.store import SQLiteStore

# soft_wrap: a message is one line however narrow the terminal; the terminal may fold it.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_STYLE = {"severe": "bold red", "medium": "yellow", "low": "dim"}


def print_table(table: Table) -> None:
    """On a terminal the table folds to fit; into a file or a pipe each row stays on one
    line, so fingerprints and messages can be copied and searched whole."""
    if out.is_terminal:
        out.print(table)
    else:
        Console(highlight=False, width=1000).print(table)


def settings_from(args: argparse.Namespace) -> Settings:
    """Load the configuration; the log level follows it unless --log-level was given."""
    settings = load_settings(getattr(args, "config", None))
    as_json = settings.log_format == "json"
    if as_json or (args.log_level is None and settings.log_level is not None):
        level = str(
            args.log_level or settings.log_level or getattr(args, "default_log_level", "info")
        )
        logging_setup.configure(level, json=as_json)
    return settings


def on_stop_signals(
    stop: asyncio.Event, signals: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)
) -> Callable[[], None]:
    """``signals`` (SIGINT/SIGTERM) set ``stop``; returns the undo. Outside the main thread
    (where handlers cannot be installed) it does nothing: the caller's duration ends it."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in signals:
        try:
            loop.add_signal_handler(sig, stop.set)
        except (RuntimeError, ValueError):
            continue
        installed.append(sig)

    def undo() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return undo


def stored_pins(settings: Settings) -> dict[str, str]:
    """Fingerprints pinned by ``check --trust`` (none when there is no store yet)."""
    if not settings.store.exists():
        return {}
    store = SQLiteStore(settings.store)
    try:
        return store.pins()
    finally:
        store.close()


def print_summary(report: dict[str, Any]) -> None:
    counts = report["summary"]["findings_by_severity"]
    site = clean(report["controller"]["site"])
    out.print(
        Text(
            f"\nSite {site}: {report['summary']['events']:,} events → {counts['severe']} severe, "
            f"{counts['medium']} medium, {counts['low']} low findings"
        )
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
    print_table(table)
    if len(report["findings"]) > 15:
        out.print(f"… and {len(report['findings']) - 15} more in the report")


def print_paths(paths: list[Path]) -> None:
    out.print("\nReports:")
    for path in paths:
        out.print(Text(f"  {path}"))
