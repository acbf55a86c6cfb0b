"""The catalogue of simple rules: which events mean what, how bad it is, what to do about it.

Each rule is data (:class:`~unifi_scanner.analyze.rules.Rule`). Rules that need time windows,
pairing or state (outages, restarts, roaming patterns, short sessions, radar, WAN failover,
IPS, firmware, rogue devices, admin logins) live in their own modules, device and client
health from snapshots too; :mod:`.engine` lists them all.

Templates with tallies put what each tally says in a section (``[…|…]``, see
:mod:`.rules`), so a zero tally drops out instead of reading "unblocked 0 times".
"""

from __future__ import annotations

from unifi_scanner.analyze.findings import Category, Severity
from unifi_scanner.analyze.rules import Rule

#: Device kinds as they appear in ``EVT_<XX>_…`` keys (access point, switch, gateway, UniFi OS
#: gateway, next-gen gateway, building bridge).
DEVICE_PREFIXES = ("AP", "SW", "GW", "DM", "XG", "BB")


def device_keys(*suffixes: str, prefixes: tuple[str, ...] = DEVICE_PREFIXES) -> frozenset[str]:
    """``EVT_AP_<suffix>``, ``EVT_SW_<suffix>`` … for every device prefix."""
    return frozenset(f"EVT_{prefix}_{suffix}" for prefix in prefixes for suffix in suffixes)


CONNECTS = frozenset(
    {"EVT_WU_Connected", "EVT_WG_Connected", "EVT_LU_Connected", "EVT_LG_Connected"}
)
DISCONNECTS = frozenset(
    {"EVT_WU_Disconnected", "EVT_WG_Disconnected", "EVT_LU_Disconnected", "EVT_LG_Disconnected"}
)
ROAMS = frozenset({"EVT_WU_Roam", "EVT_WG_Roam"})
RADIO_ROAMS = frozenset({"EVT_WU_RoamRadio", "EVT_WG_RoamRadio"})
CHANNEL_CHANGES = frozenset({"EVT_AP_ChannelChanged", "EVT_BB_ChannelChanged"})

CLIENT_ACTIVITY = Rule(
    id="client-activity",
    keys=CONNECTS | DISCONNECTS,
    category=Category.CONNECTIVITY,
    severity=Severity.LOW,
    title="{n_clients} [connected {connects_times}|disconnected {disconnects_times}]",
    explanation=(
        "Clients joining and leaving the network is normal: phones sleep, laptops go home. "
        "This is a summary of that activity on site {subject}; the busiest: {clients}."
    ),
    tallies={"connects": CONNECTS, "disconnects": DISCONNECTS},
)

CLIENT_ROAMING = Rule(
    id="client-roaming",
    keys=ROAMS | RADIO_ROAMS,
    category=Category.WIRELESS,
    severity=Severity.LOW,
    # Roams and band changes are told apart: a band change stays on one access point, so
    # "roamed between access points" must never count it (nor be said when there were none).
    title=(
        "{n_clients} [roamed between access points {roams_times}|switched WiFi band "
        "{band_changes_times}]"
    ),
    explanation=(
        "Roaming is a client moving to a better access point as it moves around, or to another "
        "band (2.4, 5 or 6 GHz) of the same access point; it is healthy in moderation. In this "
        "period {n_clients} [moved between access points {roams_times}|switched band on the "
        "same access point {band_changes_times}] (access points: {devices})."
    ),
    tallies={"roams": ROAMS, "band_changes": RADIO_ROAMS},
)

CHANNEL_CHANGE = Rule(
    id="channel-changes",
    keys=CHANNEL_CHANGES,
    category=Category.WIRELESS,
    severity=Severity.LOW,
    title="{subject} changed channel {times}",
    explanation=(
        "An access point changes channel when it finds a cleaner one, on a schedule, or "
        "because it had to leave a radar channel. Clients on that radio reconnect briefly. "
        "It moved to {channels}."
    ),
    group_by="device",
    detail_field="channel_to",
)

