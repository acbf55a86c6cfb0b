"""Emerging Threats (ET) signature categories in plain English, and what to do about each.

A signature's category is the word after ``ET``/``ETPRO``/``GPL`` in its message (``ET SCAN
Potential SSH Scan`` → ``SCAN``), or else the controller's ``catname`` (``emerging-scan``).
``level`` is how worrying a match is on its own (1 high … 3 low); the final severity also
weighs the signature's own priority, where the traffic came from and whether it was blocked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: SIDs of the ET PRO ruleset (Proofpoint), which UniFi ships with its paid CyberSecure
#: subscription; the free ET Open rules use other ranges.
ET_PRO_SIDS = range(2_800_000, 2_900_000)


@dataclass(frozen=True, slots=True)
class EtCategory:
    """What a category of signatures means and what to do about a match."""

    label: str
    meaning: str
    outside: str
    """What to do when the traffic came from the internet."""
    inside: str
    """What to do when one of your own devices sent it."""
    level: int


_SCAN = EtCategory(
    "scanning",
    "Someone was probing for open doors (network ports and services). Scans are constant "
    "background noise on the internet; they matter when something answers.",
    "Make sure no port forward exposes a service you do not need (UniFi Network → Settings "
    "→ Routing → Port Forwarding).",
    "Find out why this device scans other machines: expected for a network tool, "
    "suspicious for a camera, TV or smart plug.",
    3,
)
_REPUTATION = EtCategory(
    "known bad address",
    "The traffic involved an address on a public block list of attackers, botnets and "
    "compromised machines.",
    "Nothing more is needed while these attempts are blocked; keep the block lists enabled.",
    "Check this device: it talks to known-bad addresses, which may mean it is infected.",
    2,
)
_TOR = EtCategory(
    "Tor anonymity network",
    "The traffic went to or came from the Tor anonymity network, which hides who is on the "
    "other end.",
    "Block Tor if nobody should reach you through it (CyberSecure → Region/Tor blocking).",
    "Find out who uses Tor on this device; if nobody should, check it for malware.",
    2,
)
_MALWARE = EtCategory(
    "malware",
    "The traffic matches known malicious software, for example an infected device calling "
    "home to its controller ('command and control').",
    "Keep blocking; check that the targeted device is up to date.",
    "Disconnect this device from the network, scan it with up-to-date anti-malware or reset "
    "it, and change passwords used on it.",
    1,
)
_EXPLOIT = EtCategory(
    "attack on a known weakness",
    "The traffic tries to exploit a known weakness in software (a web server, a router, a "
    "camera, a remote-access service) to take it over.",
    "Update the firmware and software of the targeted device, and stop forwarding its ports "
    "to the internet if you do not need them.",
    "This device attacks other machines: it is probably compromised. Disconnect it and "
    "reset or reinstall it.",
    1,
)
_WEB_CLIENT = EtCategory(
    "dangerous web content",
    "A browser or app fetched something dangerous: a malicious page, a fake login page "
    "(phishing), or a cryptocurrency miner.",
    "Keep blocking; remind people not to enter passwords on pages reached from links.",
    "Check the browser and apps on this device for unwanted extensions or software, and "
    "change any password entered on a suspicious page.",
    2,
)
_POLICY = EtCategory(
    "policy",
    "Not an attack: traffic many networks want to know about, such as file sharing, remote "
    "access tools, outdated protocols or unusual software phoning home.",
    "Nothing to do unless you want to forbid this kind of traffic.",
    "Check that this use is expected on this device (remote-access and file-sharing tools "
    "are also used by attackers).",
    3,
)
_DNS = EtCategory(
    "suspicious name lookups",
    "Unusual name lookups (DNS), such as domains used by malware or data hidden in lookups.",
    "Nothing more while blocked.",
    "Check this device for malware or unwanted software.",
    2,
)
_DOS = EtCategory(
    "denial of service",
    "Traffic meant to overload a service or the connection until it stops working.",
    "If the connection suffers, ask your internet provider for help.",
    "This device is flooding others: it may be compromised; disconnect and check it.",
    2,
)
_PROBE = EtCategory(
    "pings and network diagnostics",
    "Pings, traceroutes and similar network diagnostics (ICMP). Mostly harmless on their "
    "own; in large numbers they map out which addresses answer.",
    "Nothing to do while it stays occasional; the gateway answering pings is normal.",
    "Check why this device pings or traces other machines: expected for a network tool, "
    "odd for a camera or smart plug.",
    3,
)
_SERVICE = EtCategory(
    "attack on a network service",
    "Traffic aimed at a mail, file-transfer or device-management service (SMTP, IMAP, POP3, "
    "FTP, TFTP, SNMP): logins with default passwords, malformed commands, or attempts to "
    "read a device's settings.",
    "Make sure these services are not reachable from the internet unless you run them on "
    "purpose (UniFi Network → Settings → Routing → Port Forwarding), and that none uses a "
    "default password or the SNMP community 'public'.",
    "Check why this device talks to such services this way: a device sending mail it "
    "should not may be infected and sending spam.",
    2,
)
_FINGERPRINT = EtCategory(
    "known bad software fingerprint",
    "An encrypted connection whose fingerprint (JA3) matches known malware or attack "
    "tools. Legitimate software occasionally shares a fingerprint, so it is a strong hint, "
    "not proof.",
    "Keep blocking; nothing more is needed unless it keeps coming from the same address.",
    "Find out which program on this device makes these connections and check the device "
    "for malware.",
    2,
)
OTHER = EtCategory(
    "suspicious traffic",
    "Traffic matching a signature of suspicious activity.",
    "Look up the signature name if the alerts keep coming.",
    "Check this device for unwanted software.",
    2,
)

CATEGORIES: dict[str, EtCategory] = {
    "SCAN": _SCAN,
    "DROP": _REPUTATION,
    "DSHIELD": _REPUTATION,
    "CINS": _REPUTATION,
    "CIARMY": _REPUTATION,
    "COMPROMISED": _REPUTATION,
    "BLOCK": _REPUTATION,
    "TOR": _TOR,
    "MALWARE": _MALWARE,
    "TROJAN": _MALWARE,
    "MOBILE_MALWARE": _MALWARE,
    "BOTCC": _MALWARE,
    "CNC": _MALWARE,
    "WORM": _MALWARE,
    "ADWARE_PUP": _MALWARE,
    "EXPLOIT": _EXPLOIT,
    "EXPLOIT_KIT": _EXPLOIT,
    "SHELLCODE": _EXPLOIT,
    "ATTACK_RESPONSE": _EXPLOIT,
    "WEB_SERVER": _EXPLOIT,
    "WEB_SPECIFIC_APPS": _EXPLOIT,
    "SQL": _EXPLOIT,
    "NETBIOS": _EXPLOIT,
    "RPC": _EXPLOIT,
    "SCADA": _EXPLOIT,
    "TELNET": _EXPLOIT,
    "WEB_CLIENT": _WEB_CLIENT,
    "PHISHING": _WEB_CLIENT,
    "CURRENT_EVENTS": _WEB_CLIENT,
    "COINMINING": _WEB_CLIENT,
    "COINMINER": _WEB_CLIENT,
    "ACTIVEX": _WEB_CLIENT,
    "DNS": _DNS,
    "DOS": _DOS,
    "POLICY": _POLICY,
    "INFO": _POLICY,
    "HUNTING": _POLICY,
    "USER_AGENTS": _POLICY,
    "GAMES": _POLICY,
    "CHAT": _POLICY,
    "P2P": _POLICY,
    "INAPPROPRIATE": _POLICY,
    "VOIP": _POLICY,
    "ICMP": _PROBE,
    "ICMP_INFO": _PROBE,
    "SMTP": _SERVICE,
    "IMAP": _SERVICE,
    "POP3": _SERVICE,
    "FTP": _SERVICE,
    "TFTP": _SERVICE,
    "SNMP": _SERVICE,
    "JA3": _FINGERPRINT,
    # ET's own catch-all: "miscellaneous" is what OTHER says, but the word is known.
    "MISC": OTHER,
}

_PREFIX = re.compile(r"^\s*(?:ET|ETPRO|GPL)\s+([A-Z][A-Z0-9_]*)")


def category_of(signature: str, catname: Any = None) -> tuple[str, EtCategory]:
    """``("SCAN", …)`` for a signature message, falling back to the ``catname`` field
    (a string such as ``emerging-scan``, or a list of them)."""
    match = _PREFIX.match(signature)
    if match and match.group(1) in CATEGORIES:
        word = match.group(1)
        return word, CATEGORIES[word]
    names = catname if isinstance(catname, list) else [catname]
    for name in names:
        if isinstance(name, str):
            word = name.strip().upper().removeprefix("EMERGING-").replace("-", "_")
            if word in CATEGORIES:
                return word, CATEGORIES[word]
    return "OTHER", OTHER


def is_et_pro(sid: str) -> bool:
    """Whether a signature id belongs to the ET PRO (CyberSecure) range."""
    return sid.isdigit() and int(sid) in ET_PRO_SIDS
