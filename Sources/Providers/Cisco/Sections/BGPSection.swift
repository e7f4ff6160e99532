internal import Reconciler
internal import Spec

/// The router's BGP process (`router bgp 65010`): the networks it announces and its neighbours.
enum BGPSection: IOSSectionKind {
    static let type = "ios.bgp"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("asn", .required), .init("networks"), .init("neighbors")],
        outputs: []
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        var children = [IOSLine("bgp log-neighbor-changes")]
        for network in v.maps("networks") {
            let prefix = network.text("prefix")
            let mask = network.text("mask")
            children.append(IOSLine("network \(prefix)" + (classful(prefix) == mask ? "" : " mask \(mask)")))
        }
        for neighbor in v.maps("neighbors") {
            let address = neighbor.text("address")
            children.append(IOSLine("neighbor \(address) remote-as \(neighbor.text("remoteAs"))"))
            if neighbor.has("ebgpMultihop") {
                children.append(IOSLine("neighbor \(address) ebgp-multihop \(neighbor.text("ebgpMultihop"))"))
            }
            if neighbor.has("updateSource") {
                children.append(IOSLine("neighbor \(address) update-source \(neighbor.text("updateSource"))"))
            }
        }
        return [IOSLine("router bgp \(v.text("asn"))", children: children)]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        guard let line = r.config.lines.first(where: { $0.text.hasPrefix("router bgp ") }) else { return nil }
        var networks: [Value] = []
        var neighbors: [String: [String: Value]] = [:]
        var order: [String] = []
        for child in line.children {
            let words = child.text.split(separator: " ").map(String.init)
            if words.first == "network", words.count >= 2 {
                let mask = words.count >= 4 && words[2] == "mask" ? words[3] : classful(words[1]) ?? ""
                networks.append(.map(["prefix": .string(words[1]), "mask": .string(mask)]))
            } else if words.first == "neighbor", words.count >= 4 {
                let address = words[1]
                if neighbors[address] == nil {
                    order.append(address)
                    neighbors[address] = ["address": .string(address)]
                }
                let key = [
                    "remote-as": "remoteAs", "ebgp-multihop": "ebgpMultihop", "update-source": "updateSource",
                ]
                if let name = key[words[2]] { neighbors[address]?[name] = .string(words[3]) }
            }
        }
        return [
            "asn": .string(String(line.text.dropFirst("router bgp ".count))), "networks": .list(networks),
            "neighbors": .list(order.map { .map(Attributes(neighbors[$0] ?? [:])) }),
        ]
    }

    /// A router runs one BGP process, whatever its number.
    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool { text.hasPrefix("router bgp ") }

    /// The natural mask of a classful network (`network` prints without `mask` then).
    static func classful(_ prefix: String) -> String? {
        guard let first = prefix.split(separator: ".").first.flatMap({ Int($0) }) else { return nil }
        switch first {
        case 0...127: return "255.0.0.0"
        case 128...191: return "255.255.0.0"
        case 192...223: return "255.255.255.0"
        default: return nil
        }
    }
}