CLIENT_BLOCKED = Rule(
    id="client-blocked",
    keys=frozenset({"EVT_WC_Blocked", "EVT_WC_Unblocked", "EVT_LC_Blocked", "EVT_LC_Unblocked"}),
    category=Category.SECURITY,
    severity=Severity.LOW,
    title="{subject} was [blocked {blocked_times}|unblocked {unblocked_times}]",
    explanation=(
        "An administrator blocked or unblocked {subject} on the controller. A blocked client "
        "cannot join the network at all until it is unblocked. If nobody in your household or "
        "team did this, someone else has admin access."
    ),
    group_by="client",
    tallies={
        "blocked": frozenset({"EVT_WC_Blocked", "EVT_LC_Blocked"}),
        "unblocked": frozenset({"EVT_WC_Unblocked", "EVT_LC_Unblocked"}),
    },
)

DEVICE_ADOPTION = Rule(
    id="device-adoption",
    keys=device_keys("Adopted", "AutoReadopted", "Deleted", "DiscoveredPending"),
    category=Category.SYSTEM,
    severity=Severity.LOW,
    title="{subject}: adoption changed {times}",
    explanation=(
        "Adopting is the controller taking charge of a device. In this period {subject} was "
        "[waiting for adoption {pending_times}|adopted {adopted_times}|re-adopted "
        "automatically {readopted_times} (after a reset, or when it lost the controller's "
        "address)|removed {deleted_times}]. If nobody on your side did this, check who has "
        "admin access to the controller."
    ),
    group_by="device",
    tallies={
        "pending": device_keys("DiscoveredPending"),
        "adopted": device_keys("Adopted"),
        "readopted": device_keys("AutoReadopted"),
        "deleted": device_keys("Deleted"),
    },
)

AP_ISOLATED = Rule(
    id="ap-isolated",
    keys=frozenset({"EVT_AP_Isolated"}),
    category=Category.CONNECTIVITY,
    severity=Severity.SEVERE,
    title="{subject} lost its uplink and was isolated {times}",
    explanation=(
        "{subject} could no longer reach the rest of the network through its cable or its "
        "wireless mesh link. While isolated, clients connected to it get no network access."
    ),
    remediation=(
        "Check the network cable from {subject} to its switch, and the switch port (UniFi "
        "Network → UniFi Devices → the switch → Ports).",
        "If {subject} connects wirelessly (mesh), move it closer to its uplink access point "
        "or run a cable to it.",
        "If it keeps happening, power-cycle {subject} and update its firmware.",
    ),
    group_by="device",
)

WIFI_INTERFERENCE = Rule(
    id="wifi-interference",
    keys=frozenset({"EVT_AP_PossibleInterference"}),
    category=Category.WIRELESS,
    severity=Severity.MEDIUM,
    title="{subject} reported possible interference {times}",
    explanation=(
        "{subject} heard strong radio noise on {channels}. Interference "
        "(neighbouring networks, microwave ovens, baby monitors, wireless cameras) slows WiFi "
        "down and makes clients drop."
    ),
    remediation=(
        "Let the controller pick a cleaner channel: UniFi Network → WiFi → Radio Manager → "
        "Channel AI / Optimize, or set the channel of {subject} by hand to one that "
        "neighbouring networks do not use.",
        "On 2.4 GHz use only channels 1, 6 or 11 with 20 MHz width.",
        "Keep {subject} away from microwave ovens, cordless phones and metal surfaces.",
        "Encourage clients onto 5 GHz, which has more, cleaner channels.",
    ),
    group_by="device",
    detail_field="channel",
)

POE_OVERLOAD = Rule(
    id="poe-overload",
    keys=frozenset({"EVT_SW_PoeOverload"}),
    category=Category.HEALTH,
    severity=Severity.MEDIUM,
    title="{subject} ran out of PoE power on {ports}",
    explanation=(
        "The switch {subject} could not give the device on {ports} the power it asked for "
        "({times}). A device powered over its network cable (an access point, a camera, a "
        "phone) then restarts or switches off."
    ),
    remediation=(
        "Open UniFi Network → UniFi Devices → {subject} → Ports and see which device is on "
        "{ports} and how much power it draws.",
        "Compare the total draw with the switch's PoE budget; move power-hungry devices to "
        "another PoE switch or give them a PoE injector.",
        "Check that the port's PoE mode suits the device (PoE+ for most current access points).",
        "Replace the cable if it is old or damaged: a faulty cable can draw too much current.",
    ),
    group_by="device",
    detail_field="port",
)

