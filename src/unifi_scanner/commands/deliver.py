"""``unifi-scanner deliver``: try the delivery channels by hand, or retry what is pending.

``--test`` sends an existing report (``report.json`` from ``report`` or ``demo``, or the
newest ``latest.json`` under the report directory) by every configured channel — email and
notifications, the latter whatever the report holds — and prints one line per channel.
``--retry`` sends again what earlier deliveries left in ``pending-deliveries.json``.
Exit 0 when every channel succeeded, 1 when one failed, 2 when none is configured.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from rich.text import Text

from unifi_scanner.commands.output import out, settings_from
from unifi_scanner.config import ConfigError

if TYPE_CHECKING:
    from unifi_scanner.deliver import ChannelResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="YAML configuration file (or UNIFI_CONFIG)")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--test", action="store_true", help="send a report by every configured channel now"
    )
    action.add_argument(
        "--retry", action="store_true", help="retry the deliveries that failed earlier"
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="report.json to send with --test (default: the newest under report_dir)",
    )


async def run(args: argparse.Namespace) -> int:
    # Imported here: `build_parser` imports this module, and every command need not load
    # the mail and notification libraries.
    from unifi_scanner.deliver import Deliverer, PublishedReport

    settings = settings_from(args)
    deliverer = Deliverer.from_settings(settings)
    if args.retry:
        results = await deliverer.retry_pending()
        if not results:
            out.print("no pending deliveries")
        return _print(results)
    if not deliverer.channels:
        raise ConfigError(
            [
                "deliver: no channel configured; set smtp_host and email_to "
                "(UNIFI_SMTP_HOST, UNIFI_EMAIL_TO) or notify_urls (UNIFI_NOTIFY_URLS)"
            ]
        )
    path = args.report or _newest_report(deliverer.root)
    report = _read(path)
    published = PublishedReport(path.parent, path.parent, (path,))
    out.print(Text(f"sending {path}"))
    return _print(await deliverer.send(report, published, test=True))


def _print(results: list[ChannelResult]) -> int:
    for result in results:
        state = Text("ok    ", style="green") if result.ok else Text("FAILED", style="bold red")
        out.print(Text.assemble(f"{result.channel:<7}", state, f"  {result.detail}"))
    return 0 if all(result.ok for result in results) else 1


def _newest_report(root: Path) -> Path:
    candidates = [root / "report.json", *root.glob("*/latest.json")]
    existing = [path for path in candidates if path.is_file()]
    if not existing:
        raise ConfigError(
            [
                f"deliver: no report under {root}; write one with 'unifi-scanner report' "
                "(or 'demo'), or name it with --report"
            ]
        )
    return max(existing, key=lambda path: path.stat().st_mtime)


def _read(path: Path) -> dict[str, Any]:
    from unifi_scanner.report import SCHEMA

    try:
        document = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ConfigError([f"deliver: cannot read {path} as a report: {exc}"]) from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise ConfigError([f"deliver: {path} is not a {SCHEMA} report"])
    return document
