#!/usr/bin/env python3
"""Drives the IOS simulator with the automation clients network teams use: netmiko
(paramiko underneath) and scrapli over its "system" transport (the OpenSSH client) and its
"paramiko" one; ntc-templates' TextFSM templates parse what the simulator prints.

Usage: automation_clients.py PORT USERNAME PASSWORD ENABLE_SECRET
Prints "automation clients OK" when each logged in, enabled, configured, saved and read back.
"""
import sys

from netmiko import ConnectHandler
from ntc_templates.parse import parse_output
from scrapli.driver.core import IOSXEDriver

port, username, password, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

# netmiko: cisco_ios, as its users write it.
device = ConnectHandler(
    device_type="cisco_ios", host="127.0.0.1", port=port, username=username, password=password,
    secret=secret, fast_cli=False, conn_timeout=15,
)
device.enable()
assert device.check_enable_mode(), "netmiko: not in enable mode"
version = device.send_command("show version")
assert "Cisco IOS Software" in version, version
device.send_config_set(["interface Loopback0", "ip address 10.255.0.1 255.255.255.255", "description netmiko"])
saved = device.save_config()
assert "[OK]" in saved, saved
section = device.send_command("show running-config | section Loopback0")
assert "ip address 10.255.0.1 255.255.255.255" in section, section
bad = device.send_command("show ip bogus-command")
assert "% Invalid input detected at '^' marker." in bad, bad
device.disconnect()

# scrapli: the IOS-XE driver over the system OpenSSH client (no strict host key in this test).
with IOSXEDriver(
    host="127.0.0.1", port=port, auth_username=username, auth_password=password,
    auth_secondary=secret, auth_strict_key=False, transport="system", timeout_ops=15,
) as conn:
    result = conn.send_command("show running-config | include hostname")
    assert "hostname" in result.result, result.result
    configured = conn.send_configs(["interface Loopback1", "description scrapli"])
    assert not configured.failed, configured.result
    check = conn.send_command("show running-config | section Loopback1")
    assert "description scrapli" in check.result, check.result
    bad = conn.send_command("show bogus-thing")
    assert bad.failed, "scrapli should see IOS's invalid-input error as a failure"

# scrapli over paramiko (the `scrapli[paramiko]` extra): IOS's error strings mark a failure.
with IOSXEDriver(
    host="127.0.0.1", port=port, auth_username=username, auth_password=password,
    auth_secondary=secret, auth_strict_key=False, transport="paramiko", timeout_ops=15,
) as conn:
    for command in ["show ip bogus-command", "sh i", "bogus", "show ip"]:
        assert conn.send_command(command).failed, f"scrapli/paramiko: {command} did not fail"
    brief = conn.send_command("sh ip int br")
    assert not brief.failed, brief.result
    # The rows TextFSM reads with ntc-templates' own template for this command.
    rows = parse_output(platform="cisco_ios", command="show ip interface brief", data=brief.result)
    loopbacks = {row["interface"]: row for row in rows if row["interface"].startswith("Loopback")}
    assert loopbacks["Loopback0"]["ip_address"] == "10.255.0.1", rows
    assert loopbacks["Loopback0"]["status"] == "up" and loopbacks["Loopback0"]["proto"] == "up", rows
    assert loopbacks["Loopback1"]["ip_address"] == "unassigned", rows
    assert brief.result.splitlines()[0].startswith("Interface" + " " * 18 + "IP-Address"), brief.result

print("automation clients OK")