POE_DISCONNECT = Rule(
    id="poe-disconnect",
    keys=frozenset({"EVT_SW_PoeDisconnect"}),
    category=Category.HEALTH,
    severity=Severity.MEDIUM,
    # The count before the ports: "on ports 3 and 5 4 times" reads as one number list.
    title="{subject} cut PoE power {times} on {ports}",
    explanation=(
        "Whatever {subject} powers on {ports} lost its power: it was unplugged, failed, or "
        "drew more than the port may give. Anything connected through it (an access point's "
        "clients, a camera) went offline with it."
    ),
    remediation=(
        "Check what is plugged into {ports} of {subject} and whether it came back (UniFi "
        "Network → UniFi Devices → {subject} → Ports).",
        "Re-seat or replace the cable; test the device on another PoE port.",
        "If it repeats, check the switch's PoE budget and the port's PoE mode.",
    ),
    group_by="device",
    detail_field="port",
)

STP_BLOCKING = Rule(
    id="stp-blocking",
    keys=frozenset({"EVT_SW_StpPortBlocking"}),
    category=Category.CONNECTIVITY,
    severity=Severity.MEDIUM,
    title="{subject} blocked {ports} to stop a network loop",
    explanation=(
        "{subject} found two paths between the same parts of the network (a loop) and used "
        "Spanning Tree to block {ports} ({times}). Without that block a loop floods the "
        "network until nothing works; with it, whatever needs that port loses its link."
    ),
    remediation=(
        "Look for a cable that connects two ports of the same switch, or two switches twice, "
        "and unplug the extra one.",
        "Check small unmanaged switches and wall-plate switches on {ports}: a cable looped "
        "back into one of them causes this.",
        "If an access point is both cabled and meshing, disable wireless meshing for it "
        "(UniFi Network → UniFi Devices → the access point → Settings).",
    ),
    group_by="device",
    detail_field="port",
)

DEVICE_OVERHEATED = Rule(
    id="device-overheated",
    keys=device_keys("Overheat"),
    category=Category.HEALTH,
    severity=Severity.SEVERE,
    title="{subject} reported overheating {times}",
    explanation=(
        "The {kind} {subject} reported that it is too hot. Electronics that run too hot "
        "throttle, shut ports down, restart, and wear out early."
    ),
    remediation=(
        "Make sure {subject} has free air around its vents and is not in direct sun, a closed "
        "cabinet or a hot loft.",
        "If it has a fan, check that it spins (UniFi Network → UniFi Devices → {subject} → "
        "fan level) and that the vents are not clogged with dust.",
        "Reduce its load if it powers many PoE devices: PoE adds heat.",
        "If the room is cool and it still overheats, contact Ubiquiti support: the fan or "
        "sensor may be failing.",
    ),
    group_by="device",
)

DHCP_POOL_EXHAUSTED = Rule(
    id="dhcp-pool-exhausted",
    keys=frozenset({"EVT_GW_DhcpPoolExhausted"}),
    category=Category.CONNECTIVITY,
    severity=Severity.SEVERE,
    title="{subject} ran out of IP addresses to hand out ({times})",
    explanation=(
        "The gateway's DHCP server had no free address left (network: {details}). New "
        "devices, and devices coming back, cannot join until an address frees up."
    ),
    remediation=(
        "Enlarge the address range: UniFi Network → Settings → Networks → the network → "
        "DHCP range (or use a larger subnet, such as /23).",
        "Shorten the DHCP lease time so addresses of departed devices are freed sooner.",
        "Move guests and smart-home devices to their own networks.",
        "Check for a device asking for many addresses (phones with private/random MAC "
        "addresses that change often can exhaust small pools).",
    ),
    group_by="device",
    detail_field="network",
)

