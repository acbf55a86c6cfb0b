"""``unifi-scanner settings``: every setting with its environment variable, default and meaning.

``--markdown`` prints ``docs/settings.md`` exactly (that file is this output, and a test
keeps the two equal); without it, one plain line per setting for a terminal. Both come from
:mod:`unifi_scanner.settings_doc`, which reads the ``Settings`` model — no configuration is
loaded, so this works before anything is configured.
"""

from __future__ import annotations

import argparse
import sys

from unifi_scanner import settings_doc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--markdown", action="store_true", help="print Markdown (the text of docs/settings.md)"
    )


async def run(args: argparse.Namespace) -> int:
    # Written to stdout as is: the rich console would wrap long table rows, and a redirect to
    # docs/settings.md must give byte for byte what the test compares.
    sys.stdout.write(settings_doc.markdown() if args.markdown else plain())
    sys.stdout.flush()
    return 0


def plain() -> str:
    """``key (ENV) [secret]: type; default X. description`` lines under each group's title."""
    lines: list[str] = []
    for group in settings_doc.groups():
        lines.append(group.title.replace("`", ""))
        for row in group.rows:
            names = [row.env] if row.env else []
            if row.env and row.secret_file_key:
                names.append(f"{row.env}_FILE")
            where = f" ({', '.join(names)})" if names else ""
            secret = " [secret]" if row.secret else ""
            line = f"{row.key}{where}{secret}: {row.type}; default {row.default}. "
            lines.append("  " + line + row.description)
        lines.append("")
    return "\n".join(lines)
