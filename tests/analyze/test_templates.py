"""Template sections: items naming a zero tally are left out, the rest joined in English."""

from __future__ import annotations

import pytest

from unifi_scanner.analyze.templates import Template


def test_template_sections_leave_out_zero_tallies_and_join_the_rest() -> None:
    tallies = frozenset({"a", "b", "c"})
    template = Template.parse("x [{a_times} a|{b} b|{c_times} c|always]", tallies)
    assert (
        template.render({"a": 1, "b": 2, "c": 3}) == "x {a_times} a, {b} b, {c_times} c and always"
    )
    assert template.render({"a": 0, "b": 2, "c": 0}) == "x {b} b and always"
    # Nested: a sentence whose only section is empty disappears with it.
    nested = Template.parse("[Seen [{a_times} here|{b_times} there]. ]End.", tallies)
    assert nested.render({"a": 0, "b": 1}) == "Seen {b_times} there. End."
    assert nested.render({"a": 0, "b": 0}) == "End."
    # Outside a section a zero tally is the rule author's choice; fields are never split.
    assert Template.parse("{a_times} [{b}]", tallies).render({"a": 0, "b": 0}) == "{a_times} "


def test_unbalanced_template_sections_fail_loudly() -> None:
    for broken in ("a [b", "a ]b", "[a [b]"):
        with pytest.raises(ValueError, match="template"):
            Template.parse(broken)