DHCP_POOL_NEAR_EXHAUSTED = Rule(
    id="dhcp-pool-near-exhausted",
    keys=frozenset({"EVT_GW_DhcpPoolNearExhausted"}),
    category=Category.CONNECTIVITY,
    severity=Severity.MEDIUM,
    title="{subject} is running out of IP addresses to hand out ({times})",
    explanation=(
        "The gateway's DHCP server has almost no free addresses left (network: {details}). "
        "When it runs out, new devices cannot join."
    ),
    remediation=DHCP_POOL_EXHAUSTED.remediation,
    group_by="device",
    detail_field="network",
)

GATEWAY_COMMIT_ERROR = Rule(
    id="gateway-commit-error",
    keys=frozenset({"EVT_GW_CommitError"}),
    category=Category.SYSTEM,
    severity=Severity.MEDIUM,
    title="{subject} could not apply its configuration ({times})",
    explanation=(
        "The gateway {subject} rejected the configuration the controller sent it, so the "
        "settings changed most recently (firewall rules, port forwarding, VPN, networks) may "
        "not be in effect."
    ),
    remediation=(
        "Review the most recent configuration changes for conflicts (overlapping networks, "
        "duplicate port forwards, invalid firewall groups) and undo the last one.",
        "Force a new provision: UniFi Network → UniFi Devices → {subject} → Settings → "
        "Manage → Force Provision (or Restart).",
        "Update the gateway and the Network application to current versions.",
    ),
    group_by="device",
)

ISP_PACKET_LOSS = Rule(
    id="isp-packet-loss",
    keys=frozenset({"ISP_PACKET_LOSS_2"}),
    category=Category.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="The internet connection lost packets ({times})",
    explanation=(
        "The gateway measured packet loss on the way to the internet {times}. Lost packets "
        "make calls stutter, games lag and pages load slowly; the cause is usually the "
        "internet provider's line or modem."
    ),
    remediation=(
        "Restart the modem or ONT of your internet provider, and check its cable to the gateway.",
        "If it keeps happening, report it to your internet provider with the times shown here.",
    ),
)

_VOUCHER = frozenset({"EVT_HS_VoucherUsed"})
_PASSWORD = frozenset({"EVT_HS_AuthedByPassword"})
_OPEN = frozenset({"EVT_HS_AuthedByNoAuth"})
_ENDED = frozenset({"EVT_WG_AuthorizationEnded"})
_QUOTA = frozenset({"EVT_WG_AuthorizationEndedByQuota"})
_REVOKED = frozenset({"EVT_AD_GuestUnauthorized"})

GUEST_AUTHORISATIONS = Rule(
    id="guest-authorisations",
    keys=_VOUCHER | _PASSWORD | _OPEN | _ENDED | _QUOTA | _REVOKED,
    category=Category.SECURITY,
    severity=Severity.LOW,
    title="{n_clients} used the guest portal",
    # Every sentence but the first is a section, so a zero tally leaves no trace; the warning
    # about a portal without a password only comes with logins that needed none.
    explanation=(
        "The guest portal is the sign-in page visitors go through to use your guest WiFi."
        "[ Guests logged in [{voucher_times} with a voucher|{password_times} with the guest "
        "password].][ The portal let guests in without any password {open_times}: a portal "
        "that asks for none lets anyone in range use your internet connection.]"
        "[ Guest access ended [{ended_times} when its time ran out|{quota_times} when its data "
        "quota was used up].][ An administrator revoked guest access {revoked_times}.]"
    ),
    tallies={
        "voucher": _VOUCHER,
        "password": _PASSWORD,
        "open": _OPEN,
        "ended": _ENDED,
        "quota": _QUOTA,
        "revoked": _REVOKED,
    },
)

SIMPLE_RULES: tuple[Rule, ...] = (
    GUEST_AUTHORISATIONS,
    CLIENT_ACTIVITY,
    CLIENT_ROAMING,
    CHANNEL_CHANGE,
    CLIENT_BLOCKED,
    DEVICE_ADOPTION,
    AP_ISOLATED,
    WIFI_INTERFERENCE,
    POE_OVERLOAD,
    POE_DISCONNECT,
    STP_BLOCKING,
    DEVICE_OVERHEATED,
    DHCP_POOL_EXHAUSTED,
    DHCP_POOL_NEAR_EXHAUSTED,
    GATEWAY_COMMIT_ERROR,
    ISP_PACKET_LOSS,
)
