internal import Foundation
internal import Spec

/// What ARM refuses before any resource provider rule: names it does not allow,
/// types it does not know, bodies it cannot deserialize, address prefixes that are not CIDR.
extension AzureModel {
    /// ARM's limit on a request body (`RequestContentTooLarge` beyond it).
    public static let maximumRequestBytes = 4 << 20

    /// 413 as ARM answers a body over 4 MB.
    public static func tooLarge() -> ARMResponse {
        ARMResponse(
            status: 413,
            headers: ["Content-Type": "application/json; charset=utf-8"],
            body: Array(
                JSONOutput.encode(
                    Value.map([
                        "error": .map([
                            "code": "RequestContentTooLarge",
                            "message": "The request content size exceeds the maximum size of 4 MB.",
                        ])
                    ])
                ).utf8
            )
        )
    }

    /// Microsoft.Network's resource types (and child types), lower-cased; others are 404
    /// `InvalidResourceType`, as ARM answers for a type its namespace does not have.
    static let knownTypes: Set<String> = [
        "virtualnetworks", "virtualnetworks/subnets", "virtualnetworks/virtualnetworkpeerings", "publicipaddresses",
        "publicipprefixes", "virtualnetworkgateways", "localnetworkgateways", "connections", "virtualwans",
        "virtualhubs", "virtualhubs/ipconfigurations", "virtualhubs/bgpconnections",
        "virtualhubs/hubvirtualnetworkconnections", "virtualhubs/routingintent", "virtualhubs/hubroutetables",
        "virtualhubs/routemaps", "vpngateways", "vpngateways/vpnconnections", "vpnsites", "expressroutegateways",
        "expressroutegateways/expressrouteconnections", "expressroutecircuits", "expressroutecircuits/peerings",
        "expressroutecircuits/authorizations", "azurefirewalls", "firewallpolicies", "routetables",
        "routetables/routes", "networksecuritygroups", "networksecuritygroups/securityrules", "networkinterfaces",
        "natgateways", "bastionhosts", "privateendpoints", "applicationgateways", "loadbalancers", "networkwatchers",
        "ddosprotectionplans", "routefilters", "ipgroups", "vpnserverconfigurations", "p2svpngateways",
    ]

    /// The type a path names (for a POST action, the resource's, not the action's).
    func unknownType(in path: ARMPath, method: String, _ request: ARMRequest) -> ARMResponse? {
        let type: String
        switch path {
        case .list(_, _, let t), .resource(_, _, let t, _), .childAction(_, _, let t, _, _, _, _),
            .subscriptionList(_, let t):
            type = t
        case .childList(_, _, let t, _, let child): type = method == "POST" ? t : "\(t)/\(child)"
        case .child(_, _, let t, _, let child, _): type = "\(t)/\(child)"
        default: return nil
        }
        guard !Self.knownTypes.contains(type.lowercased()) else { return nil }
        return error(
            404,
            "InvalidResourceType",
            "The resource type '\(type)' could not be found in the namespace 'Microsoft.Network' for api version '\(request.query["api-version"] ?? "")'."
        )
    }

