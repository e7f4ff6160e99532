extension Validator {
    mutating func checkVirtualWan() {
        for hub in topology.virtualHubs {
            let spec = hub.spec
            if spec.addressPrefix.length > 24 {
                error(
                    .vwanHubPrefix,
                    "hub prefix \(spec.addressPrefix) is smaller than /24",
                    at: hub.at("addressPrefix"),
                    hint: "a hub needs /24 or larger; /23 is recommended"
                )
            }
            if let wan = topology.virtualWans[spec.virtualWan], wan.spec.type == .basic {
                if spec.expressRouteGatewayScaleUnits != nil {
                    error(.vwanBasic, "a Basic Virtual WAN has no ExpressRoute", at: hub.at("expressRouteGateway"))
                }
                if spec.firewall != nil {
                    error(.vwanBasic, "a Basic Virtual WAN has no Azure Firewall in its hubs", at: hub.at("firewall"))
                }
                let hubs = topology.virtualHubs.filter { $0.spec.virtualWan == wan.name }
                if hubs.count > 1 && hubs.first?.name != hub.name {
                    error(
                        .vwanBasic,
                        "a Basic Virtual WAN has a single hub; '\(hub.name)' is another",
                        at: hub.at("virtualWan"),
                        hint: "use type: Standard"
                    )
                }
            }
            checkRoutingIntent(hub)
            let hasDefault = spec.routingIntent?.internet != nil
            for (i, c) in spec.virtualNetworkConnections.enumerated() where c.propagateDefaultRoute && !hasDefault {
                warnNoDefault(
                    hub: hub.name,
                    at: hub.at("virtualNetworkConnections", .index(i), "propagateDefaultRoute")
                )
            }
        }
        for c in topology.hubVpnConnections {
            guard let hub = topology.virtualHubs[c.spec.hub] else { continue }
            if hub.spec.vpnGateway == nil {
                error(
                    .vwanGatewayMissing,
                    "hub '\(hub.name)' has no vpnGateway for HubVpnConnection '\(c.name)'",
                    at: c.at("hub"),
                    hint: "add vpnGateway: {scaleUnits: 1} to the hub"
                )
            }
            if c.spec.propagateDefaultRoute && hub.spec.routingIntent?.internet == nil {
                warnNoDefault(hub: hub.name, at: c.at("propagateDefaultRoute"))
            }
        }
        for c in topology.expressRouteConnections {
            guard let hub = topology.virtualHubs[c.spec.gateway] else { continue }
            if hub.spec.expressRouteGatewayScaleUnits == nil {
                error(
                    .vwanGatewayMissing,
                    "hub '\(hub.name)' has no expressRouteGateway for ExpressRouteConnection '\(c.name)'",
                    at: c.at("gateway"),
                    hint: "add expressRouteGateway: {scaleUnits: 1} to the hub"
                )
            }
            if c.spec.propagateDefaultRoute == true && hub.spec.routingIntent?.internet == nil {
                warnNoDefault(hub: hub.name, at: c.at("propagateDefaultRoute"))
            }
        }
    }

    private mutating func warnNoDefault(hub: String, at location: SourceLocation) {
        warning(
            .vwanDefaultRoute,
            "propagateDefaultRoute has nothing to propagate: hub '\(hub)' has no default route",
            at: location,
            hint: "a hub never originates 0.0.0.0/0; give it routingIntent.internet to a firewall "
                + "(or have a branch advertise 0.0.0.0/0)"
        )
    }

    private mutating func checkRoutingIntent(_ hub: SpecObject<VirtualHub>) {
        guard let intent = hub.spec.routingIntent else { return }
        for (field, next) in [("internet", intent.internet), ("privateTraffic", intent.privateTraffic)] {
            guard let next else { continue }
            if let firewall = hub.spec.firewall {
                if firewall.name != next {
                    error(
                        .routingIntentFirewall,
                        "routing intent sends \(field) traffic to '\(next)', but the hub's firewall is '\(firewall.name)'",
                        at: hub.at("routingIntent", .key(field)),
                        hint: "did you mean '\(firewall.name)'?"
                    )
                }
            } else {
                error(
                    .routingIntentFirewall,
                    "routing intent sends \(field) traffic to '\(next)', but hub '\(hub.name)' has no firewall",
                    at: hub.at("routingIntent", .key(field)),
                    hint: "add firewall: {name: \(next), sku: Standard} to the hub"
                )
            }
        }
    }
}
