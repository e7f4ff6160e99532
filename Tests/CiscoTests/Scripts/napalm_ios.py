#!/usr/bin/env python3
"""Drives the IOS simulator with NAPALM's `ios` driver, as its users call it: host,
username, password, the enable secret and only the port in optional_args.

Usage: napalm_ios.py PORT USERNAME PASSWORD ENABLE_SECRET
Prints "napalm OK" when every getter returned what the simulated router holds.
"""
import sys

from napalm import get_network_driver

port, username, password, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

driver = get_network_driver("ios")
with driver("127.0.0.1", username, password, optional_args={"port": port, "secret": secret}) as device:
    facts = device.get_facts()
    assert facts["hostname"] == "R1", facts
    assert facts["vendor"] == "Cisco" and facts["model"] == "C891FJ-K9", facts
    assert facts["os_version"].startswith("C800 Software"), facts
    assert facts["serial_number"] == "FGL000LAB01", facts
    assert facts["fqdn"] == "R1.lab.example", facts
    assert facts["uptime"] > 0, facts
    assert "Loopback0" in facts["interface_list"] and "GigabitEthernet8" in facts["interface_list"], facts

    interfaces = device.get_interfaces()
    loopback = interfaces["Loopback0"]
    assert loopback["is_enabled"] and loopback["is_up"] and loopback["description"] == "napalm", loopback
    wan = interfaces["GigabitEthernet8"]
    assert not wan["is_enabled"] and not wan["is_up"] and wan["mtu"] == 1500 and wan["speed"] == 1000, wan
    assert wan["mac_address"].count(":") == 5, wan

    addresses = device.get_interfaces_ip()
    assert addresses == {"Loopback0": {"ipv4": {"10.255.0.1": {"prefix_length": 32}}}}, addresses

    config = device.get_config()
    assert "hostname R1" in config["running"] and "hostname R1" in config["startup"], config
    assert config["running"].rstrip().endswith("end"), config["running"][-80:]

    # No `router bgp` on this router: NAPALM reads IOS's "% BGP not active" as no neighbours.
    assert device.get_bgp_neighbors() == {}, device.get_bgp_neighbors()

print("napalm OK")
