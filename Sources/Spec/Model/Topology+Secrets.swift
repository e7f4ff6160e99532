extension Topology {
    /// Every secret the spec refers to, in file order, so a run can read and check them all
    /// before it touches anything.
    public var secretRefs: [SecretRef] {
        var refs: [SecretRef] = []
        for gateway in gateways {
            refs += gateway.spec.pointToSite?.rootCertificates.map(\.publicCertData) ?? []
        }
        refs += vpnConnections.map(\.spec.sharedKey)
        refs += expressRouteConnections.compactMap(\.spec.authorizationKey)
        refs += hubVpnConnections.map(\.spec.sharedKey)
        for router in routers {
            refs.append(router.spec.management.password)
            refs += [router.spec.management.enableSecret, router.spec.wan.pppoe?.chapPassword].compactMap { $0 }
        }
        refs += driftPolicies.compactMap(\.spec.webhookSecret)
        refs += stateBackends.compactMap(\.spec.postgresURL)
        return refs.sorted { $0.location < $1.location }
    }
}
