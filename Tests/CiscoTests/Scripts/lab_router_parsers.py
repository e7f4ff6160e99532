#!/usr/bin/env python3
"""Reads a lab router with the parsers network teams use: ntc-templates' TextFSM templates
for `show ip route`, `show ip bgp summary` and `show ip interface brief` (over netmiko), and
NAPALM's `ios` driver for `get_bgp_neighbors`.

Usage: lab_router_parsers.py PORT USERNAME PASSWORD ENABLE_SECRET EXPECTED_JSON
EXPECTED_JSON: {"routes": [[protocol, network, prefix_length, nexthop_ip or "", nexthop_if or ""], ...],
                "neighbors": {address: [remote_as, prefixes]}, "interfaces": {name: [address, status, proto]}}
Prints "parsers OK" when every parser found what is expected.
"""
import json
import sys

from napalm import get_network_driver
from netmiko import ConnectHandler
from ntc_templates.parse import parse_output

port, username, password, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
expected = json.loads(sys.argv[5])

connection = ConnectHandler(
    device_type="cisco_ios", host="127.0.0.1", port=port, username=username, password=password, secret=secret
)
connection.enable()
outputs = {
    command: connection.send_command(command)
    for command in ["show ip route", "show ip bgp summary", "show ip interface brief"]
}
connection.disconnect()

routes = parse_output(platform="cisco_ios", command="show ip route", data=outputs["show ip route"])
found = {(r["protocol"], r["network"], r["prefix_length"], r["nexthop_ip"], r["nexthop_if"]) for r in routes}
for row in expected["routes"]:
    assert tuple(row) in found, (row, sorted(found), outputs["show ip route"])
# Every line of the table is a row: none the template could not place.
table = [line for line in outputs["show ip route"].splitlines() if line[:1].isalpha() and not line.startswith(("Codes", "Gateway"))]
assert len(routes) == len(table), (len(routes), len(table), routes, outputs["show ip route"])

summary = parse_output(platform="cisco_ios", command="show ip bgp summary", data=outputs["show ip bgp summary"])
seen = {r["bgp_neighbor"]: [r["neighbor_as"], r["state_or_prefixes_received"]] for r in summary}
want = {address: [str(asn), str(prefixes)] for address, (asn, prefixes) in expected["neighbors"].items()}
assert seen == want, (seen, want, outputs["show ip bgp summary"])

brief = parse_output(platform="cisco_ios", command="show ip interface brief", data=outputs["show ip interface brief"])
rows = {r["interface"]: [r["ip_address"], r["status"], r["proto"]] for r in brief}
for name, row in expected["interfaces"].items():
    assert rows.get(name) == row, (name, rows.get(name), row)

driver = get_network_driver("ios")
with driver("127.0.0.1", username, password, optional_args={"port": port, "secret": secret}) as device:
    neighbors = device.get_bgp_neighbors()
    peers = neighbors["global"]["peers"]
    assert set(peers) == set(expected["neighbors"]), neighbors
    for address, (asn, prefixes) in expected["neighbors"].items():
        peer = peers[address]
        assert peer["remote_as"] == asn and peer["is_up"] and peer["is_enabled"], peer
        family = peer["address_family"]["ipv4 unicast"]
        assert family["received_prefixes"] == prefixes and family["accepted_prefixes"] == prefixes, peer

print("parsers OK")
