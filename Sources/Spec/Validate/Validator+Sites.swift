extension Validator {
    mutating func checkSites() {
        var claimed: [String: SpecObject<Site>] = [:]
        for site in topology.sites {
            if site.spec.behindNat {
                warning(
                    .siteBehindNat,
                    "site '\(site.name)' is behind NAT: Azure takes NAT traversal (IKE and ESP over UDP 4500) "
                        + "only when the on-premises device starts the tunnel",
                    at: site.at("behindNat"),
                    // The VPN Gateway FAQ, today; the seed's "connects, then drops" predates it.
                    hint: "let the router initiate (Azure cannot reach it through the NAT), set publicIp to the "
                        + "NAT's public address, and let UDP 500 and 4500 through the NAT device"
                )
            }
            guard let device = site.spec.device else { continue }
            if let first = claimed[device] {
                error(
                    .siteDevice,
                    "router '\(device)' already terminates site '\(first.name)'",
                    at: site.at("device"),
                    hint: "one router serves one site",
                    notes: [.init("site '\(first.name)'", at: first.at("device"))]
                )
            } else {
                claimed[device] = site
            }
            if let router = topology.routers[device], let wan = router.spec.wan.address,
                let publicIp = site.spec.publicIp,
                wan.address != publicIp
            {
                error(
                    .siteDevice,
                    "site '\(site.name)' says its public IP is \(publicIp), but router '\(device)' has WAN address \(wan.address)",
                    at: site.at("publicIp"),
                    hint: "Azure's local network gateway must point at the router's WAN address",
                    notes: [.init("the router's WAN address", at: router.at("wan", "address"))]
                )
            }
        }
    }

    mutating func checkIntents() {
        for intent in topology.intents {
            for (i, egress) in intent.spec.internetEgress.enumerated() {
                if !isPlace(egress.from, allowSubnet: true, allowAddress: false) {
                    reportPlace(egress.from, at: intent.at("internetEgress", .index(i), "from"))
                }
            }
            for (i, r) in intent.spec.reachability.enumerated() {
                if !isPlace(r.from, allowSubnet: true, allowAddress: false) {
                    reportPlace(r.from, at: intent.at("reachability", .index(i), "from"))
                }
                if !isPlace(r.to, allowSubnet: true, allowAddress: true) {
                    reportPlace(r.to, at: intent.at("reachability", .index(i), "to"))
                }
            }
        }
    }

    /// Every intent must hold in the route model of the spec; a failing one is reported with
    /// the path that breaks it, hop by hop, and what the places on it do not get.
    mutating func checkIntentPaths() {
        guard !topology.intents.isEmpty else { return }
        let model = RouteModel(topology)
        for result in model.checkIntents() where !result.holds {
            let path = result.paths.first
            var notes: [Diagnostic.Note] = []
            for hop in path?.hops ?? [] {
                guard let location = model.location(of: hop.place) else { continue }
                notes.append(Diagnostic.Note(RouteModel.describe(hop), at: location))
            }
            error(
                .intentViolated,
                "\(result.statement) does not hold: \(result.reason ?? "")",
                at: result.location,
                hint: path?.withheld.first,
                notes: notes
            )
        }
    }

    /// A place is a site, a VNet, `vnet/subnet`, or (as a destination) an IPv4 address.
    private func isPlace(_ text: String, allowSubnet: Bool, allowAddress: Bool) -> Bool {
        if allowAddress && IPv4Address(text) != nil { return true }
        if topology.declared[.site]?[text] != nil || topology.declared[.virtualNetwork]?[text] != nil { return true }
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard allowSubnet, parts.count == 2, let vnet = topology.virtualNetworks[parts[0]] else { return false }
        return vnet.spec.subnet(named: parts[1]) != nil
    }

    private mutating func reportPlace(_ text: String, at location: SourceLocation) {
        let names =
            (topology.declared[.site] ?? [:]).keys.sorted() + (topology.declared[.virtualNetwork] ?? [:]).keys.sorted()
        error(
            .intentEndpoint,
            "'\(Excerpt.of(text))' is not a site, a VNet or VNet/subnet of this spec",
            at: location,
            hint: Suggest.didYouMean(text, in: names) ?? "places: " + names.prefix(8).joined(separator: ", ")
        )
    }
}
