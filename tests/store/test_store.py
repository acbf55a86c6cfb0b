"""The SQLite store and its batching writer, on real files."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unifi_scanner.controller.models import Event
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.store import BatchWriter, GapRecord, SQLiteStore, StoreError
from unifi_scanner.store import sqlite as sqlite_module
from unifi_scanner.store.schema import SCHEMA_VERSION
from unifi_scanner.store.sqlite import SNAPSHOT_INTERVAL_MS, Batch

CONTROLLER = "https://unifi.test"
T0 = 1_764_374_400_000


def event(
    identity: str,
    time_ms: int,
    *,
    key: str = "EVT_WU_Connected",
    source: str = "websocket",
    site: str = "default",
) -> Event:
    return Event(
        identity=identity,
        key=key,
        subsystem="wlan",
        site=site,
        time_ms=time_ms,
        received_ms=time_ms + 5,
        source=source,
        payload={"_id": identity, "key": key, "time": time_ms, "user": "aa:bb:cc:dd:ee:ff"},
    )


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "events.db")
    yield s  # type: ignore[misc]
    s.close()


def test_wal_mode_and_schema_version(store: SQLiteStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental


def test_an_older_store_is_migrated_and_keeps_its_events(tmp_path: Path) -> None:
    from unifi_scanner.store.schema import MIGRATIONS

    path = tmp_path / "v1.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(f"BEGIN; {MIGRATIONS[1]} PRAGMA user_version = 1; COMMIT;")
    db.execute(
        "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?)",
        (CONTROLLER, "e" * 24, "default", "EVT_WU_Connected", "wlan", 5, 6, "websocket", b"{}"),
    )
    db.close()
    store = SQLiteStore(path)
    try:
        assert store.count_events() == 1
        again = store.write_batch(
            Batch(events=[(CONTROLLER, event("e" * 24, 5)), (CONTROLLER, event("f" * 24, 7))])
        )
        assert (again.inserted, again.duplicates) == (1, 1)  # identities stay unique
        store.save_pin(CONTROLLER, "ab" * 32, pinned_ms=1)
        assert store.pin(CONTROLLER) == "ab" * 32
        assert store.pins() == {CONTROLLER: "ab" * 32}
    finally:
        store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_events_are_stored_once_with_every_source(store: SQLiteStore) -> None:
    first = store.write_batch(
        Batch(events=[(CONTROLLER, event("a" * 24, 2000)), (CONTROLLER, event("b" * 24, 1000))])
    )
    again = store.write_batch(
        Batch(
            events=[
                (CONTROLLER, event("a" * 24, 2000)),
                (CONTROLLER, event("a" * 24, 2000, source="stat/event")),
            ]
        )
    )
    assert (first.inserted, first.duplicates) == (2, 0)
    assert (again.inserted, again.duplicates) == (0, 2)
    stored = list(store.iter_events())
    assert [e.identity for e in stored] == ["b" * 24, "a" * 24]  # event-time order
    assert stored[1].source == "websocket,stat/event"
    assert stored[1].payload["user"] == "aa:bb:cc:dd:ee:ff"
    assert stored[1].received_ms == 2005


def test_period_and_site_filters(store: SQLiteStore) -> None:
    store.write_batch(
        Batch(
            events=[
                (CONTROLLER, event(f"{i:024x}", 1000 * i, site="default" if i % 2 else "other"))
                for i in range(1, 11)
            ]
        )
    )
    assert store.count_events() == 10
    assert store.count_events(site="default") == 5
    assert [e.time_ms for e in store.iter_events(site="default", since_ms=3000, until_ms=9000)] == [
        3000,
        5000,
        7000,
    ]
    assert store.time_range(site="other") == (2000, 10000)


def test_inventory_gaps_and_sites(store: SQLiteStore) -> None:
    store.write_batch(
        Batch(
            devices=[
                (
                    CONTROLLER,
                    "default",
                    [{"mac": "AA:00:00:00:00:01", "name": "Kitchen AP", "model": "UAL6"}],
                    1,
                )
            ],
            clients=[
                (
                    CONTROLLER,
                    "default",
                    [{"mac": "aa:00:00:00:00:02", "hostname": "ipad"}, {"no": "mac"}],
                    1,
                )
            ],
            gaps=[(CONTROLLER, Gap("default", 10, 20))],
        )
    )
    store.record_site(CONTROLLER, "default", flavour="unifi-os", version="10.3.58", seen_ms=5)
    assert store.devices(site="default")[0]["name"] == "Kitchen AP"
    assert [c["hostname"] for c in store.clients()] == ["ipad"]
    assert store.gaps() == [GapRecord("default", 10, 20, "pending", 0)]
    store.write_batch(Batch(gap_results=[(CONTROLLER, Gap("default", 10, 20), "filled", 7)]))
    assert store.gaps() == [GapRecord("default", 10, 20, "filled", 7)]
    assert store.gaps(since_ms=21) == []
    assert store.gaps(until_ms=10) == []
    assert store.sites() == [(CONTROLLER, "default", "unifi-os", "10.3.58")]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer unifi-scanner"):
        SQLiteStore(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=f"cannot open the event store {path}"):
        SQLiteStore(path)


async def test_writer_commits_within_the_delay(store: SQLiteStore) -> None:
    async with BatchWriter(store, max_delay=0.1, max_batch=1000) as writer:
        writer.add_events(CONTROLLER, [event("c" * 24, 1)])
        assert store.count_events() == 0
        deadline = time.monotonic() + 5
        while store.count_events() == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert store.count_events() == 1


async def test_writer_commits_full_batches_at_once(store: SQLiteStore) -> None:
    async with BatchWriter(store, max_delay=60, max_batch=10) as writer:
        writer.add_events(CONTROLLER, [event(f"{i:024x}", i + 1) for i in range(10)])
        deadline = time.monotonic() + 5
        while store.count_events() < 10 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert store.count_events() == 10


async def test_flush_and_close_commit_everything(store: SQLiteStore) -> None:
    writer = BatchWriter(store, max_delay=60, max_batch=100_000)
    writer.start()
    writer.add_events(CONTROLLER, [event(f"{i:024x}", i + 1) for i in range(25)])
    await writer.flush()
    assert store.count_events() == 25
    writer.add_events(CONTROLLER, [event(f"{i:024x}", i + 1) for i in range(25, 30)])
    writer.add_gap(CONTROLLER, Gap("default", 1, 2))
    await writer.close()
    assert store.count_events() == 30
    assert len(store.gaps()) == 1
    assert writer.inserted == 30


async def test_writer_keeps_the_batch_when_the_database_is_locked(store: SQLiteStore) -> None:
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    store._db.execute("PRAGMA busy_timeout=50")
    writer = BatchWriter(store, max_delay=0.01, retry_delay=0.05)
    writer.start()
    writer.add_events(CONTROLLER, [event("d" * 24, 1)])
    deadline = time.monotonic() + 5
    while writer.failures == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert writer.failures >= 1
    blocker.execute("ROLLBACK")
    blocker.close()
    await asyncio.wait_for(writer.close(), 5)
    assert [e.identity for e in store.iter_events()] == ["d" * 24]


async def test_a_full_disk_keeps_the_stream_and_the_file_intact(
    store: SQLiteStore, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLITE_FULL (simulated by capping the file's pages) is retried; nothing is lost."""
    from unifi_scanner import log as logging_setup

    logging_setup.configure("info")
    before = [(CONTROLLER, event(f"{i:024x}", T0 + i)) for i in range(100)]
    store.write_batch(Batch(events=before))
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count={pages}")
    writer = BatchWriter(store, max_delay=0.01, retry_delay=0.02)
    writer.start()
    bulky = [
        dataclasses.replace(
            event(f"{i + 1000:024x}", T0 + 1000 + i),
            payload={"_id": f"{i + 1000:024x}", "msg": "x" * 2000},
        )
        for i in range(200)
    ]
    writer.add_events(CONTROLLER, bulky[:100])
    deadline = time.monotonic() + 5
    while writer.failures < 3 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert writer.failures >= 3
    writer.add_events(CONTROLLER, bulky[100:])  # the stream goes on while the disk is full
    logged = capsys.readouterr().err
    assert "database or disk is full" in logged, logged
    assert str(store.path) in logged and "free disk space" in logged
    assert logged.count("cannot write to the event store") == 1  # said once, not per retry
    assert store.count_events() == 100  # what was there is still there
    store._db.execute("PRAGMA max_page_count=1073741823")  # space freed
    await asyncio.wait_for(writer.close(), 5)
    assert store.count_events() == 300
    assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "event store writable again" in capsys.readouterr().err


