"""Report files: atomic writes, dated directories, latest.* links, retention by age."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from unifi_scanner.deliver.files import (
    dated_name,
    parse_dated_name,
    prune_reports,
    publish_reports,
    write_atomic,
)

BERLIN = ZoneInfo("Europe/Berlin")
END = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
FILES = {"report.json": b'{"schema": 1}\n', "report.html": "<p>hi</p>", "report.txt": "hi\n"}


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


async def test_atomic_write_never_shows_a_partial_file(tmp_path: Path) -> None:
    """A reader polling the file while big versions are written sees only whole ones."""
    path = tmp_path / "report.html"
    versions = [bytes([65 + n]) * 4_000_000 for n in range(4)]
    write_atomic(path, versions[0])
    seen: set[bytes] = set()
    done = False

    async def reader() -> None:
        while not done:
            content = path.read_bytes()
            assert content in versions, f"partial file of {len(content)} bytes"
            seen.add(content[:1])
            await asyncio.sleep(0)

    task = asyncio.create_task(reader())
    for version in versions[1:]:
        await asyncio.to_thread(write_atomic, path, version)
        await asyncio.sleep(0.01)
    done = True
    await task
    assert path.read_bytes() == versions[-1]
    assert len(seen) >= 2
    assert names(tmp_path) == ["report.html"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    write_atomic(path, b"old")

    with pytest.raises(TypeError):
        write_atomic(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_dated_names_carry_the_local_time_and_offset() -> None:
    assert dated_name(END, BERLIN) == "2026-11-29T0800+0100"
    assert dated_name(END, UTC) == "2026-11-29T0700+0000"
    assert parse_dated_name("2026-11-29T0800+0100") == END
    assert parse_dated_name("latest.json") is None
    assert parse_dated_name("2026-13-29T0800+0100") is None


def test_publish_writes_dated_directory_and_latest_links(tmp_path: Path) -> None:
    published = publish_reports(tmp_path / "site", FILES, period_end=END, tz=BERLIN)
    dated = tmp_path / "site" / "2026-11-29T0800+0100"
    assert published.directory == dated
    assert sorted(p.name for p in dated.iterdir()) == ["report.html", "report.json", "report.txt"]
    for ext in ("json", "html", "txt"):
        link = tmp_path / "site" / f"latest.{ext}"
        assert link.is_symlink()
        assert os.readlink(link) == f"2026-11-29T0800+0100/report.{ext}"  # relative: movable
        assert link.read_bytes() == (dated / f"report.{ext}").read_bytes()

    later = publish_reports(
        tmp_path / "site",
        {**FILES, "report.txt": "new\n"},
        period_end=END + timedelta(days=1),
        tz=BERLIN,
    )
    assert (tmp_path / "site" / "latest.txt").read_text() == "new\n"
    assert os.readlink(tmp_path / "site" / "latest.txt").startswith("2026-11-30T0800")
    assert (published.directory / "report.txt").read_text() == "hi\n"  # history kept
    assert later.file("report.txt") == later.directory / "report.txt"


def test_latest_falls_back_to_copies_where_symlinks_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stands in for a file system without symbolic links (FAT, some network shares).
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "symlink", refuse)
    publish_reports(tmp_path, FILES, period_end=END, tz=UTC)
    latest = tmp_path / "latest.html"
    assert latest.is_file() and not latest.is_symlink()
    assert latest.read_text() == "<p>hi</p>"
    publish_reports(
        tmp_path, {**FILES, "report.html": "<p>2</p>"}, period_end=END + timedelta(hours=1), tz=UTC
    )
    assert latest.read_text() == "<p>2</p>"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_retention_removes_only_old_dated_directories(tmp_path: Path) -> None:
    site = tmp_path / "site"
    now = END
    for days in (1, 5, 29, 31, 45):
        publish_reports(site, FILES, period_end=now - timedelta(days=days), tz=BERLIN)
    (site / "notes").mkdir()
    (site / "notes" / "keep.txt").write_text("mine")
    (site / "2020-01-01-backup").mkdir()  # not a dated name: never touched
    (site / "pending-deliveries.json").write_text("{}")
    pending = site / dated_name(now - timedelta(days=45), BERLIN)

    published = publish_reports(
        site, FILES, period_end=now, tz=BERLIN, retention_days=30, now=now, keep=[pending]
    )
    names = sorted(p.name for p in site.iterdir() if p.is_dir() and not p.is_symlink())
    assert names == sorted(
        [
            "2020-01-01-backup",
            "notes",
            dated_name(now - timedelta(days=45), BERLIN),  # kept: delivery pending
            dated_name(now - timedelta(days=29), BERLIN),
            dated_name(now - timedelta(days=5), BERLIN),
            dated_name(now - timedelta(days=1), BERLIN),
            dated_name(now, BERLIN),
        ]
    )
    assert [p.name for p in published.pruned] == [dated_name(now - timedelta(days=31), BERLIN)]
    assert (site / "latest.json").resolve().parent == published.directory
    assert (site / "pending-deliveries.json").exists()


def test_retention_zero_keeps_everything_and_latest_is_never_pruned(tmp_path: Path) -> None:
    old = END - timedelta(days=400)
    publish_reports(tmp_path, FILES, period_end=old - timedelta(days=1), tz=UTC)
    publish_reports(tmp_path, FILES, period_end=old, tz=UTC)
    assert prune_reports(tmp_path, 0, now=END) == []
    # Both are old; the one latest.* points to stays.
    assert prune_reports(tmp_path, 1, now=END) == [
        tmp_path / dated_name(old - timedelta(days=1), UTC)
    ]
    assert (tmp_path / dated_name(old, UTC)).is_dir()
