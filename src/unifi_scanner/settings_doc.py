"""Every setting, documented from the models themselves: ``docs/settings.md`` is this output.

The flat settings come from :class:`~unifi_scanner.config.Settings` (with its delivery and
service mixins), the entries of a ``controllers:`` list from
:class:`~unifi_scanner.config.ControllerConfig`, their ``ssh:`` mapping from
:class:`~unifi_scanner.config.SshConfig`, and ``thresholds:`` from the dataclass tree of
:class:`~unifi_scanner.analyze.thresholds.Thresholds` (descriptions from the attribute
docstrings there). Because names, types, bounds, defaults and descriptions are read from the
code, a test can compare ``docs/settings.md`` with :func:`markdown` and fail on any drift.

Secrets are marked and their defaults are never printed; defaults that depend on the machine
(the time zone) are described instead of evaluated, so the output is the same everywhere.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import inspect
import itertools
import textwrap
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import annotated_types
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from unifi_scanner.analyze.thresholds import Thresholds
from unifi_scanner.config import (
    CONFIG_ENV,
    ENV_PREFIX,
    SECRET_FIELDS,
    ControllerConfig,
    Settings,
    SshConfig,
)

REGENERATE = ".venv/bin/unifi-scanner settings --markdown > docs/settings.md"

#: Defaults computed from the machine at start-up: described, not evaluated, so that the
#: document does not depend on where it was generated.
_MACHINE_DEFAULTS = {"timezone": "this machine's zone (`TZ`, `/etc/localtime`), else `UTC`"}

#: Settings that only a YAML file can hold (nested structures).
_YAML_ONLY = frozenset({"controllers", "thresholds"})

_STORE = {"store", "retention_days", "snapshot_retention_days", "store_max_mb", "backlog_max"}
_STORE |= {"commit_delay_ms", "commit_batch"}
_REPORTS = {"report_dir", "report_retention_days", "report_base_url", "timezone", "thresholds"}

_NAMED_TYPES = {bool: "boolean", int: "integer", float: "number", str: "text", Path: "path"}
_NAMED_TYPES[SecretStr] = "text"  # the value is text; the row says it is secret


@dataclass(frozen=True)
class Row:
    """One documented setting."""

    key: str
    """Its YAML key (dotted for nested ones)."""
    env: str | None
    """Its environment variable; None when only a YAML file can set it."""
    type: str
    default: str
    description: str
    secret: bool = False
    secret_file_key: bool = False
    """Whether ``<key>_file:`` / ``UNIFI_<NAME>_FILE`` may name a file holding the value."""


@dataclass(frozen=True)
class Group:
    """A titled table of rows."""

    title: str
    intro: str
    rows: tuple[Row, ...]


def _controller_field(name: str) -> bool:
    return name in ControllerConfig.model_fields or name == "controllers"


#: How the flat settings are grouped, in document order; a field matches the first group
#: whose test it passes, and the last group takes whatever the others leave (new settings
#: appear there until someone files them elsewhere, never nowhere).
_FLAT_GROUPS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    (
        "Controller",
        "One controller, set by environment or YAML; several go in a `controllers:` list "
        "(see [Several controllers](#several-controllers-controllers-entries)).",
        _controller_field,
    ),
    (
        "SSH fallback",
        "Log files read over SFTP when neither the event socket nor REST works "
        "(see [ssh.md](ssh.md)); off unless `ssh_host` is set.",
        lambda name: name.startswith("ssh_"),
    ),
    (
        "Store",
        "The SQLite file that holds events, and how much of it is kept.",
        _STORE.__contains__,
    ),
    ("Reports", "Where reports go and what they show.", _REPORTS.__contains__),
    (
        "Email",
        "Reports by email; off unless `smtp_host` is set.",
        lambda name: name.startswith(("smtp_", "email_")),
    ),
    (
        "Notifications",
        "Short messages through [apprise](https://github.com/caronc/apprise) URLs; "
        "off unless `notify_urls` is set.",
        lambda name: name.startswith("notify_"),
    ),
    ("Service and logging", "`serve` and `run`: schedule, health endpoint, logs.", lambda _: True),
)


def flat_groups() -> list[Group]:
    """The flat settings of :class:`Settings`, grouped, in declaration order within a group."""
    remaining = dict(Settings.model_fields)
    groups: list[Group] = []
    for title, intro, belongs in _FLAT_GROUPS:
        names = [name for name in remaining if belongs(name)]
        rows = tuple(_flat_row(name, remaining.pop(name)) for name in names)
        if rows:
            groups.append(Group(title, intro, rows))
    return groups


def _flat_row(name: str, field: FieldInfo) -> Row:
    secret = _is_secret(field)
    return Row(
        key=name,
        env=None if name in _YAML_ONLY else f"{ENV_PREFIX}{name.upper()}",
        type=_type_of(field.annotation, field.metadata),
        default=_MACHINE_DEFAULTS.get(name) or _default_of(field, secret),
        description=_describe(field),
        secret=secret,
        secret_file_key=name in SECRET_FIELDS,
    )


def model_rows(model: type[BaseModel], prefix: str = "") -> tuple[Row, ...]:
    """Rows of a nested model (a ``controllers:`` entry, its ``ssh:``): YAML keys only."""
    rows = []
    # The model's own fields (name, host, credentials) before those it inherits (TLS, timeouts).
    own = inspect.get_annotations(model)
    fields = sorted(model.model_fields.items(), key=lambda item: item[0] not in own)
    for name, field in fields:
        secret = _is_secret(field)
        rows.append(
            Row(
                key=f"{prefix}{name}",
                env=None,
                type=_type_of(field.annotation, field.metadata),
                default=_default_of(field, secret),
                description=_describe(field),
                secret=secret,
                # Inside a list entry, every secret of the model may come from a file.
                secret_file_key=secret,
            )
        )
    return tuple(rows)


def threshold_groups() -> list[Group]:
    """A group for the top-level limits of :class:`Thresholds`, then one per branch."""
    branches = []
    for item in dataclasses.fields(Thresholds):
        kind = get_type_hints(Thresholds)[item.name]
        if dataclasses.is_dataclass(kind) and isinstance(kind, type):
            intro = _one_line(inspect.getdoc(kind) or "")
            rows = _threshold_rows(kind, f"thresholds.{item.name}.")
            branches.append(Group(f"Thresholds: `{item.name}`", intro, rows))
    intro = (
        "Limits of the analysis, YAML only, e.g. `thresholds: {roaming: {per_hour: 8}}`; "
        "a limit left out keeps its default."
    )
    return [Group("Thresholds", intro, _threshold_rows(Thresholds, "thresholds.")), *branches]


def _threshold_rows(cls: type, prefix: str) -> tuple[Row, ...]:
    """The plain (non-dataclass) fields of ``cls``; branches get their own group."""
    hints, docs = get_type_hints(cls), _attribute_docs(cls)
    return tuple(
        Row(
            key=f"{prefix}{item.name}",
            env=None,
            type=_type_of(hints[item.name], []),
            default=_format(item.default),
            description=docs.get(item.name) or _critical_sibling(item.name, docs),
        )
        for item in dataclasses.fields(cls)
        if not dataclasses.is_dataclass(hints[item.name])
    )


def _critical_sibling(name: str, docs: dict[str, str]) -> str:
    """``cpu_critical_pct`` is documented by its ``cpu_warning_pct`` sibling: say so."""
    warning = name.replace("_critical_", "_warning_")
    if warning != name and warning in docs:
        return f"The same measure as `{warning}` at or above this is critical (severe)."
    return ""


def _attribute_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (a string right after ``name: type = …``) of a class, by name."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = _one_line(after.value.value)
    return docs


def _one_line(text: str) -> str:
    """Whitespace folded (a table cell is one line); reST ````code```` as Markdown."""
    return " ".join(text.split()).replace("``", "`")


def _is_secret(field: FieldInfo) -> bool:
    return SecretStr in _leaves(field.annotation)


def _leaves(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return [leaf for arg in get_args(annotation) for leaf in _leaves(arg)]
    return [annotation]


def _describe(field: FieldInfo) -> str:
    return _one_line(field.description or "")


def _type_of(annotation: Any, metadata: Iterable[Any]) -> str:
    """A reader's name for the type, with its bounds (``integer, 1–65535``)."""
    names = [_type_name(leaf) for leaf in _leaves(annotation) if leaf is not type(None)]
    bounds = _bounds(metadata)
    return " or ".join(names) + (f", {bounds}" if bounds else "")


