/// One `Intent` statement judged against the route model.
public struct IntentResult: Sendable {
    public var intent: String
    /// Where the statement is written.
    public var location: SourceLocation
    /// "internetEgress from tokyo-hq via azure".
    public var statement: String
    public var holds: Bool
    /// The paths followed; when it fails, the first is the one that breaks it.
    public var paths: [RoutePath]
    /// What breaks it, in a sentence.
    public var reason: String?
}

extension RouteModel {
    /// Every statement of every `Intent`, in spec order.
    public func checkIntents() -> [IntentResult] {
        var results: [IntentResult] = []
        for intent in topology.intents {
            for (i, egress) in intent.spec.internetEgress.enumerated() {
                results.append(
                    checkEgress(
                        from: egress.from,
                        via: egress.via,
                        intent: intent.name,
                        at: intent.at("internetEgress", .index(i))
                    )
                )
            }
            for (i, r) in intent.spec.reachability.enumerated() {
                results.append(
                    checkReach(r, intent: intent.name, at: intent.at("reachability", .index(i)))
                )
            }
        }
        return results
    }

    func checkEgress(from: String, via: EgressVia, intent: String, at location: SourceLocation) -> IntentResult {
        let statement = "internetEgress from \(from) via \(via.rawValue)"
        var paths: [RoutePath] = []
        var failing: (RoutePath, String)?
        for source in sources(from) {
            for probe in Self.internetProbes {
                let path = trace(from: source, to: probe)
                paths.append(path)
                guard failing == nil else { continue }
                if case .internet(let exit) = path.outcome {
                    if exit.isAzure != (via == .azure) {
                        failing = (path, "internet traffic from \(source) (to \(probe)) \(path.outcomeText)")
                    }
                } else {
                    failing = (path, "internet traffic from \(source) (to \(probe)) never leaves: \(path.outcomeText)")
                }
            }
        }
        if let (path, reason) = failing {
            paths.removeAll { $0.source == path.source && $0.destination == path.destination }
            paths.insert(path, at: 0)
            return IntentResult(
                intent: intent,
                location: location,
                statement: statement,
                holds: false,
                paths: paths,
                reason: reason
            )
        }
        return IntentResult(intent: intent, location: location, statement: statement, holds: true, paths: paths)
    }

    func checkReach(_ r: Intent.Reachability, intent: String, at location: SourceLocation) -> IntentResult {
        let statement = "reachability from \(r.from) to \(r.to): \(r.expect.rawValue)"
        guard let (address, targets) = destination(r.to) else {
            return IntentResult(
                intent: intent,
                location: location,
                statement: statement,
                holds: false,
                paths: [],
                reason: "\(r.to) has no address to reach"
            )
        }
        var paths: [RoutePath] = []
        var broken: (RoutePath, String)?
        for source in sources(r.from) {
            let forward = trace(from: source, to: address)
            paths.append(forward)
            let arrived: Bool
            if case .delivered(let place) = forward.outcome {
                arrived = targets.isEmpty || targets.contains(place)
            } else if case .internet = forward.outcome {
                arrived = targets.isEmpty
            } else {
                arrived = false
            }
            if !arrived {
                if broken == nil { broken = (forward, "traffic from \(source) to \(address) \(forward.outcomeText)") }
                continue
            }
            // The answer must find its way back.
            guard let back = targets.first, let origin = self.address(of: source) else { continue }
            let reverse = trace(from: back, to: origin)
            paths.append(reverse)
            if reverse.outcome != .delivered(source), broken == nil {
                broken = (reverse, "the reply from \(back) to \(origin) \(reverse.outcomeText)")
            }
        }
        let reachable = broken == nil
        let holds = reachable == (r.expect == .reachable)
        var reason: String?
        if !holds {
            if let (path, text) = broken {
                reason = text
                paths.removeAll { $0.source == path.source && $0.destination == path.destination }
                paths.insert(path, at: 0)
            } else {
                reason = "\(r.to) is reachable from \(r.from)" + (paths.first.map { ": " + $0.outcomeText } ?? "")
            }
        }
        return IntentResult(
            intent: intent,
            location: location,
            statement: statement,
            holds: holds,
            paths: paths,
            reason: reason
        )
    }

    /// Where the spec writes a place, for notes that point at it.
    public func location(of place: Place) -> SourceLocation? {
        switch place {
        case .site(let name): return topology.sites[name]?.meta.location
        case .subnet(let vnet, _): return topology.virtualNetworks[vnet]?.meta.location
        case .gateway(let name): return topology.gateways[name]?.meta.location
        case .hub(let name), .firewall(let name): return topology.virtualHubs[name]?.meta.location
        case .appliance(let address):
            for server in topology.routeServers {
                if let i = server.spec.peers.firstIndex(where: { $0.ip == address }) {
                    return server.at("peers", .index(i))
                }
            }
            return nil
        }
    }

    /// One line per hop: the route used and why.
    public static func describe(_ hop: RoutePath.Hop) -> String {
        guard let route = hop.route else { return "\(hop.place): no route" }
        return "\(hop.place): \(route.prefix) → \(route.nextHop) (\(route.why))"
    }
}

extension RouteModel {
    /// What the network does today, as `Intent` statements that hold: each site's internet
    /// egress, and whether it reaches each subnet of each VNet (`reconcile import` writes these,
    /// so a user can lock in today's behaviour before changing anything).
    ///
    /// A site whose internet traffic leaves neither way gets no egress statement; subnets Azure
    /// reserves for its own services (GatewaySubnet and the like) are left out.
    public func todaysIntent() -> Intent {
        var egress: [Intent.Egress] = []
        var reachability: [Intent.Reachability] = []
        let here = SourceLocation.whole(topology.root)
        for site in topology.sites.sorted(by: { $0.name < $1.name }) {
            for via in EgressVia.allCases
            where checkEgress(from: site.name, via: via, intent: "", at: here).holds {
                egress.append(Intent.Egress(from: site.name, via: via))
                break
            }
            for vnet in topology.virtualNetworks.sorted(by: { $0.name < $1.name }) {
                for subnet in vnet.spec.subnets where !VirtualNetwork.reservedSubnetNames.contains(subnet.name) {
                    let to = "\(vnet.name)/\(subnet.name)"
                    let probe = Intent.Reachability(from: site.name, to: to, expect: .reachable)
                    let reachable = checkReach(probe, intent: "", at: here).holds
                    reachability.append(
                        Intent.Reachability(from: site.name, to: to, expect: reachable ? .reachable : .blocked)
                    )
                }
            }
        }
        return Intent(internetEgress: egress, reachability: reachability)
    }
}

extension Intent {
    /// The document that says this intent, as `reconcile import` writes it.
    public func document(name: String, file: String, comments: [String] = []) -> SpecDocument {
        SpecDocument(
            kind: Kind.intent.rawValue,
            name: name,
            file: file,
            comments: comments,
            spec: [
                internetEgress.isEmpty
                    ? nil
                    : SpecField(
                        "internetEgress",
                        .list(
                            internetEgress.map {
                                .fields([("from", .string($0.from)), ("via", .string($0.via.rawValue))])
                            }
                        )
                    ),
                reachability.isEmpty
                    ? nil
                    : SpecField(
                        "reachability",
                        .list(
                            reachability.map {
                                .fields([
                                    ("from", .string($0.from)), ("to", .string($0.to)),
                                    ("expect", .string($0.expect.rawValue)),
                                ])
                            }
                        )
                    ),
            ].compactMap { $0 }
        )
    }
}
