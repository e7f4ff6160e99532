#!/usr/bin/env python3
"""Regenerates the Azure model's table of published api-versions from a checkout of
Azure/azure-rest-api-specs (Python standard library only).

usage: python3 scripts/api-versions.py PATH/TO/azure-rest-api-specs [OUTPUT]

OUTPUT defaults to Sources/Providers/AzureModel/AzureModel+APIVersionData.swift. A version
applies to a type only if one of the JSON files in that version's folder defines a path of
that type (the `paths` keys), so the table is per type, not one list for the namespace.
Only `stable` folders are read: preview versions are not listed (the model refuses them).
The checkout's HEAD commit and its date are written into the table.
"""
import json
import os
import re
import subprocess
import sys

# The folders holding Microsoft.Network's and Microsoft.Resources' swagger, in the layouts the
# repository has used (`Microsoft.Network/stable/…` before the TypeSpec move,
# `Microsoft.Network/Network/stable/…` after it; `resources/stable/…` for resource groups).
ROOTS = [
    "specification/network/resource-manager/Microsoft.Network",
    "specification/resources/resource-manager/Microsoft.Resources",
]

# The types the model serves (lower-cased, namespace first): only these are kept.
SERVED = {
    "microsoft.resources/resourcegroups",
    "microsoft.network/locations/operations",
    "microsoft.network/locations/operationresults",
} | {
    "microsoft.network/" + t
    for t in [
        "virtualnetworks", "virtualnetworks/subnets", "virtualnetworks/virtualnetworkpeerings",
        "publicipaddresses", "publicipprefixes", "virtualnetworkgateways", "localnetworkgateways",
        "connections", "connections/sharedkey", "virtualwans", "virtualhubs", "virtualhubs/ipconfigurations",
        "virtualhubs/bgpconnections", "virtualhubs/hubvirtualnetworkconnections", "virtualhubs/routingintent",
        "virtualhubs/hubroutetables", "virtualhubs/routemaps", "vpngateways", "vpngateways/vpnconnections",
        "vpnsites", "expressroutegateways", "expressroutegateways/expressrouteconnections",
        "expressroutecircuits", "expressroutecircuits/peerings", "expressroutecircuits/authorizations",
        "azurefirewalls", "firewallpolicies", "routetables", "routetables/routes", "networksecuritygroups",
        "networksecuritygroups/securityrules", "networkinterfaces", "natgateways", "bastionhosts",
        "privateendpoints", "applicationgateways", "loadbalancers", "networkwatchers", "ddosprotectionplans",
        "routefilters", "ipgroups", "vpnserverconfigurations", "p2svpngateways",
    ]
}

VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def path_type(path):
    """The resource type a swagger path addresses: `…/providers/Microsoft.Network/virtualHubs/
    {hub}/bgpConnections/{c}` is `microsoft.network/virtualhubs/bgpconnections`; a resource
    group's path is `microsoft.resources/resourcegroups`. None for other paths."""
    segments = [s for s in path.split("/") if s]
    lower = [s.lower() for s in segments]
    if "providers" in lower:
        at = len(lower) - 1 - lower[::-1].index("providers")
        namespace = lower[at + 1] if at + 1 < len(lower) else ""
        rest = lower[at + 2:]
    elif lower[:2] == ["subscriptions", "{subscriptionid}"] and len(lower) >= 3 and lower[2] == "resourcegroups":
        namespace, rest = "microsoft.resources", lower[2:]
    else:
        return None
    # Literal segments name the type; `{…}` segments are names. A trailing literal after a
    # name is a child collection or an action (`sharedkey`, `getLearnedRoutes`).
    words = [s for s in rest if not s.startswith("{")]
    return namespace + "/" + "/".join(words) if words else None


def scan(checkout):
    """{type: sorted versions} over every stable version folder under ROOTS."""
    found = {}
    for root in ROOTS:
        for folder, _, files in os.walk(os.path.join(checkout, root)):
            parts = folder.split(os.sep)
            if len(parts) < 2 or parts[-2] != "stable" or not VERSION.match(parts[-1]):
                continue
            version = parts[-1]
            for name in files:
                if not name.endswith(".json"):
                    continue
                try:
                    with open(os.path.join(folder, name), encoding="utf-8") as f:
                        paths = json.load(f).get("paths") or {}
                except (OSError, ValueError):
                    continue
                for path in paths:
                    t = path_type(path)
                    if t in SERVED:
                        found.setdefault(t, set()).add(version)
    return {t: sorted(v) for t, v in sorted(found.items())}


def head(checkout):
    """The checkout's HEAD commit and its committer date (YYYY-MM-DD)."""
    out = subprocess.run(
        ["git", "-C", checkout, "log", "-1", "--format=%H %cs"], capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], out[1]


def emit(table, commit, date, note, output):
    """Writes the Swift file that carries the table as JSON: deterministic, one version a line."""
    data = {
        "source": {
            "repository": "Azure/azure-rest-api-specs",
            "commit": commit,
            "date": date,
            "note": note,
        },
        "types": table,
    }
    text = json.dumps(data, indent=4, sort_keys=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write("// Generated by scripts/api-versions.py from Azure/azure-rest-api-specs; do not edit.\n")
        f.write("// Refresh: python3 scripts/api-versions.py PATH/TO/azure-rest-api-specs\n\n")
        f.write("extension APIVersions {\n")
        f.write("    /// The published stable api-versions by type, with where they were read.\n")
        f.write('    static let data = #"""\n')
        for line in text.splitlines():
            f.write(("        " + line).rstrip() + "\n")
        f.write('        """#\n')
        f.write("}\n")


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    checkout = argv[1]
    output = argv[2] if len(argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "Providers", "AzureModel",
        "AzureModel+APIVersionData.swift",
    )
    table = scan(checkout)
    missing = sorted(SERVED - set(table))
    if "microsoft.resources/resourcegroups" in missing or "microsoft.network/virtualnetworks" in missing:
        sys.exit(f"{checkout}: no stable swagger found under {ROOTS}; is it a checkout of azure-rest-api-specs?")
    commit, date = head(checkout)
    emit(table, commit, date, "Stable versions only; a version is listed for a type when its folder defines the type's path.", output)
    for t in missing:
        print(f"note: no stable path for {t} (the model accepts any listed Microsoft.Network version for it)")
    print(f"wrote {output} from {commit} ({date})")


if __name__ == "__main__":
    main(sys.argv)
