internal import Cisco
internal import Foundation

/// The `show` commands: keywords matched by unique prefix as on IOS, the output of the
/// ones the device answers itself (its configs, version, interfaces), the lab's `status`
/// hook for the operational ones, and the `|` filters.
extension IOSSession {
    func show(_ arguments: [String], line: String, typed: String) -> String {
        // Exactly one filter: everything after `| keyword` is one expression.
        var command = arguments
        var filter: (String, String)?
        if let bar = arguments.firstIndex(of: "|") {
            guard bar + 1 < arguments.count else { return "% Incomplete command." }
            command = Array(arguments[..<bar])
            filter = (arguments[bar + 1].lowercased(), arguments[(bar + 2)...].joined(separator: " "))
        }
        guard let first = command.first else { return "% Type \"show ?\" for a list of subcommands" }
        let keyword: String
        switch IOSKeywords.match(first, in: IOSKeywords.show) {
        case .keyword(let match): keyword = match
        case .ambiguous: return Self.ambiguous(line)
        case .unknown: return invalid(typed, at: 1)
        }
        var output: String
        switch keyword {
        case "running-config":
            guard command.count == 1 || command.count >= 3 && "interface".hasPrefix(command[1].lowercased()) else {
                return command.count == 2 && "interface".hasPrefix(command[1].lowercased())
                    ? "% Incomplete command." : invalid(typed, at: 2)
            }
            let interface = command.count >= 3 ? command[2...].joined() : nil
            output = runningConfig(interface: interface.map(IOSNames.canonicalInterface))
        case "privilege":
            output = "Current privilege level is \(privileged ? 15 : 1)"
        case "version":
            output = device.status?("show version", device) ?? defaultVersion()
        case "startup-config":
            output =
                "Using \(device.startupConfig.render().utf8.count) out of 262136 bytes\r\n"
                + device.startupConfig.render().replacingNewlines() + "end"
        case "ip":
            guard command.count >= 2 else { return "% Incomplete command." }
            switch IOSKeywords.match(command[1], in: IOSKeywords.showIP) {
            case .keyword(let second):
                let canonical = ["show", "ip", second] + command.dropFirst(2)
                output = device.status?(canonical.joined(separator: " "), device) ?? deviceShow(canonical) ?? ""
            case .ambiguous: return Self.ambiguous(line)
            case .unknown: return invalid(typed, at: 2)
            }
        default:
            let canonical = ["show", keyword] + command.dropFirst()
            output = device.status?(canonical.joined(separator: " "), device) ?? deviceShow(canonical) ?? ""
        }
        guard let (kind, expression) = filter else { return output }
        return Self.filter(output, kind: kind, expression)
    }

    /// `show running-config [interface NAME]`.
    func runningConfig(interface: String?) -> String {
        var config = device.runningConfig
        if let interface {
            config = IOSConfig(lines: config.lines.filter { $0.text == "interface " + interface })
        }
        let text = config.render()
        return "Building configuration...\r\n\r\nCurrent configuration : \(text.utf8.count) bytes\r\n!\r\n"
            + text.replacingNewlines() + "end"
    }

    func defaultVersion() -> String {
        let banner =
            device.platform == "ios-xe"
            ? "Cisco IOS XE Software, Version \(device.software)\r\n"
                + "Cisco IOS Software [Cupertino], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
                + "Version \(device.software), RELEASE SOFTWARE (fc3)\r\n"
            : "Cisco IOS Software, C800 Software (C800-UNIVERSALK9-M), Version \(device.software), "
                + "RELEASE SOFTWARE (fc2)\r\n"
        return banner + "\(device.hostname) uptime is 1 hour, 2 minutes\r\n"
            + "Cisco \(device.model) (revision 1.0) with 488524K/35763K bytes of memory.\r\n"
            + "Processor board ID FGL000LAB01\r\n"
            + "Configuration register is 0x2102"
    }

    /// What the device answers from its own config when the lab's `status` has no answer
    /// (a router outside a lab): interfaces, addresses, the resolver.
    func deviceShow(_ canonical: [String]) -> String? {
        let config = device.runningConfig
        let rows = ShowOutput.interfaces(config)
        let words = canonical.dropFirst().map { $0.lowercased() }
        switch words.first {
        case "ip" where words.count == 2 && words[1] == "interface":
            return ShowOutput.ipInterface(rows)
        case "ip"
        where words.count == 3 && words[1] == "interface" && words[2].count >= 2 && "brief".hasPrefix(words[2]):
            return ShowOutput.interfaceBrief(rows, platform: device.platform)
        case "interfaces" where words.count == 1:
            return ShowOutput.interfaces(rows)
        case "bgp",
            "ip" where words.count >= 2 && words[1] == "bgp":
            // With BGP configured, what its sessions do is the lab's to say.
            let running = config.lines.contains { $0.text.hasPrefix("router bgp ") }
            return running ? nil : "% BGP not active"
        case "hosts":
            let domain = config.lines.first { $0.text.hasPrefix("ip domain name ") }.map {
                String($0.text.dropFirst("ip domain name ".count))
            }
            return "Default domain is \(domain ?? "not set")\r\nName/address lookup uses domain service\r\n"
                + "Name servers are 255.255.255.255"
        default: return nil
        }
    }

    /// `| include`, `| exclude`, `| begin`, `| section`, by prefix (`| i`, `| s`); the
    /// expression is matched as a substring alternation (`encaps|decaps`).
    static func filter(_ output: String, kind: String, _ expression: String) -> String {
        let alternatives = expression.split(separator: "|").map(String.init)
        func hit(_ line: Substring) -> Bool { alternatives.contains { line.contains($0) } }
        let lines = output.components(separatedBy: "\r\n").map { Substring($0) }
        var kept: [Substring] = []
        if "include".hasPrefix(kind) {
            kept = lines.filter(hit)
        } else if "exclude".hasPrefix(kind) {
            kept = lines.filter { !hit($0) }
        } else if "begin".hasPrefix(kind) {
            kept = Array(lines.drop { !hit($0) })
        } else if "section".hasPrefix(kind) {
            var inSection = false
            for line in lines {
                let top = !(line.first == " ")
                if top { inSection = hit(line) }
                if inSection || (!top && hit(line)) { kept.append(line) }
            }
        }
        return kept.joined(separator: "\r\n")
    }
}
