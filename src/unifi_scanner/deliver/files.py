"""Writing report files atomically: a reader never sees half a report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
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
