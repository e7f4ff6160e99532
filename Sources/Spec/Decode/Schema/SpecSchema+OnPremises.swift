/// The on-premises kinds: sites and the Cisco routers that join them to Azure.
extension SpecSchema {
    static let site = ObjectSchema(
        "SiteSpec",
        "An on-premises location (Azure: a local network gateway).",
        exactlyOne: [["publicIp", "fqdn"]],
        [
            FieldSchema("publicIp", .address, "The VPN device's public address."),
            FieldSchema("fqdn", .string(.any), "Or its DNS name."),
            FieldSchema("addressSpace", prefixes, "On-prem prefixes Azure may reach."),
            FieldSchema(
                "bgp",
                .object(
                    ObjectSchema(
                        "SiteBgp",
                        "BGP on the on-prem device.",
                        [
                            FieldSchema("asn", asn, required: true, "The on-prem ASN."),
                            FieldSchema(
                                "peeringAddress",
                                .address,
                                required: true,
                                "The on-prem BGP speaker's address."
                            ),
                        ]
                    )
                ),
                "BGP settings."
            ),
            FieldSchema(
                "behindNat",
                .boolean,
                "true is reported: a NAT in front of the VPN device is unsupported."
            ),
            FieldSchema("device", .reference([.ciscoRouter]), "The CiscoRouter that terminates the tunnel."),
            costs,
        ]
    )

