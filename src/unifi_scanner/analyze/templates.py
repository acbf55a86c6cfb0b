"""Rule templates with *sections*: what a title or explanation leaves out when a tally is zero.

A template may hold *sections*: ``[first|second|third]`` lists its items joined in plain
English ("first, second and third"), leaving out every item that names a tally (``{blocked}``
or ``{blocked_times}``) that is zero, so that a title reads "was blocked twice", not "was
blocked twice and unblocked 0 times". Sections nest: an item whose inner section loses all its
items is left out too, so a whole sentence about a zero tally disappears
(``[Guests logged in [{voucher_times} with a voucher|…]. ]``). A section left without items
renders as nothing. Square brackets and ``|`` are therefore reserved in templates.

:class:`Template` works the sections out once per rule (:class:`~.rules.GroupingProcessor`
parses its rule's texts when it is made); rendering one group's text is then a walk over
the parts, not a parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter

from unifi_scanner.analyze.text import names


@dataclass(frozen=True, slots=True)
class _Text:
    """Literal template text, with the tallies its fields name (dropped when one is zero)."""

    text: str
    tallies: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Section:
    """``[a|b|c]``: items (each a sequence of parts), joined in plain English when rendered."""

    items: tuple[tuple[_Text | _Section, ...], ...]


@dataclass(frozen=True, slots=True)
class Template:
    """A rule template with its sections worked out once (see the module docstring).

    :meth:`render` gives a ``str.format`` template without sections for one group's tallies;
    the caller fills in the fields afterwards, so brackets in controller names never matter.
    """

    parts: tuple[_Text | _Section, ...]

    @classmethod
    def parse(cls, template: str, tallies: frozenset[str] = frozenset()) -> Template:
        """Split ``template`` into text and sections; ``tallies`` are the rule's tally names.

        Raises :class:`ValueError` for unbalanced brackets: a rule's text is ours, so a
        mistake in it should fail loudly, not print stray brackets.
        """
        stack: list[list[list[_Text | _Section]]] = [[[]]]
        text: list[str] = []

        def flush() -> None:
            if text:
                literal = "".join(text)
                stack[-1][-1].append(_Text(literal, _tallies_in(literal, tallies)))
                text.clear()

        index = 0
        while index < len(template):
            char = template[index]
            if char == "{" and template.startswith("{{", index):
                text.append("{{")
                index += 2
                continue
            if char == "{":
                end = template.find("}", index)
                if end < 0:
                    raise ValueError(f"unclosed field in template: {template!r}")
                text.append(template[index : end + 1])
                index = end + 1
                continue
            if char == "[":
                flush()
                stack.append([[]])
            elif char == "|" and len(stack) > 1:
                flush()
                stack[-1].append([])
            elif char == "]":
                if len(stack) == 1:
                    raise ValueError(f"unbalanced ']' in template: {template!r}")
                flush()
                items = stack.pop()
                stack[-1][-1].append(_Section(tuple(tuple(item) for item in items)))
            else:
                text.append(char)
            index += 1
        if len(stack) != 1:
            raise ValueError(f"unclosed '[' in template: {template!r}")
        flush()
        return cls(tuple(stack[0][0]))

    def render(self, counts: Mapping[str, int]) -> str:
        """The template for a group whose tallies are ``counts``, zero tallies left out."""
        return "".join(_render_part(part, counts) or "" for part in self.parts)


def _tallies_in(text: str, tallies: frozenset[str]) -> frozenset[str]:
    """The tallies the fields of ``text`` name: ``{roams}`` and ``{roams_times}`` → roams."""
    named = set()
    for _, field_name, _, _ in Formatter().parse(text):
        if field_name is None:
            continue
        name = field_name.removesuffix("_times")
        if field_name in tallies:
            named.add(field_name)
        elif name in tallies:
            named.add(name)
    return frozenset(named)


def _render_part(part: _Text | _Section, counts: Mapping[str, int]) -> str | None:
    """A section's items that survive, joined; ``None`` when none does."""
    if isinstance(part, _Text):
        return part.text
    kept = [text for item in part.items if (text := _render_item(item, counts)) is not None]
    return names(kept, limit=len(kept)) if kept else None


def _render_item(item: tuple[_Text | _Section, ...], counts: Mapping[str, int]) -> str | None:
    """One section item, or ``None`` when it names a zero tally or an inner section is empty."""
    out = []
    for part in item:
        if isinstance(part, _Text) and any(counts.get(name, 1) == 0 for name in part.tallies):
            return None
        text = _render_part(part, counts)
        if text is None:
            return None
        out.append(text)
    return "".join(out)