def test_snapshots_keep_health_fields_at_most_every_interval(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db", snapshot_interval_ms=60_000)
    device = {
        "mac": "AA:00:00:00:00:01",
        "name": "Kitchen AP",
        "model": "UAL6",
        "system-stats": {"cpu": "3.1", "mem": "27.4"},
        "general_temperature": 51,
        "port_table": [{"port_idx": 1, "poe_power": "4.20", "lldp_table": ["noise"]}],
        "config_network": {"type": "dhcp"},  # not a health field
    }
    try:
        for at in (0, 30_000, 60_000, 125_000):
            store.write_batch(Batch(devices=[(CONTROLLER, "default", [device], T0 + at)]))
        snapshots = list(store.iter_snapshots("devices", site="default"))
        assert [s.time_ms - T0 for s in snapshots] == [0, 60_000, 125_000]
        record = snapshots[0].record
        assert record["system-stats"] == {"cpu": "3.1", "mem": "27.4"}
        assert record["port_table"] == [{"port_idx": 1, "poe_power": "4.20"}]
        assert "config_network" not in record
        assert snapshots[0].mac == "aa:00:00:00:00:01"
        # The latest full record is kept for names.
        assert store.devices()[0]["config_network"] == {"type": "dhcp"}
        client = {"mac": "bb:00:00:00:00:02", "hostname": "ipad", "rssi": 40, "signal": -56}
        store.write_batch(Batch(clients=[(CONTROLLER, "default", [client], T0)]))
        (snap,) = store.iter_snapshots("clients", since_ms=T0, until_ms=T0 + 1)
        assert snap.record == client
    finally:
        store.close()


def test_report_cursors(store: SQLiteStore) -> None:
    assert store.cursor(CONTROLLER, "default") is None
    store.save_cursor(CONTROLLER, "default", 1234, updated_ms=5)
    store.save_cursor(CONTROLLER, "default", 5678, updated_ms=6)
    assert store.cursor(CONTROLLER, "default") == 5678
    assert store.cursor(CONTROLLER, "other") is None


def test_close_waits_for_a_prune_running_in_a_worker_thread(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A writer task cancelled at shutdown leaves its worker thread pruning; closing the
    # connection under it crashed the whole process (SIGSEGV in a test run).
    started, done = threading.Event(), []

    def slow_prune(db: sqlite3.Connection, now_ms: int, retention: object) -> object:
        started.set()
        time.sleep(0.3)
        db.execute("SELECT count(*) FROM events").fetchone()  # still open
        done.append(time.monotonic())
        return None

    monkeypatch.setattr(sqlite_module, "prune", slow_prune)
    from unifi_scanner.store.retention import Retention

    worker = threading.Thread(target=store.prune, args=(T0, Retention()))
    worker.start()
    assert started.wait(5)
    store.close()
    closed = time.monotonic()
    worker.join(5)
    assert done and done[0] <= closed


def test_retention_by_age_and_by_size(store: SQLiteStore) -> None:
    from unifi_scanner.store.retention import DAY_MS, Retention, prune, size_bytes

    now = T0 + 100 * DAY_MS
    old = [(CONTROLLER, event(f"{i:024x}", T0 + i)) for i in range(50)]
    recent = [(CONTROLLER, event(f"{i + 50:024x}", now - DAY_MS + i)) for i in range(2000)]
    store.write_batch(Batch(events=old + recent, gaps=[(CONTROLLER, Gap("default", T0, T0 + 1))]))
    result = prune(store.connection, now, Retention(events_days=90))
    assert (result.events, result.gaps) == (50, 1)
    assert store.count_events() == 2000
    budget = size_bytes(store.connection) // 2
    result = prune(store.connection, now, Retention(max_bytes=budget, chunk=100))
    assert result.size_bytes <= budget
    remaining = [e.time_ms for e in store.iter_events()]
    assert 0 < len(remaining) < 2000
    assert remaining[0] > now - DAY_MS + (2000 - len(remaining)) - 1  # the oldest went first


async def test_backlog_is_bounded_while_the_store_is_unavailable(store: SQLiteStore) -> None:
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    store.connection.execute("PRAGMA busy_timeout=20")
    writer = BatchWriter(store, max_delay=0.01, retry_delay=0.02, max_backlog=100)
    writer.start()
    writer.add_events(CONTROLLER, [event("f" * 24, 1)])
    deadline = time.monotonic() + 5
    while writer.failures == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    for i in range(300):  # arrive while the first batch keeps failing
        writer.add_events(CONTROLLER, [event(f"{i:024x}", 10 + i)])
    assert writer.dropped == 200
    blocker.execute("ROLLBACK")
    blocker.close()
    await asyncio.wait_for(writer.close(), 5)
    times = [e.time_ms for e in store.iter_events()]
    assert len(times) == 101  # the batch in flight, then the newest 100
    assert times[1] == 10 + 200


async def test_close_gives_up_when_the_store_never_recovers(
    store: SQLiteStore, capsys: pytest.CaptureFixture[str]
) -> None:
    from unifi_scanner import log as logging_setup

    logging_setup.configure("info")
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    store.connection.execute("PRAGMA busy_timeout=20")
    writer = BatchWriter(store, max_delay=0.01, retry_delay=0.02)
    writer.start()
    writer.add_events(CONTROLLER, [event("a" * 24, 1)])
    await writer.close(timeout=0.5)
    blocker.execute("ROLLBACK")
    blocker.close()
    logged = capsys.readouterr().err
    assert "giving up on events that could not be written" in logged
    assert str(store.path) in logged
    assert "database is locked" in logged


@pytest.mark.parametrize("live_mac", ["d8:4c:90:00:00:21", "D8:4C:90:00:00:21"])
def test_system_log_history_is_matched_to_live_events(store: SQLiteStore, live_mac: str) -> None:
    """Among a busy second's events, the one about the same client; MACs in any case."""
    from unifi_scanner.controller.frames import parse_event
    from unifi_scanner.controller.systemlog import parse_entry

    mac, ap = "d8:4c:90:00:00:21", "78:45:58:00:00:01"
    live = parse_event(
        {"_id": "a" * 24, "key": "EVT_WU_Connected", "time": T0 + 250, "user": live_mac, "ap": ap},
        site="default",
        received_ms=T0,
        source="websocket",
    )
    crowd = [
        parse_event(
            {
                "_id": f"{i:024x}",
                "key": "EVT_WU_Connected",
                "time": T0 + i,
                "user": f"02:00:00:00:{i // 256:02x}:{i % 256:02x}",
                "ap": ap,
            },
            site="default",
            received_ms=T0,
            source="websocket",
        )
        for i in range(1, 400)
    ]
    store.write_batch(Batch(events=[(CONTROLLER, e) for e in crowd]))
    entry = {
        "id": "b" * 24,
        "key": "CLIENT_CONNECTED_WIRELESS_2",
        "category": "CLIENT_DEVICES",
        "timestamp": T0 + 250,
        "message_raw": "{CLIENT} connected to {WLAN}",
        "parameters": {
            "CLIENT": {"id": mac, "name": "iPad"},
            "WLAN": {"id": "Home", "name": "Home"},
        },
    }
    history = parse_entry(entry, site="default", received_ms=T0 + 9)
    assert history.payload["msg"] == "iPad connected to Home"
    other = parse_entry(
        {**entry, "id": "c" * 24, "parameters": {"CLIENT": {"id": "00:00:00:00:00:99"}}},
        site="default",
        received_ms=T0 + 9,
    )
    crowded = {e.identity for e in crowd}
    store.write_batch(Batch(events=[(CONTROLLER, live)]))
    first = store.write_batch(Batch(events=[(CONTROLLER, history), (CONTROLLER, other)]))
    again = store.write_batch(Batch(events=[(CONTROLLER, history)]))
    assert (first.inserted, first.duplicates) == (1, 1)
    assert (again.inserted, again.duplicates) == (0, 1)
    stored = {e.identity: e.source for e in store.iter_events() if e.identity not in crowded}
    assert stored == {"a" * 24: "websocket,system-log", "c" * 24: "system-log"}


def test_device_update_frames_merge_into_the_stored_device(store: SQLiteStore) -> None:
    """``device:update`` carries changed fields only; the rest of the record must survive."""
    from unifi_scanner.collect.router import FrameRouter

    device = {
        "mac": "aa:00:00:00:00:01",
        "name": "Kitchen AP",
        "model": "UAL6",
        "general_temperature": 51,
        "system-stats": {"cpu": "3.1", "mem": "27.4"},
    }
    store.write_batch(Batch(devices=[(CONTROLLER, "default", [device], T0)]))
    writer = BatchWriter(store)
    router = FrameRouter(writer, controller=CONTROLLER, site="default")
    router.handle_frame(
        '{"meta":{"rc":"ok","message":"device:update","mac":"aa:00:00:00:00:01"},'
        '"data":[{"general_temperature":66,"system-stats":{"cpu":"71.0","mem":"30.1"}}]}',
        T0 + SNAPSHOT_INTERVAL_MS,
    )
    router.handle_frame(  # no MAC anywhere: nothing to merge into, nothing stored
        '{"meta":{"rc":"ok","message":"device:update"},"data":[{"uptime":5}]}',
        T0 + SNAPSHOT_INTERVAL_MS + 1,
    )
    store.write_batch(writer._pending)
    (stored,) = store.devices()
    assert stored["name"] == "Kitchen AP" and stored["model"] == "UAL6"
    assert stored["general_temperature"] == 66
    assert stored["system-stats"] == {"cpu": "71.0", "mem": "30.1"}
    assert "uptime" not in stored
    temperatures = [
        (s.time_ms - T0, s.record.get("general_temperature"))
        for s in store.iter_snapshots("devices", site="default")
    ]
    assert temperatures == [(0, 51), (SNAPSHOT_INTERVAL_MS, 66)]


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.dictionaries(st.text(), _json, max_size=6))
def test_payloads_come_back_exactly_as_received(
    tmp_path_factory: pytest.TempPathFactory, payload: dict[str, object]
) -> None:
    """Whatever JSON a controller sends is stored and read back unchanged (unicode, floats…)."""
    store = SQLiteStore(tmp_path_factory.mktemp("p") / "events.db")
    try:
        store.write_batch(
            Batch(events=[(CONTROLLER, dataclasses.replace(event("e" * 24, T0), payload=payload))])
        )
        (stored,) = store.iter_events()
        assert stored.payload == payload
        assert (stored.identity, stored.time_ms, stored.key) == ("e" * 24, T0, "EVT_WU_Connected")
    finally:
        store.close()


async def test_a_producer_faster_than_the_disk_is_held_back_not_dropped(
    store: SQLiteStore,
) -> None:
    """Backpressure: room() holds a bulk producer instead of letting the backlog drop."""
    writer = BatchWriter(store, max_delay=0.01, max_batch=100, max_backlog=1000)
    async with writer:
        for i in range(5000):
            writer.add_events(CONTROLLER, [event(f"{i:024x}", T0 + i)])
            await writer.room()
            assert len(writer._pending.events) <= writer.high_water
    assert writer.dropped == 0
    assert store.count_events() == 5000


async def test_room_does_not_hold_the_stream_while_the_store_fails(store: SQLiteStore) -> None:
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    store.connection.execute("PRAGMA busy_timeout=20")
    writer = BatchWriter(store, max_delay=0.01, retry_delay=0.02, max_batch=10, max_backlog=500)
    writer.start()
    for i in range(2000):  # far past high water and backlog: never blocks
        writer.add_events(CONTROLLER, [event(f"{i:024x}", T0 + i)])
        async with asyncio.timeout(2):
            await writer.room()
    assert writer.dropped > 0  # bounded memory while the store is unavailable
    blocker.execute("ROLLBACK")
    blocker.close()
    await asyncio.wait_for(writer.close(), 5)


@pytest.mark.parametrize("variables", [32766, 999])
def test_batches_of_any_size_are_stored_whole_and_once(tmp_path: Path, variables: int) -> None:
    """Rows go in as multi-row INSERTs of power-of-two sizes: every size must add up, also
    where SQLite allows only 999 parameters per statement (builds before 3.32)."""
    store = SQLiteStore(tmp_path / "events.db")
    try:
        store.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, variables)
        store._row_chunks = sqlite_module._row_chunks(store.connection)
        assert max(store._row_chunks) * 9 <= variables
        written = 0
        for size in (1, 2, 255, 256, 257, 1000, 1023):
            batch = [event(f"{written + i:024x}", T0 + written + i) for i in range(size)]
            again = batch[: size // 2]  # seen before: stored once, the source added
            replayed = [dataclasses.replace(e, source="stat/event") for e in again]
            result = store.write_batch(Batch(events=[(CONTROLLER, e) for e in batch + replayed]))
            assert (result.inserted, result.duplicates) == (size, len(replayed))
            written += size
        assert store.count_events() == written
        assert sorted(store.identities()) == [f"{i:024x}" for i in range(written)]
        assert store.count_by_source()["stat/event"] == sum(
            size // 2 for size in (1, 2, 255, 256, 257, 1000, 1023)
        )
    finally:
        store.close()


def test_a_wal_restart_never_waits_for_a_reader(store: SQLiteStore) -> None:
    """A long report query holds a snapshot: RESTART must give up at once, not hold the
    writer back until the reader is done, and succeed once the reader has gone."""
    for i in range(20):
        store.write_batch(Batch(events=[(CONTROLLER, event(f"{i:024x}", T0 + i))]))
    reader = sqlite3.connect(store.path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
    store.write_batch(Batch(events=[(CONTROLLER, event("f" * 24, T0 + 99))]))
    outcome: list[tuple[int, int]] = []
    checkpointer = threading.Thread(target=lambda: outcome.append(store.checkpoint(restart=True)))
    checkpointer.start()
    checkpointer.join(timeout=2.5)  # waiting would mean the busy timeout: 5 s
    assert not checkpointer.is_alive(), "RESTART waited for the reader"
    wal_pages, copied = outcome[0]
    assert copied < wal_pages  # the reader's snapshot keeps the newest frames in the WAL
    store.write_batch(Batch(events=[(CONTROLLER, event("e" * 24, T0 + 98))]))  # not blocked
    reader.execute("COMMIT")
    reader.close()
    wal_pages, copied = store.checkpoint(restart=True)
    assert copied == wal_pages
    store.write_batch(Batch(events=[(CONTROLLER, event("d" * 24, T0 + 97))]))
    assert store.checkpoint()[0] < wal_pages  # the WAL started over
    assert store.count_events() == 23
