"""The durable store: where every received event is kept, deduplicated by identity."""

from unifi_scanner.store.reads import GapRecord, Snapshot, StoreReader, StoreReads
from unifi_scanner.store.sqlite import SQLiteStore, StoreError
from unifi_scanner.store.writer import BatchWriter

__all__ = [
    "BatchWriter",
    "GapRecord",
    "SQLiteStore",
    "Snapshot",
    "StoreError",
    "StoreReader",
    "StoreReads",
]
