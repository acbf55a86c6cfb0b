"""`ServerContext`: everything the routes share, owned by the `Emulator`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.emulator.auth import Account, SessionManager
from unifi_scanner.emulator.config import EmulatorConfig
from unifi_scanner.emulator.inventory import Inventory
from unifi_scanner.emulator.playback import Playback
from unifi_scanner.emulator.ratelimit import LoginLimiter
from unifi_scanner.emulator.rest_faults import RestFaults
from unifi_scanner.emulator.site_view import SiteView
from unifi_scanner.emulator.variants import Variants
from unifi_scanner.emulator.versions import NetworkFeatures
from unifi_scanner.emulator.websocket import EventHub

UNIFI_OS_PREFIX = "/proxy/network"
"""Where a UniFi OS console mounts the Network application; a classic controller has none."""


@dataclass
class ServerContext:
    """Shared state of one emulator instance."""

    config: EmulatorConfig
    account: Account
    sessions: SessionManager
    limiter: LoginLimiter
    playback: Playback
    hub: EventHub
    features: NetworkFeatures
    rest_faults: RestFaults
    console_id: str
    created_s: int = 0  # account creation time shown in the user object
    logins_succeeded: int = 0
    logins_failed: int = 0
    admin_events: list[dict[str, Any]] = field(default_factory=list)
    """`EVT_AD_Login` documents (they feed the `super` socket and the system log's AUDIT)."""
    served: list[dict[str, Any]] = field(default_factory=list)
    """Events handed out over REST (`record_served`), first time per id and source."""
    _served_keys: set[tuple[str, str]] = field(default_factory=set)

    def record_served(self, source: str, id_: str, document: dict[str, Any]) -> None:
        """Note that event `document` went out over REST `source` under id `id_`."""
        if (id_, source) in self._served_keys:
            return
        self._served_keys.add((id_, source))
        site = next((s.name for s in self.inventory.sites if s.id == document.get("site_id")), "")
        self.served.append(
            {
                "id": id_,
                "_id": document["_id"],
                "key": document["key"],
                "site": site or "super",
                "time": document["time"],
                "source": source,
                "served_at": int(time.time() * 1000),
            }
        )

    @property
    def classic(self) -> bool:
        """Whether this is a classic self-hosted controller rather than a UniFi OS console."""
        return self.config.flavour == "classic"

    @property
    def prefix(self) -> str:
        """Path prefix of the Network application."""
        return "" if self.classic else UNIFI_OS_PREFIX

    @property
    def variants(self) -> Variants:
        """Choices for unconfirmed behaviours."""
        return self.config.variants

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies carry `secure` (not in plain-HTTP mode)."""
        return not self.config.plain_http

    @property
    def inventory(self) -> Inventory:
        """The scenario's inventory."""
        return self.playback.timeline.inventory

    def view(self, site: str) -> SiteView:
        """The current state of `site` (a known short name)."""
        timeline = self.playback.timeline
        return SiteView.of(timeline.inventory, timeline.history, site, self.playback.snapshot())
