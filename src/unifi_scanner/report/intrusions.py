"""Intrusion alerts grouped two ways: by signature and by source address.

The ``ips-*`` findings put each hit in exactly one finding (a busy source gets its own, the
rest are listed under their signature), which is right for deciding what to do but hides the
totals. The security section wants both views in full: every signature with its hits and how
many sources sent it, every source with its hits and how many signatures it triggered.

Fed with ``EVT_IPS_IpsAlert`` events (v2 threat entries arrive already translated). Memory is
bounded: :data:`MAX_SIGNATURES` signatures and :data:`MAX_SOURCES` source addresses are kept one
by one, the rest counted together; the distinct counts stop at :data:`MAX_DISTINCT`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unifi_scanner.analyze.ips import BLOCKING_ACTIONS
from unifi_scanner.controller.models import Event

MAX_SIGNATURES = 5_000
MAX_SOURCES = 20_000
MAX_DISTINCT = 1_000


@dataclass(slots=True)
class Hits:
    """Alerts of one signature or from one source."""

    label: str
    hits: int = 0
    blocked: int = 0
    first_ms: int = 0
    last_ms: int = 0
    others: set[str] = field(default_factory=set)
    """Sources of a signature, or signatures of a source (up to :data:`MAX_DISTINCT`)."""

    def add(self, time_ms: int, blocked: bool, other: str) -> None:
        if not self.hits:
            self.first_ms = time_ms
        self.hits += 1
        self.blocked += blocked
        self.first_ms, self.last_ms = min(self.first_ms, time_ms), max(self.last_ms, time_ms)
        if len(self.others) < MAX_DISTINCT:
            self.others.add(other)


class IntrusionTally:
    """Hits per signature id and per source address."""

    def __init__(self) -> None:
        self.signatures: dict[str, Hits] = {}
        self.sources: dict[str, Hits] = {}
        self.unlisted_signature_hits = 0
        self.unlisted_source_hits = 0

    def feed(self, event: Event) -> None:
        text = event.text
        name = text("inner_alert_signature") or text("msg") or "unknown signature"
        sid = text("inner_alert_signature_id") or name
        source = text("src_ip") or "unknown"
        blocked = (text("inner_alert_action") or "").lower() in BLOCKING_ACTIONS
        t = event.time_ms
        signature = self.signatures.get(sid)
        if signature is None and len(self.signatures) < MAX_SIGNATURES:
            signature = self.signatures[sid] = Hits(name)
        if signature is None:
            self.unlisted_signature_hits += 1
        else:
            signature.add(t, blocked, source)
        origin = self.sources.get(source)
        if origin is None and len(self.sources) < MAX_SOURCES:
            origin = self.sources[source] = Hits(source)
        if origin is None:
            self.unlisted_source_hits += 1
        else:
            origin.add(t, blocked, sid)
