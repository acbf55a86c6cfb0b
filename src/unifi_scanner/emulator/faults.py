"""The fault catalogue: what can go wrong on demand, with validated parameters.

A fault is named in the controller's own terms of failure (a socket dropped, a session
expired, a restart) and takes a few parameters. The same `FaultSpec` is used by the control
API (`POST /__emulator__/faults` with `{"fault": name, **params}`), by `Emulator.inject_fault`,
by scenarios (`ScheduledFault`, at a scenario offset) and by the CLI (`--fault AT:NAME:K=V,…`).
Execution lives in `fault_actions.py`; this module only knows names and parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

ParamValue = int | float | str


@dataclass(frozen=True)
class Param:
    """One parameter of a fault: its type, default (None: optional) and allowed values."""

    name: str
    kind: type[int] | type[float] | type[str]
    default: ParamValue | None = None
    choices: tuple[ParamValue, ...] = ()
    minimum: float | None = None
    required: bool = False


@dataclass(frozen=True)
class FaultKind:
    """A named fault and its parameters."""

    name: str
    summary: str
    params: tuple[Param, ...] = ()


_SITE = Param("site", str)
_CLOSE_CODES = (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014)
OVERSIZE_DEFAULT = 4 * 1024 * 1024 + 64 * 1024

CATALOGUE: Mapping[str, FaultKind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            FaultKind(
                "drop-websockets", "cut event sockets without a close frame (1006)", (_SITE,)
            ),
            FaultKind(
                "close-websockets",
                "close event sockets with a close frame and `code`",
                (
                    Param("code", int, choices=_CLOSE_CODES, required=True),
                    Param("reason", str, default=""),
                    _SITE,
                ),
            ),
            FaultKind(
                "silence-websockets",
                "event sockets stop sending and answering pings, without closing",
                (_SITE,),
            ),
            FaultKind("malformed-frame", "send a text frame that is not JSON", (_SITE,)),
            FaultKind("empty-frame", "send a zero-length text frame", (_SITE,)),
            FaultKind(
                "oversize-frame",
                "send a valid sync frame of at least `size` bytes",
                (Param("size", int, default=OVERSIZE_DEFAULT, minimum=1), _SITE),
            ),
            FaultKind(
                "unknown-message",
                "send a frame whose meta.message no client knows",
                (Param("message", str, default="nextai:insight-sync"), _SITE),
            ),
            FaultKind(
                "expire-sessions",
                "every session ends: REST answers 401, event sockets close with 1008",
            ),
            FaultKind(
                "refuse-logins",
                "every login answers 429 with Retry-After for `seconds`",
                (Param("seconds", float, default=60.0, minimum=0.001),),
            ),
            FaultKind(
                "restart",
                "the controller restarts: every connection drops, HTTP answers `status` for "
                "`seconds`, then a new login is needed",
                (
                    Param("seconds", float, default=5.0, minimum=0.001),
                    Param("status", int, choices=(502, 503)),
                ),
            ),
            FaultKind(
                "slow-responses",
                "HTTP answers wait `delay` seconds (for `seconds`, else until `clear`)",
                (
                    Param("delay", float, default=2.0, minimum=0.0),
                    Param("seconds", float, minimum=0.001),
                    Param("path", str),
                ),
            ),
            FaultKind(
                "rest-errors",
                "HTTP answers `status` for the next `count` requests (or for `seconds`)",
                (
                    Param("status", int, default=500, choices=(500, 502, 503, 504)),
                    Param("count", int, minimum=1),
                    Param("seconds", float, minimum=0.001),
                    Param("path", str),
                ),
            ),
            FaultKind("clear", "end slow responses, REST errors, refused logins and a restart"),
        )
    }
)
"""Every fault, by name."""


def _coerce(fault: str, param: Param, value: object) -> ParamValue:
    """`value` as the parameter's type; JSON numbers and CLI strings are both accepted."""
    result: ParamValue | None = None
    if param.kind is str:
        result = value if isinstance(value, str) else None
    elif isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None and not math.isfinite(number):
            number = None
        if number is not None and param.kind is float:
            result = number
        elif number is not None and number.is_integer():
            result = int(number)
    if result is None:
        expected = {int: "an integer", float: "a number", str: "a string"}[param.kind]
        raise ValueError(f"{fault}: {param.name} must be {expected}, got {value!r}")
    if param.choices and result not in param.choices:
        allowed = ", ".join(str(choice) for choice in param.choices)
        raise ValueError(f"{fault}: {param.name} must be one of {allowed}, got {result!r}")
    if param.minimum is not None and isinstance(result, int | float) and result < param.minimum:
        raise ValueError(f"{fault}: {param.name} must be at least {param.minimum}, got {result}")
    return result


