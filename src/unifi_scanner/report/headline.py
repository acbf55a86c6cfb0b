"""The one sentence at the top of every report: how the network was, in plain English.

Four outcomes, judged from the findings (already ranked, most severe first):

- ``quiet``: no events and no findings — "No new events since …";
- ``healthy``: nothing severe or medium;
- ``attention``: medium findings only — the first one named;
- ``trouble``: at least one severe finding — the first one named.

The sentence names a finding by its title, which may contain names that came from the
controller: it is plain text, escaped by each renderer like every other such string.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import Any

from unifi_scanner.report.fmt import clip, local_time, zone_label

QUIET, HEALTHY, ATTENTION, TROUBLE = "quiet", "healthy", "attention", "trouble"
#: A title quoted in the sentence is cut to this length (the finding itself has it whole).
TITLE_LIMIT = 160


def health(
    findings: Sequence[Mapping[str, Any]], events: int, since_iso: str, tz: tzinfo
) -> tuple[str, str]:
    """``(status, sentence)`` for a report with these findings and this many events."""
    severe = [f for f in findings if f.get("severity") == "severe"]
    medium = [f for f in findings if f.get("severity") == "medium"]
    if not findings and not events:
        since = f"{local_time(since_iso, tz)} ({zone_label(tz)})"
        return QUIET, f"No new events since {since}: nothing needs your attention."
    if severe:
        first = _title(severe[0])
        sentence = f"Your network needs attention: {first}"
        if len(severe) > 1:
            sentence += f"; {_more(len(severe) - 1, 'more severe problem')}"
        if medium:
            sentence += f"; {_more(len(medium), 'smaller issue')} worth a look"
        return TROUBLE, sentence + "."
    if medium:
        sentence = f"Your network was mostly healthy; {_title(medium[0])}"
        if len(medium) > 1:
            sentence += f", and {_more(len(medium) - 1, 'more thing')} worth a look"
        return ATTENTION, sentence + "."
    return HEALTHY, "Your network was healthy: nothing needs your attention."


def _title(finding: Mapping[str, Any]) -> str:
    return clip(finding.get("title", ""), TITLE_LIMIT).rstrip(".")


def _more(count: int, noun: str) -> str:
    # "1 more severe problem", "3 more things": the noun's last word takes the plural.
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
