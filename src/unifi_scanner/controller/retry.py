"""Capped exponential backoff with jitter, for reconnects and for repeating safe requests."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """Delays that double up to a cap, each spread by ±``jitter`` so that many scanners
    (or many sites of one scanner) never retry in lockstep."""

    def __init__(
        self,
        initial: float = 0.5,
        maximum: float = 60.0,
        factor: float = 2.0,
        jitter: float = 0.25,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        self._rng = rng
        self._attempt = 0

    @property
    def attempt(self) -> int:
        """How many delays were handed out since the last :meth:`reset`."""
        return self._attempt

    def next(self) -> float:
        """The delay before the next attempt; grows until :meth:`reset`."""
        base = min(self.maximum, self.initial * self.factor**self._attempt)
        self._attempt += 1
        return base * (1 - self.jitter + 2 * self.jitter * self._rng())

    def reset(self) -> None:
        self._attempt = 0