    /// Microsoft.Network's rule: 1 to 80 characters, letters, digits, `_`, `.` and `-`,
    /// beginning with a letter or digit and ending with a letter, digit or `_`.
    static func validNetworkName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard (1...80).contains(scalars.count), let first = scalars.first, let last = scalars.last else { return false }
        func alphanumeric(_ c: Unicode.Scalar) -> Bool { c.isASCII && CharacterSet.alphanumerics.contains(c) }
        return alphanumeric(first) && (alphanumeric(last) || last == "_")
            && scalars.allSatisfy { alphanumeric($0) || "_.-".unicodeScalars.contains($0) }
    }

    func invalidName(_ name: String) -> ARMResponse? {
        guard !Self.validNetworkName(name) else { return nil }
        return error(
            400,
            "InvalidResourceName",
            "Resource name \(Self.printable(name)) is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'."
        )
    }

    /// Resource groups: 1 to 90 letters, digits, `-`, `_`, `.`, `(` and `)`, not ending with `.`.
    func invalidGroupName(_ name: String) -> ARMResponse? {
        let scalars = Array(name.unicodeScalars)
        let allowed = scalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_.()".unicodeScalars.contains($0)
        }
        guard !allowed || !(1...90).contains(scalars.count) || name.hasSuffix(".") else { return nil }
        return error(
            400,
            "InvalidResourceGroup",
            "The provided resource group name \(Self.printable(name)) is invalid. The name can only be a letter, digit, '-', '.', '(', ')' or '_', up to 90 characters, and cannot end with '.'."
        )
    }

    /// A name as a message shows it: quoted, control characters escaped.
    static func printable(_ name: String) -> String {
        "'"
            + name.unicodeScalars.map {
                $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0)
            }
            .joined() + "'"
    }

    /// The JSON shape of the fields ARM deserializes into typed properties.
    enum Kind {
        case string, integer, boolean, object, array, strings, objects

        var described: String {
            switch self {
            case .string: "a string"
            case .integer: "an integer"
            case .boolean: "a boolean"
            case .object: "an object"
            case .array: "an array"
            case .strings: "an array of strings"
            case .objects: "an array of objects"
            }
        }

        func accepts(_ value: Value) -> Bool {
            switch (self, value) {
            case (_, .null): true
            case (.string, .string), (.integer, .int), (.boolean, .bool), (.object, .map), (.array, .list): true
            case (.strings, .list(let items)): items.allSatisfy { if case .string = $0 { true } else { false } }
            case (.objects, .list(let items)): items.allSatisfy { if case .map = $0 { true } else { false } }
            default: false
            }
        }
    }

    /// The kinds of a body's top-level fields.
    static let rootKinds: [String: Kind] = [
        "location": .string, "tags": .object, "properties": .object, "sku": .object, "zones": .strings,
    ]

    /// Field kinds by name, wherever the field appears inside a body (ARM's models share
    /// them; `sku`, an object on a gateway and a string on a hub, is not among them).
    static let kinds: [String: Kind] = [
        "properties": .object, "addressSpace": .object, "localNetworkAddressSpace": .object,
        "addressPrefixes": .strings,
        "addressPrefix": .string, "subnets": .objects, "subnet": .object, "ipConfigurations": .objects,
        "publicIPAddress": .object, "virtualNetworkGateway1": .object, "virtualNetworkGateway2": .object,
        "localNetworkGateway2": .object, "virtualHub": .object, "virtualWan": .object, "bgpSettings": .object,
        "asn": .integer, "peerAsn": .integer, "peerWeight": .integer, "routingWeight": .integer,
        "enableBgp": .boolean, "activeActive": .boolean, "allowBranchToBranchTraffic": .boolean,
        "disableBgpRoutePropagation": .boolean, "enableInternetSecurity": .boolean,
        "usePolicyBasedTrafficSelectors": .boolean, "gatewayType": .string, "vpnType": .string,
        "connectionType": .string, "connectionProtocol": .string, "gatewayIpAddress": .string,
        "bgpPeeringAddress": .string, "peerIp": .string, "routes": .objects, "nextHopType": .string,
        "nextHopIpAddress": .string, "vpnClientConfiguration": .object, "vpnClientAddressPool": .object,
        "dnsServers": .strings, "vpnClientProtocols": .strings,
    ]

    /// 400 `InvalidRequestContent` for a field of the wrong JSON type, 400
    /// `InvalidAddressPrefixFormat` for an address prefix that is not CIDR.
    func malformed(_ body: Attributes, id: String) -> ARMResponse? {
        if case .map(let properties)? = body["properties"], case .list(let subnets)? = properties["subnets"] {
            for case .map(let subnet) in subnets {
                if case .string(let name)? = subnet["name"], let refused = invalidName(name) { return refused }
            }
        }
        if let (path, kind) = Self.mistyped(body, at: "") {
            return error(
                400,
                "InvalidRequestContent",
                "The request content was invalid and could not be deserialized: '\(path)' must be \(kind.described)."
            )
        }
        if let bad = Self.malformedPrefix(in: .map(body)) {
            return error(
                400,
                "InvalidAddressPrefixFormat",
                "Address prefix \(bad) of resource \(id) is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24."
            )
        }
        return nil
    }

    static func mistyped(_ map: Attributes, at path: String) -> (String, Kind)? {
        for key in map.keys.sorted() {
            guard let value = map[key] else { continue }
            let here = path.isEmpty ? key : "\(path).\(key)"
            if key != "tags", let kind = (path.isEmpty ? rootKinds : kinds)[key], !kind.accepts(value) {
                return (here, kind)
            }
            if key == "tags", case .map(let tags) = value,
                let bad = tags.keys.sorted().first(where: { !Kind.string.accepts(tags[$0] ?? .null) })
            {
                return ("\(here).\(bad)", .string)
            }
            switch value {
            case .map(let nested) where key != "tags":
                if let found = mistyped(nested, at: here) { return found }
            case .list(let items):
                for (index, item) in items.enumerated() {
                    if case .map(let nested) = item, let found = mistyped(nested, at: "\(here)[\(index)]") {
                        return found
                    }
                }
            default: break
            }
        }
        return nil
    }

    /// An address and a length as CIDR writes them, host bits allowed (ARM takes them).
    static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
            let length = Int(parts[1])
        else { return false }
        return (0...32).contains(length) && IPv4Address(String(parts[0])) != nil
    }

    /// The first `addressPrefix(es)` value that looks like an IPv4 prefix but is not one
    /// (`999.1.1.1/99`, `10.1.0.0`); service tags (`Internet`) and IPv6 pass.
    static func malformedPrefix(in value: Value, key: String = "") -> String? {
        switch value {
        case .string(let text) where key == "addressPrefix" || key == "addressPrefixes":
            guard let first = text.unicodeScalars.first, ("0"..."9").contains(first), !text.contains(":") else {
                return nil
            }
            return Self.isCIDR(text) ? nil : text
        case .list(let items):
            return items.lazy.compactMap { malformedPrefix(in: $0, key: key) }.first
        case .map(let map):
            for entry in map.sorted(by: { $0.key < $1.key }) where entry.key != "tags" {
                if let bad = malformedPrefix(in: entry.value, key: entry.key) { return bad }
            }
            return nil
        default: return nil
        }
    }
}
