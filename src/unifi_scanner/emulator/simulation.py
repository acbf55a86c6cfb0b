"""A discrete-event simulation that turns scenario intentions into a consistent timeline.

Scenario code schedules actions ("Bob's phone roams at 19:20", "the garage AP dies at 14:05");
`run()` executes them in time order against the current network state. The primitives
(`connect`, `roam` here; `device_down`, `finish_upgrade`, … in `device_primitives`) check
that state before acting and return False when an action no longer makes sense (a client
that already left cannot disconnect again, nobody can roam to an AP that is down).
Background behaviour and incidents can therefore be declared independently and still produce
a timeline in which every event agrees with the state before it, and `StateHistory` agrees
with every event.

Determinism: all randomness comes from the one `random.Random` passed in, consumed in a fixed
order (scheduling order, then execution order). Ties in time run in scheduling order.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable

from unifi_scanner.emulator import events
from unifi_scanner.emulator.device_primitives import DevicePrimitives
from unifi_scanner.emulator.events import EventDraft
from unifi_scanner.emulator.inventory import Client, Inventory
from unifi_scanner.emulator.timeline import (
    DeviceStatus,
    Placement,
    StateHistory,
    Timeline,
    TimelineEvent,
    Track,
)

Action = Callable[[], object]

_HOME_SIGNAL = -52  # dBm at the client's usual AP
_AWAY_SIGNAL = -63  # dBm at the next AP in range, a few dB less for each one after
_LOW_BAND_GAIN = 4  # 2.4 GHz carries further than 5 GHz


class Simulation(DevicePrimitives):
    """Schedules actions, applies them to the network state and records events.

    Client primitives are defined here, device primitives in `DevicePrimitives`.
    """

    def __init__(
        self,
        scenario: str,
        seed: int,
        inventory: Inventory,
        rng: random.Random,
        duration_ms: int,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.inventory = inventory
        self.rng = rng
        self.duration_ms = duration_ms
        self.now = 0
        self._queue: list[tuple[int, int, Action]] = []
        self._order = itertools.count()
        self._events: list[TimelineEvent] = []
        self._held_until: dict[str, int] = {}
        self._placements: dict[str, Placement] = {}
        self._running = False
        self.history = StateHistory()
        for device in inventory.devices:
            self.history.devices[device.handle] = Track(DeviceStatus(True, device.boot_ms))
            for radio in device.radios:
                self.history.channels[(device.handle, radio.radio)] = Track(radio.channel)
        for client in inventory.clients:
            self.history.clients[client.handle] = Track(None)

    # -- scheduling -------------------------------------------------------------------------

    def at(self, offset_ms: int, action: Action) -> None:
        """Run `action` at `offset_ms`; actions at or past the end of the scenario are dropped."""
        if offset_ms < self.now:
            raise ValueError(f"cannot schedule in the past ({offset_ms} < {self.now})")
        if offset_ms < self.duration_ms:
            heapq.heappush(self._queue, (offset_ms, next(self._order), action))

    def run(self) -> Timeline:
        """Execute every scheduled action in time order and return the resulting timeline."""
        self._running = True
        while self._queue:
            self.now, _, action = heapq.heappop(self._queue)
            action()
        return Timeline(
            scenario=self.scenario,
            seed=self.seed,
            duration_ms=self.duration_ms,
            inventory=self.inventory,
            events=tuple(self._events),
            history=self.history,
        )

    # -- state queries ----------------------------------------------------------------------

    def placement(self, client: str) -> Placement | None:
        """Where `client` is now, or None when disconnected."""
        return self._placements.get(client)

    def clients_on(self, ap: str) -> list[Client]:
        """Wireless clients currently associated with `ap`."""
        return [
            self.inventory.client(handle)
            for handle, placement in self._placements.items()
            if placement.ap == ap
        ]

    def hold(self, client: str, until_ms: int) -> None:
        """Reserve `client` for an incident until `until_ms`; background actions skip it meanwhile.

        Call it from an action, at the moment the reservation should begin.
        """
        self._held_until[client] = max(until_ms, self._held_until.get(client, until_ms))

    def _blocked(self, client: str, override_hold: bool) -> bool:
        return not override_hold and self._held_until.get(client, -1) > self.now

    # -- initial state ----------------------------------------------------------------------

    def place(self, client: str, since_ms: int, *, ap: str | None = None) -> None:
        """Declare `client` connected since `since_ms` (≤ 0) when the scenario starts.

        No event is emitted: the connection predates the timeline.
        """
        if self._running or since_ms > 0:
            raise ValueError("place() sets the initial state: call it before run(), since ≤ 0")
        placement = self._new_placement(self.inventory.client(client), since_ms, ap=ap)
        if placement is None:
            raise ValueError(f"{client!r} has no AP to start on")
        self._set(client, placement, at_ms=since_ms)

    # -- primitives -------------------------------------------------------------------------

    def connect(
        self,
        client: str,
        *,
        ap: str | None = None,
        radio: str | None = None,
        override_hold: bool = False,
    ) -> bool:
        """Connect `client` (to `ap` if given and up, else to an AP in range that is up)."""
        if client in self._placements or self._blocked(client, override_hold):
            return False
        info = self.inventory.client(client)
        placement = self._new_placement(info, self.now, ap=ap, radio=radio)
        if placement is None:
            return False
        self._set(client, placement)
        if info.link is not None:
            self.emit(info.site, events.wired_connected(info))
        else:
            assert placement.ap is not None
            assert placement.radio is not None
            ap_device = self.inventory.device(placement.ap)
            channel = self.channel(placement.ap, placement.radio)
            draft = events.wireless_connected(
                info, ap_device, info.ssid or "", placement.radio, channel
            )
            self.emit(info.site, draft)
        return True

    def disconnect(self, client: str, *, override_hold: bool = False) -> bool:
        """Disconnect `client`, reporting how long it stayed and how much it transferred."""
        placement = self._placements.get(client)
        if placement is None or self._blocked(client, override_hold):
            return False
        info = self.inventory.client(client)
        duration_s = max(1, (self.now - placement.since_ms) // 1000)
        # Even an idle session moves a little data (association, DHCP): at least 1 KiB.
        byte_count = int(duration_s * info.throughput_bps * self.rng.uniform(0.3, 1.7)) + 1_024
        self._set(client, None)
        if info.link is not None:
            self.emit(info.site, events.wired_disconnected(info, duration_s, byte_count))
        else:
            assert placement.ap is not None
            ap_device = self.inventory.device(placement.ap)
            draft = events.wireless_disconnected(
                info, ap_device, placement.ssid or "", duration_s, byte_count
            )
            self.emit(info.site, draft)
        return True

    def roam(self, client: str, *, to: str | None = None, override_hold: bool = False) -> bool:
        """Move a wireless `client` to another AP in range (`to` if given) that is up."""
        placement = self._placements.get(client)
        if placement is None or placement.ap is None or self._blocked(client, override_hold):
            return False
        if not self.is_up(placement.ap):
            return False  # a client of a dead AP reconnects elsewhere; it does not roam
        info = self.inventory.client(client)
        candidates = [ap for ap in info.aps if ap != placement.ap and self.is_up(ap)]
        if to is not None:
            candidates = [to] if to in candidates else []
        if not candidates:
            return False
        target = self.rng.choice(candidates)
        radio = self._pick_radio(info, target, prefer=placement.radio)
        if radio is None:
            return False
        assert placement.radio is not None
        source = (
            self.inventory.device(placement.ap),
            placement.radio,
            self.channel(placement.ap, placement.radio),
        )
        destination = (self.inventory.device(target), radio, self.channel(target, radio))
        moved = Placement(
            since_ms=placement.since_ms,
            ap=target,
            radio=radio,
            ssid=placement.ssid,
            signal=self._draw_signal(info, target, radio),
            roam_count=placement.roam_count + 1,
        )
        self._set(client, moved)
        draft = events.wireless_roamed(info, placement.ssid or "", source, destination)
        self.emit(info.site, draft)
        return True

    def roam_radio(self, client: str, *, override_hold: bool = False) -> bool:
        """Move a wireless `client` to another band of the same AP (band steering)."""
        placement = self._placements.get(client)
        if placement is None or placement.ap is None or self._blocked(client, override_hold):
            return False
        if not self.is_up(placement.ap):
            return False
        info = self.inventory.client(client)
        others = [
            band for band in self._usable_bands(info, placement.ap) if band != placement.radio
        ]
        if not others or placement.radio is None:
            return False
        radio = others[0]
        ap_device = self.inventory.device(placement.ap)
        source = (placement.radio, self.channel(placement.ap, placement.radio))
        target = (radio, self.channel(placement.ap, radio))
        moved = Placement(
            since_ms=placement.since_ms,
            ap=placement.ap,
            radio=radio,
            ssid=placement.ssid,
            signal=self._draw_signal(info, placement.ap, radio),
            roam_count=placement.roam_count,
        )
        self._set(client, moved)
        draft = events.wireless_roamed_radio(info, ap_device, placement.ssid or "", source, target)
        self.emit(info.site, draft)
        return True

    def emit(self, site: str, draft: EventDraft) -> None:
        """Record an event at the current time."""
        self._events.append(
            TimelineEvent(
                offset_ms=self.now,
                site=site,
                key=draft.key,
                subsystem=draft.subsystem,
                fields=draft.fields,
                msg=draft.msg,
                is_negative=draft.is_negative,
                seconds_fields=draft.seconds_fields,
            )
        )

    # -- helpers ----------------------------------------------------------------------------

    def _set(self, client: str, placement: Placement | None, *, at_ms: int | None = None) -> None:
        if placement is None:
            self._placements.pop(client, None)
        else:
            self._placements[client] = placement
        self.history.clients[client].set(self.now if at_ms is None else at_ms, placement)

    def _usable_bands(self, client: Client, ap: str) -> list[str]:
        """Bands the client supports, its WLAN offers and the AP has, client preference first."""
        assert client.ssid is not None
        offered = self.inventory.wlan(client.site, client.ssid).bands
        device = self.inventory.device(ap)
        return [b for b in client.bands if b in offered and device.radio(b) is not None]

    def _pick_radio(self, client: Client, ap: str, prefer: str | None = None) -> str | None:
        bands = self._usable_bands(client, ap)
        if not bands:
            return None
        if prefer in bands:
            return prefer
        # Dual-band clients mostly land on their preferred band, sometimes on the other one.
        if len(bands) > 1 and self.rng.random() < 0.15:
            return bands[1]
        return bands[0]

    def _draw_signal(self, client: Client, ap: str, radio: str) -> int:
        rank = client.aps.index(ap) if ap in client.aps else len(client.aps)
        base = _HOME_SIGNAL if rank == 0 else _AWAY_SIGNAL - 4 * (rank - 1)
        if radio == "ng":
            base += _LOW_BAND_GAIN
        return max(-88, min(-35, base + self.rng.randint(-5, 5)))

    def _new_placement(
        self, client: Client, since_ms: int, *, ap: str | None = None, radio: str | None = None
    ) -> Placement | None:
        if client.link is not None:
            return Placement(since_ms=since_ms, switch=client.link.device, port=client.link.port)
        up = [candidate for candidate in client.aps if self.is_up(candidate)]
        if ap is not None:
            up = [ap] if ap in up else []
        if not up:
            return None
        # Clients mostly join their usual AP; now and then the next one in range answers first.
        target = up[0] if len(up) == 1 or self.rng.random() < 0.75 else self.rng.choice(up[1:])
        band = radio if radio in self._usable_bands(client, target) else None
        band = band or self._pick_radio(client, target)
        if band is None:
            return None
        return Placement(
            since_ms=since_ms,
            ap=target,
            radio=band,
            ssid=client.ssid,
            signal=self._draw_signal(client, target, band),
        )
