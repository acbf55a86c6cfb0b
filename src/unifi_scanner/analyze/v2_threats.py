"""v2 ``THREAT_*`` entries read as the classic ``EVT_IPS_IpsAlert``.

A system-log threat carries what the classic alert does, under other names: the signature
(``SIGNATURE`` or ``THREAT``), the source and destination addresses with the source's
country, and a ``severity`` word made from the Suricata priority. :func:`threat` puts each
back where :mod:`.ips` reads it, so a threat from the system log is rated and worded as the
same alert from the classic event stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.v2_params import Builder, first_text, message, param

#: v2 threat ``severity`` back to the Suricata priority (1 high … 3 low) it was made from:
#: priority 1 is VERY_HIGH, 2 HIGH, 3 MEDIUM (docs/emulator.md); LOW is the lowest too.
#: Reading HIGH as 1 made a priority-2 scan one step worse than its classic alert.
_PRIORITY = {"VERY_HIGH": 1, "HIGH": 2, "MEDIUM": 3, "LOW": 3}


def _threat_source(payload: Mapping[str, Any], fields: dict[str, Any]) -> None:
    """``src_ip``/``dest_ip`` and where the source is: the classic alert's ``srcipCountry``
    and ``srcipGeo``, from the source parameter's ``country`` and any geolocation it carries,
    so the finding names the attacker's country as the classic path does."""
    for target, names in (
        ("src_ip", ("SRC_IP", "SOURCE_IP", "SOURCE")),
        ("dest_ip", ("DST_IP", "DESTINATION_IP", "DESTINATION")),
    ):
        for name in names:
            entry = param(payload, name)
            value = first_text(entry, "ip", "name", "id")
            if not value:
                continue
            fields[target] = value
            if target == "src_ip":
                country = first_text(entry, "country", "country_code")
                if country:
                    fields["srcipCountry"] = country
                geo = entry.get("geo")
                if isinstance(geo, dict):
                    fields["srcipGeo"] = geo
                elif first_text(entry, "country_name", "organization"):
                    fields["srcipGeo"] = dict(entry)
            break
    if "src_ip" not in fields:
        client = first_text(param(payload, "CLIENT"), "ip")
        if client:
            fields["src_ip"] = client


def threat(action: str) -> Builder:
    """``EVT_IPS_IpsAlert`` from a ``THREAT_*`` entry, carrying what the classic alert would:
    the priority the entry's severity was made from, the source's country, the signature's
    classtype and ``catname`` when the entry has them. The entry's ``subcategory``
    (``THREAT``, ``HONEYPOT``) is the system log's own filing word, not a Suricata classtype:
    it would read as "category: THREAT", so only a worded one (with spaces) is taken."""

    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        fields: dict[str, Any] = {"inner_alert_action": action}
        signature = param(payload, "SIGNATURE") or param(payload, "THREAT")
        fields["inner_alert_signature"] = (
            first_text(signature, "name") or message(payload, inventory) or "unknown threat"
        )
        sid = first_text(signature, "id")
        if sid:
            fields["inner_alert_signature_id"] = sid
        catname = signature.get("catname")
        if isinstance(catname, (str, list)) and catname:
            fields["catname"] = catname
        _threat_source(payload, fields)
        category = first_text(param(payload, "CATEGORY"), "name") or first_text(
            signature, "category", "classtype"
        )
        filed = first_text(payload, "subcategory")
        if not category and filed and " " in filed:
            category = filed
        if category:
            fields["inner_alert_category"] = category
        priority = _PRIORITY.get(str(payload.get("severity", "")).upper())
        if priority is not None:
            fields["inner_alert_severity"] = priority
        return "EVT_IPS_IpsAlert", fields

    return build
