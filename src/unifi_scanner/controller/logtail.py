"""Reading only the new lines of a remote log file, across rotation, with a bounded read.

The transport is abstract (:class:`RemoteFiles`: ``stat`` and ``read`` at an offset), so the
same logic runs over SFTP in :mod:`.ssh` and over anything else that can read a byte range.

Where reading stopped is a :class:`FileCursor`: the path, the offset just past the last
complete line, and a fingerprint of the file's first bytes (its *head*). SFTP reports no inode,
so the head is what tells "the same file, grown" from "a new file under the old name":

- the file is shorter than the offset, or its head differs from the fingerprint → it was
  rotated (renamed away and recreated) or truncated in place (``copytruncate``);
- then the rotated copy is looked for under ``<path>.1`` (logrotate) and ``<path>.0``
  (busybox ``syslogd``), picking the one whose head matches, and the rest of it is read before
  the new file is read from the start. If no copy matches, the lines written between the last
  poll and the rotation may be lost; that is reported as a ``gap``, never hidden.

An incomplete last line is left for the next poll (the offset never moves past the last
newline), except in a rotated copy, which will not grow, and for a single line longer than the
whole read bound, which is delivered in pieces rather than blocking the file forever.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

#: How many leading bytes identify a file. Syslog lines start with a time stamp, so the
#: first line alone is practically unique.
HEAD_BYTES = 512
#: Where rotated copies of ``path`` are looked for, in this order.
ROTATED_SUFFIXES = (".1", ".0")
#: Starting at the end of a file, this much is read back to find the start of the last line.
END_LOOKBACK = 4096


def _fingerprint(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_EMPTY = _fingerprint(b"")


@dataclass(frozen=True, slots=True)
class FileCursor:
    """How far one remote file has been read; small, immutable and JSON-serialisable."""

    path: str
    offset: int = 0
    head_size: int = 0
    head_hash: str = _EMPTY

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "offset": self.offset,
            "head_size": self.head_size,
            "head_hash": self.head_hash,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileCursor:
        """The inverse of :meth:`to_dict`; raises ``ValueError`` on anything else."""
        path, head_hash = data.get("path"), data.get("head_hash")
        if not isinstance(path, str) or not path:
            raise ValueError("cursor without a path")
        if not isinstance(head_hash, str) or len(head_hash) != 32:
            raise ValueError("cursor without a head fingerprint")
        return cls(
            path=path,
            offset=_count(data.get("offset")),
            head_size=_count(data.get("head_size")),
            head_hash=head_hash,
        )

    def matches(self, head: bytes) -> bool:
        """Whether ``head`` (a file's first bytes) starts like the file this cursor follows."""
        return (
            len(head) >= self.head_size and _fingerprint(head[: self.head_size]) == self.head_hash
        )


@dataclass(frozen=True, slots=True)
class FileStat:
    """What the transport knows about a file: its size and modification time (epoch s)."""

    size: int
    mtime: float


class RemoteFiles(Protocol):
    """A remote file system reduced to what tailing needs."""

    async def stat(self, path: str) -> FileStat | None:
        """The file's size and mtime, or ``None`` if it does not exist."""

    async def read(self, path: str, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes from ``offset`` (fewer at the end of the file)."""


@dataclass(slots=True)
class TailRead:
    """The complete new lines of one file and where to continue next time."""

    cursor: FileCursor
    lines: list[str] = field(default_factory=list)
    bytes_read: int = 0
    rotated: bool = False
    gap: bool = False
    missing: bool = False
    more: bool = False
    split_lines: int = 0


async def read_new_lines(
    files: RemoteFiles,
    path: str,
    cursor: FileCursor | None,
    *,
    max_bytes: int,
    rotated_suffixes: Sequence[str] = ROTATED_SUFFIXES,
    start_at_end: bool = False,
) -> TailRead:
    """The lines added to ``path`` since ``cursor``, reading at most ``max_bytes``.

    Without a cursor the file is read from the start, or, with ``start_at_end``, only lines
    written from now on are read. ``more`` says the bound stopped the read early.
    """
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    stat = await files.stat(path)
    if cursor is None:
        if start_at_end and stat is not None:
            return TailRead(cursor=await _cursor_at_end(files, path, stat.size))
        cursor = FileCursor(path)
    out = TailRead(cursor=cursor)
    head = await files.read(path, 0, min(HEAD_BYTES, stat.size)) if stat is not None else b""
    budget = max_bytes
    if stat is None or stat.size < cursor.offset or not cursor.matches(head):
        if cursor.offset or cursor.head_size:
            # The file we were reading is gone or replaced: finish its rotated copy first.
            out.rotated = True
            finished, budget = await _drain_rotated(
                files, path, cursor, rotated_suffixes, budget, max_bytes, out
            )
            if not finished:
                return out
        cursor = out.cursor = FileCursor(path)
        if stat is None:
            out.missing = True
            return out
    assert stat is not None
    piece = await _take_lines(files, path, cursor.offset, stat.size, budget, max_bytes, False)
    out.lines.extend(piece.lines)
    out.bytes_read += piece.read
    out.split_lines += piece.split
    out.more = piece.stopped
    size, digest = cursor.head_size, cursor.head_hash
    if len(head) > size:
        size, digest = len(head), _fingerprint(head)
    out.cursor = FileCursor(path, cursor.offset + piece.consumed, size, digest)
    return out


@dataclass(frozen=True, slots=True)
class _Piece:
    lines: list[str]
    consumed: int
    read: int
    split: int
    stopped: bool


async def _take_lines(
    files: RemoteFiles,
    path: str,
    start: int,
    size: int,
    budget: int,
    max_bytes: int,
    final: bool,
) -> _Piece:
    """The complete lines in ``path`` from ``start``, reading at most ``budget`` bytes.

    ``final`` (a rotated copy) delivers an unterminated last line too: nobody will finish it.
    """
    if size <= start:
        return _Piece([], 0, 0, 0, False)
    if budget <= 0:
        return _Piece([], 0, 0, 0, True)
    length = min(budget, size - start)
    data = await files.read(path, start, length)
    stopped = len(data) == budget and start + len(data) < size
    split = 0
    if final and start + len(data) >= size:
        complete = data
    else:
        cut = data.rfind(b"\n")
        if cut >= 0:
            complete = data[: cut + 1]
        elif len(data) >= max_bytes:
            complete, split = data, 1  # one line longer than the bound: hand it over in pieces
        else:
            complete = b""
    return _Piece(_decode(complete), len(complete), len(data), split, stopped)


async def _drain_rotated(
    files: RemoteFiles,
    path: str,
    cursor: FileCursor,
    suffixes: Sequence[str],
    budget: int,
    max_bytes: int,
    out: TailRead,
) -> tuple[bool, int]:
    """Read the rest of the rotated copy of ``cursor``'s file; ``(finished, budget left)``."""
    found = await _find_rotated(files, path, cursor, suffixes)
    if found is None:
        out.gap = True
        return True, budget
    rotated_path, stat = found
    piece = await _take_lines(
        files, rotated_path, cursor.offset, stat.size, budget, max_bytes, True
    )
    out.lines.extend(piece.lines)
    out.bytes_read += piece.read
    out.split_lines += piece.split
    offset = cursor.offset + piece.consumed
    if offset < stat.size:
        # Bound reached inside the rotated copy: keep following the old file's identity so
        # that the next poll finds the copy again and continues there.
        out.more = True
        out.cursor = FileCursor(path, offset, cursor.head_size, cursor.head_hash)
        return False, 0
    return True, budget - piece.read


async def _find_rotated(
    files: RemoteFiles, path: str, cursor: FileCursor, suffixes: Sequence[str]
) -> tuple[str, FileStat] | None:
    """The rotated copy whose head matches the cursor; the newest if several do."""
    best: tuple[str, FileStat] | None = None
    for suffix in suffixes:
        candidate = path + suffix
        stat = await files.stat(candidate)
        if stat is None or stat.size < cursor.offset:
            continue
        head = await files.read(candidate, 0, cursor.head_size) if cursor.head_size else b""
        if cursor.matches(head) and (best is None or stat.mtime > best[1].mtime):
            best = (candidate, stat)
    return best


async def _cursor_at_end(files: RemoteFiles, path: str, size: int) -> FileCursor:
    """A cursor at the start of the last (possibly unfinished) line of ``path``."""
    start = max(0, size - END_LOOKBACK)
    tail = await files.read(path, start, size - start)
    cut = tail.rfind(b"\n")
    offset = start + cut + 1
    if cut < 0 and start > 0:
        offset = size  # no line start in sight: one huge line, skipped rather than read
    head = await files.read(path, 0, min(HEAD_BYTES, size))
    return FileCursor(path, offset, len(head), _fingerprint(head))


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("cursor offsets must be non-negative integers")
    return value


def _decode(data: bytes) -> list[str]:
    if not data:
        return []
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]
