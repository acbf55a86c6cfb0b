"""What the event sockets carry besides events: snapshots (`sta:sync` or `client:sync`, and
`device:sync`) and `device:update` frames with only the fields that changed.

A new socket is greeted with a snapshot of its site; full syncs follow every `sync_interval`
scenario seconds. Between them, each `device:update` round compares every device record with
the site's baseline (the records of the last sync or update round) and sends, per device that
changed, `{"meta":{"rc":"ok","message":"device:update","mac":…},"data":[{changed fields}]}`.
A socket that joined since the baseline may receive fields it already has: a superset, which
is what a client applying partial updates must cope with anyway.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.client_records import client_records, client_v2_records
from unifi_scanner.emulator.device_records import device_records
from unifi_scanner.emulator.frames import FrameShaper
from unifi_scanner.emulator.playback import Playback
from unifi_scanner.emulator.site_view import SiteView


class SyncRound:
    """The frames of one full sync of a site, built lazily per client-record style."""

    def __init__(self, feeds: SiteFeeds, view: SiteView, devices: list[dict[str, Any]]) -> None:
        self._feeds = feeds
        self._view = view
        self._device_frame = feeds.shape("device:sync", devices)
        self._frames: dict[bool, list[str]] = {}

    def __getitem__(self, clients_v2: bool) -> list[str]:
        """The frames for a socket that asked (`True`) or not for `?clients=v2`."""
        if clients_v2 not in self._frames:
            self._frames[clients_v2] = [
                self._feeds.client_frame(self._view, clients_v2),
                self._device_frame,
            ]
        return self._frames[clients_v2]


class SiteFeeds:
    """Builds snapshot, sync and update frames for the sites of one playback."""

    def __init__(self, playback: Playback, shaper: FrameShaper) -> None:
        self._playback = playback
        self.shape = shaper
        self._baselines: dict[str, dict[str, dict[str, Any]]] = {}  # site → mac → record

    def _view(self, site: str) -> SiteView:
        timeline = self._playback.timeline
        return SiteView.of(timeline.inventory, timeline.history, site, self._playback.snapshot())

    def _devices(self, view: SiteView) -> list[dict[str, Any]]:
        timeline = self._playback.timeline
        return device_records(
            timeline.inventory, timeline.history, view.site.name, view.at, view=view
        )

    def client_frame(self, view: SiteView, clients_v2: bool) -> str:
        """`client:sync` (v2 records) or `sta:sync` (stat/sta records) of the view."""
        if clients_v2:
            return self.shape("client:sync", client_v2_records(view))
        timeline = self._playback.timeline
        records = client_records(
            timeline.inventory, timeline.history, view.site.name, view.at, view=view
        )
        return self.shape("sta:sync", records)

    def greeting(self, site: str, *, clients_v2: bool) -> list[str]:
        """The snapshot a new socket on `site` receives first."""
        view = self._view(site)
        devices = self._devices(view)
        self._baselines.setdefault(site, {d["mac"]: d for d in devices})
        return [self.client_frame(view, clients_v2), self.shape("device:sync", devices)]

    def sync(self, site: str) -> SyncRound:
        """A full sync of `site`; it becomes the baseline for later updates."""
        view = self._view(site)
        devices = self._devices(view)
        self._baselines[site] = {d["mac"]: d for d in devices}
        return SyncRound(self, view, devices)

    def device_updates(self, site: str) -> list[str]:
        """`device:update` frames for the devices of `site` that changed since the baseline."""
        view = self._view(site)
        baseline = self._baselines.setdefault(site, {})
        frames = []
        for record in self._devices(view):
            mac = record["mac"]
            before = baseline.get(mac, {})
            changed = {key: value for key, value in record.items() if before.get(key) != value}
            baseline[mac] = record
            if changed:
                frames.append(self.shape("device:update", [changed], mac=mac))
        return frames
