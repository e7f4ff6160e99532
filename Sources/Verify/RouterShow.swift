/// What a site router shows about its tunnels, sessions and routes, in terms any router's
/// provider can fill (the Cisco provider reads them from `show` commands): the router's half
/// of the facts `verify` assesses.
public enum RouterShow {
    /// One IKEv2 security association.
    public struct IKEv2SA: Sendable, Hashable, Codable {
        public var tunnelID: Int
        public var local: String
        public var remote: String
        public var status: String
        /// `AES-CBC`, with the key size when shown (`AES-CBC-256`).
        public var encryption: String?
        public var dhGroup: String?
        public var lifetimeSeconds: Int?
        public var activeSeconds: Int?

        public init(
            tunnelID: Int,
            local: String,
            remote: String,
            status: String,
            encryption: String? = nil,
            dhGroup: String? = nil,
            lifetimeSeconds: Int? = nil,
            activeSeconds: Int? = nil
        ) {
            self.tunnelID = tunnelID
            self.local = local
            self.remote = remote
            self.status = status
            self.encryption = encryption
            self.dhGroup = dhGroup
            self.lifetimeSeconds = lifetimeSeconds
            self.activeSeconds = activeSeconds
        }

        /// READY: the IKE SA is up.
        public var isUp: Bool { status == "READY" }
        /// The remote address without the port (`198.51.100.20/500` → `198.51.100.20`).
        public var remoteAddress: String { String(remote.split(separator: "/").first ?? "") }
    }

    /// One protected interface's IPsec state.
    public struct IPsecSA: Sendable, Hashable, Codable {
        public var interface: String
        public var localAddress: String?
        public var peer: String?
        public var packetsEncrypted: Int
        public var packetsDecrypted: Int
        /// Each ESP SA's `Status:` (inbound first).
        public var inboundStatus: [String]
        public var outboundStatus: [String]

        public init(
            interface: String,
            localAddress: String? = nil,
            peer: String? = nil,
            packetsEncrypted: Int,
            packetsDecrypted: Int,
            inboundStatus: [String],
            outboundStatus: [String]
        ) {
            self.interface = interface
            self.localAddress = localAddress
            self.peer = peer
            self.packetsEncrypted = packetsEncrypted
            self.packetsDecrypted = packetsDecrypted
            self.inboundStatus = inboundStatus
            self.outboundStatus = outboundStatus
        }

        /// Both directions have an ESP SA, and every one is ACTIVE.
        public var isUp: Bool {
            !inboundStatus.isEmpty && !outboundStatus.isEmpty
                && (inboundStatus + outboundStatus).allSatisfy { $0.hasPrefix("ACTIVE") }
        }
    }

    public struct Route: Sendable, Hashable, Codable {
        /// The route's code, as IOS prints it (`S*`, `C`, `L`, `B`, `O E2`).
        public var code: String
        public var prefix: String
        public var nextHop: String?
        public var interface: String?
        public var distance: Int?
        public var metric: Int?

        public init(
            code: String,
            prefix: String,
            nextHop: String? = nil,
            interface: String? = nil,
            distance: Int? = nil,
            metric: Int? = nil
        ) {
            self.code = code
            self.prefix = prefix
            self.nextHop = nextHop
            self.interface = interface
            self.distance = distance
            self.metric = metric
        }
    }

    public struct RoutingTable: Sendable, Hashable, Codable {
        public var gatewayOfLastResort: String?
        public var routes: [Route]

        public init(gatewayOfLastResort: String? = nil, routes: [Route]) {
            self.gatewayOfLastResort = gatewayOfLastResort
            self.routes = routes
        }

        /// The route for exactly this prefix (`10.10.0.0/16`), if there is one.
        public func route(_ prefix: String) -> Route? { routes.first { $0.prefix == prefix } }
    }

    public struct BGPNeighbor: Sendable, Hashable, Codable {
        public var address: String
        public var remoteAS: String
        public var upDown: String
        /// Established: the number of prefixes received; otherwise nil and `state` says why.
        public var prefixesReceived: Int?
        public var state: String

        public init(address: String, remoteAS: String, upDown: String, prefixesReceived: Int?, state: String) {
            self.address = address
            self.remoteAS = remoteAS
            self.upDown = upDown
            self.prefixesReceived = prefixesReceived
            self.state = state
        }

        public var isEstablished: Bool { prefixesReceived != nil }
    }

    public struct BGPSummary: Sendable, Hashable, Codable {
        public var routerID: String?
        public var localAS: String?
        public var neighbors: [BGPNeighbor]

        public init(routerID: String? = nil, localAS: String? = nil, neighbors: [BGPNeighbor]) {
            self.routerID = routerID
            self.localAS = localAS
            self.neighbors = neighbors
        }
    }
}