def _type_name(kind: Any) -> str:
    origin = get_origin(kind)
    if origin is list:
        (item,) = get_args(kind)
        if item is str:
            return "list (comma-separated in the environment)"
        return "list of mappings (see below)" if _is_model(item) else f"list of {_type_name(item)}"
    if origin is dict:
        return "mapping"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return " / ".join(f"`{member.value}`" for member in kind)
    if _is_model(kind):
        return "mapping (see below)"
    return _NAMED_TYPES.get(kind, str(kind))


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _bounds(metadata: Iterable[Any]) -> str:
    low: str | None = None
    high: str | None = None
    parts: list[str] = []
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = _number(item.ge)
        elif isinstance(item, annotated_types.Le):
            high = _number(item.le)
        elif isinstance(item, annotated_types.Gt):
            parts.append(f"> {_number(item.gt)}")
        elif isinstance(item, annotated_types.Lt):
            parts.append(f"< {_number(item.lt)}")
        elif isinstance(item, annotated_types.MinLen) and item.min_length == 1:
            parts.append("not empty")
    if low is not None and high is not None:
        parts.insert(0, f"{low}–{high}")
    elif low is not None:
        parts.insert(0, f"≥ {low}")
    elif high is not None:
        parts.append(f"≤ {high}")
    return ", ".join(parts)


