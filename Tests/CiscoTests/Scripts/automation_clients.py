#!/usr/bin/env python3
"""Drives the IOS simulator with the automation clients network teams use: netmiko
(paramiko underneath) and scrapli (its default "system" transport, the OpenSSH client).

Usage: automation_clients.py PORT USERNAME PASSWORD ENABLE_SECRET
Prints "automation clients OK" when both logged in, enabled, configured, saved and read back.
"""
import sys

from netmiko import ConnectHandler
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

print("automation clients OK")
