internal import Reconciler
public import Spec
public import Verify

/// The router end of each tunnel for `reconcile verify`, from a plugin that implements `facts`
/// (docs/plugin-protocol.md); a plugin without it manages no router verify can read, and its
/// sites' ends stay unchecked. A tunnel's proposals are compared when the plugin reports them.
extension PluginProvider: SiteRouterFacts {
    public func siteRouters(_ sites: [String], of topology: Topology) async throws -> [String: SiteRouter] {
        guard capabilities.contains("facts") else { return [:] }
        let routers = try await blocking { try self.factsNow(sites: sites) }
        var result: [String: SiteRouter] = [:]
        for router in routers {
            result[router.site] = SiteRouter(device: router.name, facts: router.facts, tunnelsBySpecName: true)
        }
        return result
    }

    /// Every router the plugin manages, by its name.
    public func routerFacts(_ devices: [String]) async throws -> [String: RouterFacts] {
        guard capabilities.contains("facts") else { return [:] }
        let routers = try await blocking { try self.factsNow(sites: nil) }
        let wanted = Set(devices)
        var result: [String: RouterFacts] = [:]
        for router in routers where wanted.contains(router.name) { result[router.name] = router.facts }
        return result
    }

    /// Nil: a plugin's tunnels carry the spec's tunnel names (`SiteRouter.tunnelsBySpecName`).
    public func tunnelInterface(device: String, tunnel: String, in graph: DesiredGraph) -> String? { nil }

    /// One router as `facts` reports it.
    struct ReportedRouter {
        var name: String
        var site: String
        var facts: RouterFacts
    }

    /// Asks `facts` for the routers at `sites` (all the plugin manages when nil), with a key made
    /// for this call alone to fingerprint each pre-shared key with: no key crosses the pipe.
    func factsNow(sites: [String]?) throws(ProviderError) -> [ReportedRouter] {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        var params: [String: JSON] = ["fingerprintKey": .string(Digests.hex(key))]
        if let sites { params["sites"] = .array(sites.map(JSON.string)) }
        guard let answer = try callOptional("facts", capability: "facts", .object(params)) else { return [] }
        guard let routers = answer["routers"]?.arrayValue else { throw bad("facts", "no routers array") }
        var seenSites: Set<String> = []
        return try routers.enumerated().map { (index, item) throws(ProviderError) in
            let at = "routers[\(index)]"
            guard let name = item["name"]?.stringValue, let site = item["site"]?.stringValue else {
                throw bad("facts", "\(at) without a name and a site")
            }
            let shown = Escape.terminal(site, newlines: false)
            if let sites, !sites.contains(site) {
                throw bad("facts", "\(at) at site \(shown), which was not asked for")
            }
            guard seenSites.insert(site).inserted else { throw bad("facts", "two routers at site \(shown)") }
            guard let tunnels = item["tunnels"]?.arrayValue else { throw bad("facts", "\(at) with no tunnels array") }
            var facts = RouterFacts(
                tunnels: [],
                ikev2: [],
                ipsec: [],
                bgp: RouterShow.BGPSummary(neighbors: []),
                routes: nil
            )
            for (number, tunnel) in tunnels.enumerated() {
                try add(tunnel, at: "\(at).tunnels[\(number)]", device: name, key: key, to: &facts)
            }
            return ReportedRouter(name: name, site: site, facts: facts)
        }
    }

