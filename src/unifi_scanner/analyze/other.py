"""Events of keys no rule claims, one finding per key, so nothing goes unreported.

The number of distinct keys is capped (:data:`MAX_KEYS`): beyond it, events are counted
together under one finding, so a controller that invents a new key per event cannot make
the report unreadable or the analysis run out of memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import times
from unifi_scanner.analyze.v2_params import message
from unifi_scanner.controller.models import Event

MAX_KEYS = 100
#: Key under which events of keys beyond :data:`MAX_KEYS` are counted.
MORE_KEYS = "(more event keys)"


@dataclass(slots=True)
class _Unclaimed:
    count: int
    first_ms: int
    last_ms: int
    message: str | None


class OtherActivity:
    """``other-activity``: events of keys no rule covers yet."""

    rule_id = "other-activity"
    rules = ("other-activity",)
    keys: frozenset[str] = frozenset()

    def __init__(self, inventory: Inventory | None = None) -> None:
        self._inventory = inventory
        self._keys: dict[str, _Unclaimed] = {}

    def feed(self, event: Event) -> None:
        key = event.key
        seen = self._keys.get(key)
        if seen is None and len(self._keys) >= MAX_KEYS:
            key = MORE_KEYS
            seen = self._keys.get(key)
        text = event.text("msg") or message(event.payload, self._inventory)
        if seen is None:
            self._keys[key] = _Unclaimed(1, event.time_ms, event.time_ms, text)
            return
        seen.count += 1
        seen.first_ms = min(seen.first_ms, event.time_ms)
        if event.time_ms >= seen.last_ms:
            seen.last_ms = event.time_ms
            seen.message = text or seen.message

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for key, seen in self._keys.items():
            subject = Subject("event-key", key, key)
            said = (
                f' The controller described the latest one as: "{seen.message}"'
                if seen.message
                else ""
            )
            found.append(
                Finding(
                    id=finding_id(context.site, self.rule_id, subject),
                    rule=self.rule_id,
                    category=Category.SYSTEM,
                    severity=Severity.LOW,
                    title=f"Other activity: {key} ({times(seen.count)})",
                    explanation=(
                        "unifi-scanner has no rule for this kind of event yet, so it is listed "
                        f"as it came.{said}"
                    ),
                    remediation=(),
                    count=seen.count,
                    first_seen_ms=seen.first_ms,
                    last_seen_ms=seen.last_ms,
                    subjects=(subject,),
                )
            )
        return found