@dataclass(frozen=True)
class FaultSpec:
    """A fault name with validated parameters (defaults filled in)."""

    name: str
    params: tuple[tuple[str, ParamValue], ...] = ()

    @classmethod
    def of(cls, name: str, **params: object) -> FaultSpec:
        """Validate `name` and `params`; raise ValueError with a one-line message if bad."""
        kind = CATALOGUE.get(name)
        if kind is None:
            known = ", ".join(sorted(CATALOGUE))
            raise ValueError(f"unknown fault {name!r} (known: {known})")
        allowed = {param.name: param for param in kind.params}
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            names = ", ".join(allowed) or "none"
            raise ValueError(f"{name}: unknown parameter {unknown[0]!r} (parameters: {names})")
        values: list[tuple[str, ParamValue]] = []
        for param in kind.params:
            if param.name in params and params[param.name] is not None:
                values.append((param.name, _coerce(name, param, params[param.name])))
            elif param.required:
                raise ValueError(f"{name}: parameter {param.name!r} is required")
            elif param.default is not None:
                values.append((param.name, param.default))
        return cls(name, tuple(values))

    @classmethod
    def from_json(cls, body: object) -> FaultSpec:
        """From a control-API body `{"fault": name, **params}`."""
        if not isinstance(body, dict) or not isinstance(body.get("fault"), str):
            raise ValueError('body must be a JSON object like {"fault": "drop-websockets"}')
        params = {key: value for key, value in body.items() if key != "fault"}
        return cls.of(body["fault"], **params)

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """From `NAME` or `NAME:K=V,K=V` (the CLI form)."""
        name, _, rest = text.strip().partition(":")
        params: dict[str, object] = {}
        for item in filter(None, (part.strip() for part in rest.split(","))):
            key, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"{name}: expected K=V, got {item!r}")
            params[key.strip()] = value.strip()
        return cls.of(name, **params)

    def get(self, name: str) -> ParamValue | None:
        """The value of parameter `name`, or None when it was left out and has no default."""
        return dict(self.params).get(name)

    def number(self, name: str) -> float | None:
        """Parameter `name` as a float (None when absent)."""
        value = self.get(name)
        return None if value is None else float(value)

    def integer(self, name: str) -> int | None:
        """Parameter `name` as an int (None when absent)."""
        value = self.get(name)
        return None if value is None else int(value)

    def text(self, name: str) -> str | None:
        """Parameter `name` as a string (None when absent)."""
        value = self.get(name)
        return None if value is None else str(value)

    def as_dict(self) -> dict[str, Any]:
        """`{"fault": name, **params}`, the control API's shape."""
        return {"fault": self.name, **dict(self.params)}


@dataclass(frozen=True)
class ScheduledFault:
    """A fault that strikes when the scenario clock reaches `at_s` seconds after the start."""

    at_s: float
    fault: FaultSpec

    @classmethod
    def parse(cls, text: str) -> ScheduledFault:
        """From `AT:NAME[:K=V,…]` with AT in scenario seconds (the `--fault` option)."""
        at, sep, rest = text.partition(":")
        try:
            at_s = float(at)
        except ValueError:
            raise ValueError(f"--fault {text!r}: expected AT:NAME[:K=V,…], AT in seconds") from None
        if not sep or at_s < 0:
            raise ValueError(f"--fault {text!r}: expected AT:NAME[:K=V,…], AT ≥ 0 seconds")
        return cls(at_s, FaultSpec.parse(rest))

    def as_dict(self) -> dict[str, Any]:
        """`{"at_s": …, "fault": name, **params}`."""
        return {"at_s": self.at_s, **self.fault.as_dict()}
