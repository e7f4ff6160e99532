extension RouteModel {
    /// The route a place uses for `address`: the longest prefix, then the lowest preference.
    ///
    /// A hub with a private-traffic routing intent sends private traffic to its firewall
    /// first, whatever is more specific, unless it comes from that firewall.
    public func lookup(_ address: IPv4Address, at place: Place, from previous: Place? = nil) -> Route? {
        if case .hub(let name) = place, let hub = topology.virtualHubs[name],
            let firewall = hub.spec.routingIntent?.privateTraffic, previous != .firewall(name),
            !hub.spec.addressPrefix.contains(address),
            let range = Self.privateRanges.first(where: { $0.contains(address) })
        {
            return Route(
                range,
                .place(.firewall(name)),
                .intent,
                preference: 0,
                why: "routing intent: private traffic goes through \(firewall)"
            )
        }
        return candidates(address, at: place).first
    }

    /// Every route of the place that matches, best first.
    public func candidates(_ address: IPv4Address, at place: Place) -> [Route] {
        table(place).filter { $0.prefix.contains(address) }.sorted {
            if $0.prefix.length != $1.prefix.length { return $0.prefix.length > $1.prefix.length }
            return $0.preference < $1.preference
        }
    }

    /// A place's table; an NVA uses the effective routes of the subnet it sits in.
    public func table(_ place: Place) -> [Route] {
        if case .appliance(let address) = place, let subnet = subnet(holding: address) {
            return tables[subnet] ?? []
        }
        return tables[place] ?? []
    }

    /// The subnet whose prefix holds an address, if any.
    public func subnet(holding address: IPv4Address) -> Place? {
        for vnet in topology.virtualNetworks {
            if let s = vnet.spec.subnets.first(where: { $0.prefix.contains(address) }) {
                return .subnet(vnet.name, s.name)
            }
        }
        return nil
    }
}
