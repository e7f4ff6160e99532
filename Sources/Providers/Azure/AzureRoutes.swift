internal import Reconciler
internal import Spec

/// One route as Azure reports it: learned or advertised by a gateway, in a Virtual WAN
/// hub, exchanged by a Route Server, or effective on a subnet.
public struct AzureRoute: Sendable, Hashable, Codable {
    public var prefix: String
    public var nextHopType: String
    /// An address or a resource id; empty for routes with none (VnetLocal, Internet).
    public var nextHop: String
    /// `Network`, `Igp`, `EBgp`, `IBgp` for BGP routes; `Default`, `VirtualNetworkGateway`, `User` on a subnet;
    /// the resource that brought it in a hub.
    public var origin: String
    public var asPath: String
    /// `Active` or `Invalid` (only a subnet's table has routes that lose).
    public var state: String

    public init(
        prefix: String,
        nextHopType: String = "",
        nextHop: String = "",
        origin: String = "",
        asPath: String = "",
        state: String = "Active"
    ) {
        self.prefix = prefix
        self.nextHopType = nextHopType
        self.nextHop = nextHop
        self.origin = origin
        self.asPath = asPath
        self.state = state
    }
}

/// Which routes to read.
///
/// Names are resource names in the provider's resource group.
public enum AzureRouteQuery: Sendable, Hashable {
    /// What a virtual network gateway has learned (`getLearnedRoutes`).
    case learned(gateway: String)
    /// What a virtual network gateway advertises to one BGP peer (`getAdvertisedRoutes`).
    case advertised(gateway: String, peer: String)
    /// A Virtual WAN hub's routes, all of them or those one connection receives (`effectiveRoutes`).
    case hub(String, connection: String?)
    /// What a Route Server learned from one peer, or advertises to it.
    case routeServer(String, peer: String, learned: Bool)
    /// A subnet's effective route table (the Azure model's; ARM has it per network interface).
    case subnet(virtualNetwork: String, subnet: String)
}

extension AzureProvider {
    /// Reads routes; the data `verify` and route analysis work from.
    public func routes(_ query: AzureRouteQuery) async throws -> [AzureRoute] {
        func at(_ relative: String) -> String { path(.azure(relative)) }
        let version = Self.networkVersion
        do {
            switch query {
            case .learned(let gateway):
                let answer = try await client.post(
                    at("virtualNetworkGateways/\(gateway)") + "/getLearnedRoutes",
                    apiVersion: version
                )
                return Self.items(answer).map(Self.bgpRoute)
            case .advertised(let gateway, let peer):
                let answer = try await client.post(
                    at("virtualNetworkGateways/\(gateway)") + "/getAdvertisedRoutes?peer=\(peer)",
                    apiVersion: version
                )
                return Self.items(answer).map(Self.bgpRoute)
            case .hub(let hub, let connection):
                var body: Attributes = [:]
                if let connection { body["resourceId"] = .string(connection) }
                let answer = try await client.post(
                    at("virtualHubs/\(hub)") + "/effectiveRoutes",
                    apiVersion: version,
                    body: .map(body)
                )
                return Self.items(answer).map { item in
                    AzureRoute(
                        prefix: Self.first(item["addressPrefixes"]),
                        nextHopType: Self.text(item["nextHopType"]),
                        nextHop: Self.first(item["nextHops"]),
                        origin: Self.text(item["routeOrigin"]),
                        asPath: Self.text(item["asPath"])
                    )
                }
            case .routeServer(let server, let peer, let learned):
                let answer = try await client.post(
                    at("virtualHubs/\(server)/bgpConnections/\(peer)")
                        + (learned ? "/learnedRoutes" : "/advertisedRoutes"),
                    apiVersion: version
                )
                // One list per Route Server instance; both hold the same routes.
                guard case .map(let body)? = answer, case .map(let roles)? = body["value"] else { return [] }
                var seen: Set<AzureRoute> = []
                return roles.keys.sorted().flatMap { key -> [AzureRoute] in
                    guard case .list(let list)? = roles[key] else { return [] }
                    return list.compactMap { if case .map(let m) = $0 { m } else { nil } }.map(Self.bgpRoute)
                        .map {
                            var r = $0
                            r.nextHop = ""
                            return r
                        }
                }.filter { seen.insert($0).inserted }
            case .subnet(let vnet, let subnet):
                let answer = try await client.post(
                    at("virtualNetworks/\(vnet)/subnets/\(subnet)") + "/effectiveRouteTable",
                    apiVersion: version
                )
                return Self.items(answer).map { item in
                    AzureRoute(
                        prefix: Self.first(item["addressPrefix"]),
                        nextHopType: Self.text(item["nextHopType"]),
                        nextHop: Self.first(item["nextHopIpAddress"]),
                        origin: Self.text(item["source"]),
                        state: Self.text(item["state"])
                    )
                }
            }
        } catch let error as ARMError {
            throw error.providerError
        }
    }

    static func items(_ answer: Value?) -> [Attributes] {
        guard case .map(let body)? = answer, case .list(let list)? = body["value"] else { return [] }
        return list.compactMap { if case .map(let m) = $0 { m } else { nil } }
    }

    static func bgpRoute(_ item: Attributes) -> AzureRoute {
        AzureRoute(
            prefix: text(item["network"]),
            nextHopType: "",
            nextHop: text(item["nextHop"]),
            origin: text(item["origin"]),
            asPath: text(item["asPath"])
        )
    }

    static func text(_ value: Value?) -> String { value?.scalarText ?? "" }

    static func first(_ value: Value?) -> String {
        if case .list(let list)? = value, let head = list.first { return text(head) }
        return text(value)
    }
}
