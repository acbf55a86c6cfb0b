"""Mapping the ``thresholds:`` section of the configuration onto the analysis' tree.

The YAML mirrors :class:`~unifi_scanner.analyze.thresholds.Thresholds`::

    thresholds:
      roaming: {per_hour: 8}
      health: {temperature_warning_c: 75, poe_warning_pct: 85}

Unknown names and wrong types are reported one line each, like every other setting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, get_type_hints

from pydantic import TypeAdapter, ValidationError

from unifi_scanner.analyze.thresholds import Thresholds


def thresholds_from(values: Mapping[str, Any]) -> tuple[Thresholds, list[str]]:
    """The tree with ``values`` applied, and one line per problem (empty when fine)."""
    errors: list[str] = []
    built = _build(Thresholds, values, "thresholds", errors)
    return (built if isinstance(built, Thresholds) else Thresholds()), errors


def _build(cls: type, values: Any, where: str, errors: list[str]) -> Any:
    if not isinstance(values, Mapping):
        errors.append(f"{where}: expected a mapping of name: value")
        return cls()
    hints = get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        key = str(name)
        if key not in fields:
            known = ", ".join(sorted(fields))
            errors.append(f"{where}.{key}: unknown threshold (known: {known})")
            continue
        kind = hints[key]
        if dataclasses.is_dataclass(kind) and isinstance(kind, type):
            kwargs[key] = _build(kind, value, f"{where}.{key}", errors)
            continue
        try:
            kwargs[key] = TypeAdapter(kind).validate_python(value)
        except ValidationError as exc:
            problem = exc.errors()[0].get("msg", "invalid value").lower()
            errors.append(f"{where}.{key}: {problem}, got {value!r}")
    return cls(**kwargs)
