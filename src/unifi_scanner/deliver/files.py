"""Report files: atomic writes, dated directories, ``latest.*`` links, retention by age.

Layout in service mode (``publish_reports``)::

    <report_dir>/<site>/2026-11-29T0800+0100/report.{json,html,txt,md}
    <report_dir>/<site>/latest.json -> 2026-11-29T0800+0100/report.json   (and .html …)

``write_reports`` keeps the flat layout the ``report``, ``replay`` and ``demo`` commands use.
Every file is written to a temporary name, fsynced and renamed over, so a reader (a web
server, a mail attachment) never sees half a report.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path


class DeliveryError(Exception):
    """A report could not be written; the message names the path and the cause."""


def write_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, fsync it, rename it over."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_reports(directory: Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write each ``name: content`` into ``directory`` (created if needed); return the paths."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in files.items():
            path = directory / name
            write_atomic(path, content.encode() if isinstance(content, str) else content)
            written.append(path)
    except OSError as exc:
        raise DeliveryError(
            f"cannot write reports to {directory}: {exc.strerror or exc}; "
            "choose another directory with --out or UNIFI_REPORT_DIR"
        ) from None
    return written


#: Dated report directories: the period's end in the configured zone, with its UTC offset so
#: that the name is unambiguous across daylight-saving changes and parses back exactly.
STAMP_FORMAT = "%Y-%m-%dT%H%M%z"
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{4}[+-]\d{4}$")
LATEST_PREFIX = "latest"


@dataclass(frozen=True, slots=True)
class PublishedReport:
    """One report written to its dated directory, with the ``latest.*`` links updated."""

    site_dir: Path
    directory: Path
    files: tuple[Path, ...]
    latest: tuple[Path, ...] = ()
    pruned: tuple[Path, ...] = ()

    def file(self, name: str) -> Path | None:
        """The written file called ``name`` (``report.md``), if this report has one."""
        return next((path for path in self.files if path.name == name), None)


def dated_name(moment: datetime, tz: tzinfo) -> str:
    """``2026-11-29T0800+0100``: the directory name of a report whose period ends at ``moment``."""
    return moment.astimezone(tz).strftime(STAMP_FORMAT)


def parse_dated_name(name: str) -> datetime | None:
    """The moment a dated directory name stands for; None for any other name."""
    if not _STAMP.match(name):
        return None
    try:
        return datetime.strptime(name, STAMP_FORMAT)
    except ValueError:
        return None


def publish_reports(
    site_dir: Path,
    files: Mapping[str, bytes | str],
    *,
    period_end: datetime,
    tz: tzinfo,
    retention_days: float = 0.0,
    now: datetime | None = None,
    keep: Iterable[Path] = (),
) -> PublishedReport:
    """Write ``files`` into ``site_dir/<dated name>/``, point ``latest.*`` at them, prune.

    The dated name comes from the period's end, so publishing the same report again (a
    retry) rewrites the same directory rather than adding one. ``retention_days`` > 0 deletes
    dated directories older than that, except this one and those in ``keep`` (reports whose
    delivery is still pending).
    """
    directory = site_dir / dated_name(period_end, tz)
    written = write_reports(directory, files)
    try:
        latest = link_latest(site_dir, written)
    except OSError as exc:
        raise DeliveryError(
            f"cannot update the latest.* links in {site_dir}: {exc.strerror or exc}"
        ) from None
    pruned = prune_reports(
        site_dir, retention_days, now=now, keep={directory, *(Path(p) for p in keep)}
    )
    return PublishedReport(site_dir, directory, tuple(written), tuple(latest), tuple(pruned))


def link_latest(site_dir: Path, paths: Iterable[Path]) -> list[Path]:
    """``site_dir/latest.<ext>`` for each of ``paths``: a relative symlink, else a copy.

    Each link is replaced atomically (made under a temporary name, renamed over the old one),
    so a reader following ``latest.html`` always gets a whole report, old or new. Where the
    file system or platform refuses symbolic links (FAT, some network shares, Windows without
    the privilege), the file is copied instead — atomically too.
    """
    links = []
    for path in paths:
        link = site_dir / f"{LATEST_PREFIX}{''.join(path.suffixes) or '.' + path.name}"
        target = os.path.relpath(path, site_dir)
        if not _symlink_atomic(target, link):
            write_atomic(link, path.read_bytes())
        links.append(link)
    return links


def _symlink_atomic(target: str, link: Path) -> bool:
    temporary = link.with_name(f".{link.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        os.symlink(target, temporary)
    except (OSError, NotImplementedError):
        return False
    try:
        os.replace(temporary, link)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def prune_reports(
    site_dir: Path,
    retention_days: float,
    *,
    now: datetime | None = None,
    keep: Iterable[Path] = (),
) -> list[Path]:
    """Delete dated report directories older than ``retention_days`` (0: keep everything).

    Only directories named like :func:`dated_name` are candidates: ``latest.*``, the
    pending-deliveries record and anything a person put there are never touched, nor a
    directory a ``latest.*`` link points into.
    """
    if retention_days <= 0 or not site_dir.is_dir():
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    protected = {path.resolve() for path in keep}
    for link in site_dir.glob(f"{LATEST_PREFIX}.*"):
        if link.is_symlink():
            protected.add(link.resolve().parent)
    removed = []
    for entry in sorted(site_dir.iterdir()):
        moment = parse_dated_name(entry.name)
        if moment is None or moment >= cutoff or entry.is_symlink() or not entry.is_dir():
            continue
        if entry.resolve() in protected:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
