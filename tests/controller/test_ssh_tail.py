"""Incremental reads over SFTP from a real asyncssh server: offsets, partial lines, rotation,
the read bound, and cursors that survive a restart."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.controller.test_ssh_support import SshTestServer, clock, running_server
from unifi_scanner.controller.logtail import FileCursor
from unifi_scanner.controller.ssh import SshLogSource, SshPoll

LOG = "/var/log/test.log"


def client(n: int) -> str:
    return f"5a:1c:3e:10:20:{n % 256:02x}"


def line(n: int) -> str:
    """A connect line; stamp and client make every ``n`` a distinct event of equal length."""
    minute, second = divmod(n, 60)
    return (
        f"Jul  5 10:{minute:02d}:{second:02d} UDR hostapd[5343]: wifi1ap5: "
        f"AP-STA-CONNECTED {client(n)}\n"
    )


def users(result: SshPoll) -> list[str]:
    return [str(event.payload["user"]) for event in result.events]


class Tail:
    """One source following :data:`LOG` of a test server, remembering its cursors."""

    def __init__(self, server: SshTestServer, **overrides: Any) -> None:
        settings = server.settings(paths=(LOG,), **overrides)
        self.source = SshLogSource(settings, site="default", clock=clock)
        self.cursors: dict[str, FileCursor] = {}
        self.file = server.file(LOG)

    async def poll(self) -> SshPoll:
        result = await self.source.poll(self.cursors)
        self.cursors = result.cursors
        return result

    def write(self, text: str, mode: str = "a") -> None:
        with self.file.open(mode) as handle:
            handle.write(text)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[SshTestServer]:
    async with running_server(tmp_path) as running:
        yield running


@pytest.fixture
async def tail(server: SshTestServer) -> AsyncIterator[Tail]:
    following = Tail(server)
    following.write("", "w")
    yield following
    await following.source.close()


async def test_only_lines_appended_since_the_last_poll_are_read(tail: Tail) -> None:
    tail.write(line(1) + line(2))
    assert users(await tail.poll()) == [client(1), client(2)]

    tail.write(line(3))
    assert users(await tail.poll()) == [client(3)]
    assert users(await tail.poll()) == []


async def test_an_unfinished_last_line_waits_for_its_end(tail: Tail) -> None:
    whole = line(1)
    tail.write(line(0) + whole[:30])
    first = await tail.poll()
    assert users(first) == [client(0)]
    assert first.cursors[LOG].offset == len(line(0))

    tail.write(whole[30:])
    assert users(await tail.poll()) == [client(1)]


async def test_rename_rotation_reads_the_rest_of_the_old_file_then_the_new_one(
    tail: Tail,
) -> None:
    tail.write(line(1))
    await tail.poll()
    tail.write(line(2))  # written after the poll, before the rotation
    tail.file.rename(tail.file.with_name("test.log.1"))
    tail.write(line(3), "w")

    result = await tail.poll()
    assert users(result) == [client(2), client(3)]
    (report,) = result.files
    assert report.rotated and not report.gap
    tail.write(line(4))
    assert users(await tail.poll()) == [client(4)]


async def test_copytruncate_rotation_reads_the_copy_then_the_truncated_file(tail: Tail) -> None:
    tail.write(line(1) + line(2))
    await tail.poll()
    tail.write(line(3))
    shutil.copyfile(tail.file, tail.file.with_name("test.log.1"))
    tail.write(line(4), "w")  # truncated in place, then written again

    result = await tail.poll()
    assert users(result) == [client(3), client(4)]
    assert result.files[0].rotated


async def test_busybox_rotation_finds_the_right_copy_among_several(tail: Tail) -> None:
    older = tail.file.with_name("test.log.1")
    older.write_text(line(40) + line(41))  # an older generation that must not be read
    tail.write(line(1))
    await tail.poll()
    tail.write(line(2))
    tail.file.rename(tail.file.with_name("test.log.0"))  # busybox syslogd names it .0
    tail.write(line(3), "w")

    assert users(await tail.poll()) == [client(2), client(3)]


async def test_rotation_without_a_copy_is_reported_as_a_gap(tail: Tail) -> None:
    tail.write(line(1))
    await tail.poll()
    tail.write(line(2))
    tail.file.unlink()
    tail.write(line(3), "w")

    result = await tail.poll()
    assert users(result) == [client(3)]
    assert result.files[0].gap


async def test_a_missing_file_is_reported_and_read_once_it_appears(tail: Tail) -> None:
    tail.file.unlink()
    result = await tail.poll()
    assert result.files[0].missing and not result.events

    tail.write(line(1), "w")
    assert users(await tail.poll()) == [client(1)]


async def test_reads_are_bounded_and_catch_up_without_loss_or_repeats(
    server: SshTestServer,
) -> None:
    bounded = Tail(server, max_read_bytes=1024)
    bounded.write("".join(line(n) for n in range(60)), "w")
    seen: list[str] = []
    polls = 0
    async with bounded.source:
        while True:
            result = await bounded.poll()
            polls += 1
            assert result.files[0].bytes_read <= 1024
            seen += users(result)
            if not result.files[0].more:
                break
    assert seen == [client(n) for n in range(60)]
    assert polls >= bounded.file.stat().st_size // 1024


async def test_a_rotated_file_larger_than_the_bound_is_drained_over_several_polls(
    server: SshTestServer,
) -> None:
    bounded = Tail(server, max_read_bytes=1024)
    bounded.write(line(0), "w")
    seen: list[str] = []
    async with bounded.source:
        seen += users(await bounded.poll())
        bounded.write("".join(line(n) for n in range(1, 40)))
        bounded.file.rename(bounded.file.with_name("test.log.1"))
        bounded.write(line(40), "w")
        while True:
            result = await bounded.poll()
            seen += users(result)
            assert not result.files[0].gap
            if not result.files[0].more:
                break
    assert seen == [client(n) for n in range(41)]


async def test_a_line_longer_than_the_bound_does_not_block_the_file(server: SshTestServer) -> None:
    bounded = Tail(server, max_read_bytes=1024)
    bounded.write("x" * 3000 + "\n" + line(1), "w")
    async with bounded.source:
        results = [await bounded.poll() for _ in range(5)]
    assert sum(r.files[0].split_lines for r in results) >= 2
    assert [u for r in results for u in users(r)] == [client(1)]


async def test_start_at_end_skips_history(server: SshTestServer) -> None:
    fresh = Tail(server, start_at_end=True)
    fresh.write(line(1) + line(2) + line(3)[:25], "w")
    async with fresh.source:
        assert users(await fresh.poll()) == []
        fresh.write(line(3)[25:] + line(4))
        assert users(await fresh.poll()) == [client(3), client(4)]


async def test_cursors_survive_json_and_a_new_process(server: SshTestServer) -> None:
    first = Tail(server)
    first.write(line(1) + line(2), "w")
    async with first.source:
        await first.poll()
    stored = json.dumps({path: cursor.to_dict() for path, cursor in first.cursors.items()})

    first.write(line(3))
    second = Tail(server)
    second.cursors = {p: FileCursor.from_dict(c) for p, c in json.loads(stored).items()}
    async with second.source:
        assert users(await second.poll()) == [client(3)]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"path": "", "offset": 0, "head_size": 0, "head_hash": "0" * 32},
        {"path": "/a", "offset": -1, "head_size": 0, "head_hash": "0" * 32},
        {"path": "/a", "offset": True, "head_size": 0, "head_hash": "0" * 32},
        {"path": "/a", "offset": 0, "head_size": 0, "head_hash": "short"},
    ],
)
def test_malformed_cursors_are_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="cursor"):
        FileCursor.from_dict(data)


@pytest.mark.skipif(os.name != "posix", reason="POSIX rename semantics")
async def test_a_file_replaced_by_an_equally_long_one_is_recognised(tail: Tail) -> None:
    tail.write(line(1))
    await tail.poll()
    replacement = line(2)  # same length, different first bytes, no rotated copy
    tail.file.unlink()
    tail.write(replacement, "w")
    result = await tail.poll()
    assert users(result) == [client(2)]
    assert result.files[0].rotated and result.files[0].gap