    /// One reported tunnel into `facts`: its end, and SAs when the plugin saw them up.
    private func add(
        _ tunnel: JSON,
        at: String,
        device: String,
        key: [UInt8],
        to facts: inout RouterFacts
    ) throws(ProviderError) {
        guard let name = tunnel["name"]?.stringValue else { throw bad("facts", "\(at) without a name") }
        func text(_ field: String) throws(ProviderError) -> String? {
            switch tunnel[field] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw bad("facts", "\(at).\(field) that is not a string")
            }
        }
        var end = RouterEnd(
            device: device,
            tunnel: name,
            destination: try text("destination"),
            peerAddress: try text("peerAddress"),
            identity: try text("identity"),
            sharedKey: nil,
            wanAddress: try text("wanAddress"),
            ikeVersion: try text("ikeVersion") ?? "IKEv2",
            offers: try proposals(tunnel["proposals"], at: "\(at).proposals"),
            bgpNeighbors: []
        )
        switch tunnel["sharedKey"] {
        case nil, .null?:
            break
        case let value?:
            // Only a fingerprint: a key in clear (or any other form) is refused, and not repeated.
            guard let print = value["$fingerprint"]?.stringValue, value.objectValue?.count == 1,
                print.hasPrefix("hmac-sha256:")
            else { throw bad("facts", "\(at).sharedKey that is not {\"$fingerprint\": \"hmac-sha256:…\"}") }
            end.sharedKeyFingerprint = KeyFingerprint(print: print, key: key)
        }
        let detail = try text("stateDetail")
        switch try text("state") {
        case "up":
            // The plugin saw both SAs established: in the terms of the router facts verify reads.
            facts.ikev2.append(
                RouterShow.IKEv2SA(
                    tunnelID: facts.ikev2.count + 1,
                    local: end.wanAddress ?? "",
                    remote: end.destination ?? "",
                    status: "READY"
                )
            )
            facts.ipsec.append(
                RouterShow.IPsecSA(
                    interface: name,
                    localAddress: end.wanAddress,
                    peer: end.destination,
                    packetsEncrypted: tunnel["packetsEncrypted"]?.intValue ?? 0,
                    packetsDecrypted: tunnel["packetsDecrypted"]?.intValue ?? 0,
                    inboundStatus: ["ACTIVE"],
                    outboundStatus: ["ACTIVE"]
                )
            )
        case "down":
            break
        case "unknown", nil:
            end.stateUnseen =
                "plugin \(self.name) cannot see the SA state"
                + (detail.map { " (\(Escape.terminal(connection.maskText($0), newlines: false)))" } ?? "")
        case let other?:
            throw bad("facts", "\(at).state \(Escape.terminal(other, newlines: false)), not up, down or unknown")
        }
        facts.tunnels.append(end)
    }

    /// A tunnel's `proposals` (what the router offers, in the spec's words); nil when the plugin
    /// does not report them, and verify then does not compare them.
    ///
    /// A hostile plugin may send any JSON: a key outside the five, a list longer than its field
    /// has values or repeating one, a value megabytes long. Each is refused, and a value is quoted
    /// only by its start (`Excerpt`), escaped.
    private func proposals(_ value: JSON?, at: String) throws(ProviderError) -> IpsecProposals? {
        guard let value, value != .null else { return nil }
        guard let fields = value.objectValue else {
            throw bad("facts", "\(at) that is \(value.kindName), not an object")
        }
        let keys = ["ikeEncryption", "ikeIntegrity", "dhGroup", "ipsecEncryption", "ipsecIntegrity"]
        if let unknown = fields.keys.sorted().first(where: { !keys.contains($0) }) {
            let shown = Escape.terminal(Excerpt.of(unknown), newlines: false)
            throw bad("facts", "\(at).\(shown), not one of \(keys.joined(separator: ", "))")
        }
        func list<Choice: RawRepresentable<String> & CaseIterable & Equatable>(_ key: String) throws(ProviderError)
            -> [Choice]
        {
            guard let field = fields[key] else { throw bad("facts", "\(at).\(key) missing") }
            guard let items = field.arrayValue else { throw bad("facts", "\(at).\(key) that is not an array") }
            guard items.count <= Choice.allCases.count else {
                let most = Choice.allCases.count
                throw bad("facts", "\(at).\(key) with \(items.count) values, more than the \(most) there are")
            }
            var choices: [Choice] = []
            for item in items {
                guard let word = item.stringValue, let choice = Choice(rawValue: word) else {
                    let shown =
                        item.stringValue.map { Escape.terminal(Excerpt.of($0), newlines: false) } ?? item.kindName
                    let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                    throw bad("facts", "\(at).\(key) holding \(shown), not one of \(known)")
                }
                guard !choices.contains(choice) else { throw bad("facts", "\(at).\(key) holding \(word) twice") }
                choices.append(choice)
            }
            return choices
        }
        return IpsecProposals(
            ikeEncryption: try list("ikeEncryption"),
            ikeIntegrity: try list("ikeIntegrity"),
            dhGroups: try list("dhGroup").filter { (group: DhGroup) in group != .none },
            ipsecEncryption: try list("ipsecEncryption"),
            ipsecIntegrity: try list("ipsecIntegrity")
        )
    }
}