    static let ciscoRouter = ObjectSchema(
        "CiscoRouterSpec",
        "An on-prem IOS / IOS-XE router the tool configures.",
        [
            FieldSchema("platform", enumeration(Platform.self), required: true, "ios or ios-xe."),
            FieldSchema("model", .string(.any), "Hardware model, e.g. C891FJ-K9."),
            FieldSchema("software", .string(.any), "Software version, e.g. \"15.4(1)T1\"."),
            FieldSchema(
                "management",
                .object(
                    ObjectSchema(
                        "Management",
                        "How the tool reaches the router.",
                        exactlyOne: [["host", "lab"]],
                        [
                            FieldSchema("host", .string(.any), "Address or name to SSH to."),
                            FieldSchema("lab", .boolean, "true: the local IOS simulator."),
                            FieldSchema("port", .integer(1...65535), "SSH port (default 22)."),
                            FieldSchema("username", .string(.any), required: true, "Login user."),
                            FieldSchema("password", .secret, required: true, "Login password."),
                            FieldSchema(
                                "passwordHash",
                                enumeration(PasswordHash.self),
                                "(addition) How the router stores it: scrypt (type 9, default) or md5 (type 5, IOS before 15.3(3)M)."
                            ),
                            FieldSchema("enableSecret", .secret, "enable secret."),
                            FieldSchema("hostKey", .string(.any), "Pinned SSH host key (\"ssh-rsa AAAA...\")."),
                            FieldSchema("knownHostsFile", .string(.any), "Or a known_hosts file."),
                        ]
                    )
                ),
                required: true,
                "Management access."
            ),
            FieldSchema(
                "system",
                .object(
                    ObjectSchema(
                        "RouterSystem",
                        "Base settings.",
                        [
                            FieldSchema("hostname", .string(.any), required: true, "hostname."),
                            FieldSchema("domainName", .string(.any), "ip domain name."),
                            FieldSchema(
                                "timezone",
                                .object(
                                    ObjectSchema(
                                        "Timezone",
                                        "clock timezone.",
                                        [
                                            FieldSchema("name", .string(.any), required: true, "Zone name, e.g. JST."),
                                            FieldSchema(
                                                "offsetHours",
                                                .integer(-23...23),
                                                required: true,
                                                "Hours from UTC."
                                            ),
                                            FieldSchema(
                                                "offsetMinutes",
                                                .integer(0...59),
                                                "(addition) Minutes (default 0)."
                                            ),
                                        ]
                                    )
                                ),
                                "Time zone."
                            ),
                            FieldSchema(
                                "ntpServers",
                                .list(
                                    .object(
                                        ObjectSchema(
                                            "NtpServer",
                                            "An NTP server.",
                                            [
                                                FieldSchema("address", .address, required: true, "Server address."),
                                                FieldSchema("prefer", .boolean, "prefer (default false)."),
                                            ]
                                        )
                                    )
                                ),
                                "NTP servers."
                            ),
                            FieldSchema("loggingBufferSize", .integer(4096...2_147_483_647), "logging buffered size."),
                            FieldSchema("sshAllowedFrom", prefixes, "Who may SSH in (vty access-class)."),
                        ]
                    )
                ),
                required: true,
                "Base system settings."
            ),
            FieldSchema(
                "wan",
                .object(
                    ObjectSchema(
                        "Wan",
                        "The internet-facing side.",
                        exactlyOne: [["pppoe", "address"]],
                        [
                            FieldSchema(
                                "interface",
                                .string(.any),
                                required: true,
                                "Physical interface, e.g. GigabitEthernet8."
                            ),
                            FieldSchema(
                                "pppoe",
                                .object(
                                    ObjectSchema(
                                        "Pppoe",
                                        "PPPoE dialer.",
                                        [
                                            FieldSchema("dialer", .integer(0...255), required: true, "Dialer number."),
                                            FieldSchema(
                                                "mtu",
                                                .integer(576...1500),
                                                required: true,
                                                "ip mtu (1454 for PPPoE)."
                                            ),
                                            FieldSchema(
                                                "chap",
                                                .object(
                                                    ObjectSchema(
                                                        "Chap",
                                                        "CHAP credentials.",
                                                        [
                                                            FieldSchema(
                                                                "hostname",
                                                                .string(.any),
                                                                required: true,
                                                                "CHAP user."
                                                            ),
                                                            FieldSchema(
                                                                "password",
                                                                .secret,
                                                                required: true,
                                                                "CHAP password."
                                                            ),
                                                        ]
                                                    )
                                                ),
                                                required: true,
                                                "CHAP."
                                            ),
                                        ]
                                    )
                                ),
                                "PPPoE (or address + gateway)."
                            ),
                            FieldSchema("address", .interfaceAddress, "Static address, e.g. 198.51.100.2/30."),
                            FieldSchema("gateway", .address, "Default gateway with a static address."),
                        ]
                    )
                ),
                required: true,
                "WAN."
            ),
            FieldSchema(
                "lan",
                .object(
                    ObjectSchema(
                        "Lan",
                        "The inside interface.",
                        [
                            FieldSchema("interface", .string(.any), required: true, "Interface, e.g. Vlan1."),
                            FieldSchema("address", .interfaceAddress, required: true, "Address, e.g. 192.168.10.1/24."),
                            FieldSchema(
                                "routes",
                                .list(
                                    .object(
                                        ObjectSchema(
                                            "LanRoute",
                                            "A static route to an on-prem prefix through a next hop on the LAN.",
                                            [
                                                FieldSchema(
                                                    "prefix",
                                                    .prefix,
                                                    required: true,
                                                    "On-prem prefix, e.g. 192.168.20.0/24."
                                                ),
                                                FieldSchema(
                                                    "nextHop",
                                                    .address,
                                                    required: true,
                                                    "Next hop on the LAN subnet, e.g. 192.168.10.254 (a core switch)."
                                                ),
                                            ]
                                        )
                                    )
                                ),
                                "(addition) On-prem prefixes behind a LAN next hop (ip route ... NEXT-HOP)."
                            ),
                        ]
                    )
                ),
                required: true,
                "LAN."
            ),
            FieldSchema(
                "nat",
                .object(
                    ObjectSchema(
                        "Nat",
                        "NAT overload.",
                        [FieldSchema("overload", prefixes, "Inside sources translated to the WAN address.")]
                    )
                ),
                "NAT."
            ),
            FieldSchema(
                "tunnel",
                .object(
                    ObjectSchema(
                        "TunnelSettings",
                        "VTI settings.",
                        [
                            FieldSchema("tcpAdjustMss", .integer(500...1460), "ip tcp adjust-mss (default 1350)."),
                            FieldSchema(
                                "interfaceNumber",
                                .integer(0...2_147_483_647),
                                "First Tunnel number (default 1)."
                            ),
                        ]
                    )
                ),
                "Tunnel interface settings."
            ),
            costs,
        ]
    )
}