def _default_of(field: FieldInfo, secret: bool) -> str:
    if secret:
        return "—"  # whatever a default might be, a secret's value is never printed
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    return _format(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _format(value: Any) -> str:
    """A default as it would be written in YAML, in backticks; ``—`` for unset/empty."""
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, enum.Enum):
        return f"`{value.value}`"
    if isinstance(value, float):
        return f"`{_number(value)}`"
    if isinstance(value, list):
        return "`" + ", ".join(str(item) for item in value) + "`"
    if isinstance(value, (int, str, Path)):
        return f"`{value}`"
    return str(value)


# -- rendering ------------------------------------------------------------------------------

_HEADER = f"""# Settings

<!-- Generated from the Settings model by `unifi-scanner settings --markdown`: do not edit.
     Regenerate with `{REGENERATE}`;
     tests/test_settings_doc.py fails when this file and the code differ. -->

Every setting of unifi-scanner, generated from the code that reads them. Sources, highest
precedence first: command-line options, environment variables (`{ENV_PREFIX}<NAME>`), secrets
read from files (`{ENV_PREFIX}<NAME>_FILE`), the YAML file (`--config FILE` or `{CONFIG_ENV}`),
defaults.

- In the environment, booleans are `true` or `false` and lists are comma-separated
  (`{ENV_PREFIX}SITE=default,warehouse`); in YAML, lists may also be YAML lists.
- Settings marked **secret** may instead be read from a file:
  `{ENV_PREFIX}PASSWORD_FILE=/run/secrets/unifi` in the environment,
  `password_file: /run/secrets/unifi` in YAML (a trailing newline is not part of the value).
  Their values never appear in logs, error messages or `repr`.
- A bad value or an unknown YAML key stops the program with exit code 2 and one line per
  problem.
"""

_CONTROLLERS_INTRO = """Each entry of the YAML `controllers:` list describes one controller,
followed side by side with the others; the flat controller settings above must then be left
unset. Secrets take `<name>_file: /path` here too."""

_SSH_INTRO = """The `ssh:` mapping of a `controllers:` entry (the flat `ssh_*` settings are its
single-controller form); `password_file` and `key_passphrase_file` read secrets from files."""


def groups() -> list[Group]:
    """Every group of the document, in order."""
    return [
        *flat_groups(),
        Group(
            "Several controllers: `controllers:` entries",
            _CONTROLLERS_INTRO,
            model_rows(ControllerConfig),
        ),
        Group("SSH fallback per controller: `ssh:`", _SSH_INTRO, model_rows(SshConfig)),
        *threshold_groups(),
    ]


def markdown() -> str:
    """The whole of ``docs/settings.md``."""
    parts = [_HEADER]
    for group in groups():
        with_env = any(row.env is not None for row in group.rows)
        parts.append(f"## {group.title}\n\n{group.intro}\n\n{_table(group.rows, with_env)}")
    return "\n".join(parts)


def _table(rows: Iterable[Row], with_env: bool) -> str:
    head = ["environment"] if with_env else []
    head += ["YAML key", "type", "default", "description"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [_env_cell(row)] if with_env else []
        key = f"`{row.key}`" + (f", `{row.key}_file`" if row.secret_file_key else "")
        description = ("**secret.** " if row.secret else "") + row.description
        cells += [key, row.type, row.default, description]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _env_cell(row: Row) -> str:
    if row.env is None:
        return "— (YAML only)"
    return f"`{row.env}`" + (f", `{row.env}_FILE`" if row.secret_file_key else "")
