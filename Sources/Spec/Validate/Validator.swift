/// Checks a decoded topology against the core's rules (docs/rules.md); each provider checks the
/// kinds it brings beside it (`ResourceLowering.check`: the Cisco provider's `CiscoRouter`).
///
/// Every rule reports at the offending line with a stable `RuleID` and, where one helps, a
/// hint. All rules run; the caller decides (by severity) whether to stop.
public struct Validator: RuleChecker {
    let topology: Topology
    public var diagnostics = Diagnostics()

    public init(_ topology: Topology) {
        self.topology = topology
    }

    /// Runs every rule and returns what they found, unsorted.
    public static func validate(_ topology: Topology) -> [Diagnostic] {
        var validator = Validator(topology)
        validator.checkObjectCounts()
        validator.checkPlugins()
        validator.checkReferences()
        validator.checkAddressPlan()
        validator.checkSubnets()
        validator.checkGateways()
        validator.checkConnections()
        validator.checkBgp()
        validator.checkRouteServers()
        validator.checkRouteTables()
        validator.checkVirtualWan()
        validator.checkSites()
        validator.checkIntents()
        // The routing analysis needs a spec whose references hold.
        if !validator.diagnostics.hasErrors { validator.checkIntentPaths() }
        return validator.diagnostics.all
    }

    // MARK: Object counts

    mutating func checkObjectCounts() {
        if topology.scopes.isEmpty && topology.declared[.azureScope] == nil {
            error(
                .scopeCount,
                "the spec has no AzureScope",
                at: .whole(topology.root),
                hint: "add one AzureScope (subscriptionId, resourceGroup, location; endpoint: lab for the local lab)"
            )
        }
        let scopes = (topology.declared[.azureScope] ?? [:]).values.sorted { $0.location < $1.location }
        for extra in scopes.dropFirst() {
            error(
                .scopeCount,
                "a spec has exactly one AzureScope; '\(extra.name)' is a second one",
                at: extra.location,
                notes: [.init("the first AzureScope", at: scopes[0].location)]
            )
        }
        let policies = (topology.declared[.driftPolicy] ?? [:]).values.sorted { $0.location < $1.location }
        for extra in policies.dropFirst() {
            error(
                .driftPolicyCount,
                "a spec has at most one DriftPolicy; '\(extra.name)' is a second one",
                at: extra.location,
                notes: [.init("the first DriftPolicy", at: policies[0].location)]
            )
        }
        let backends = (topology.declared[.stateBackend] ?? [:]).values.sorted { $0.location < $1.location }
        for extra in backends.dropFirst() {
            error(
                .stateBackendCount,
                "a spec has at most one StateBackend; '\(extra.name)' is a second one",
                at: extra.location,
                notes: [.init("the first StateBackend", at: backends[0].location)]
            )
        }
    }
}

extension Validator {
    /// A plugin's name is its resources' address prefix; a plugin in the repository runs only
    /// under its digest, so a pull request cannot swap the program CI runs.
    mutating func checkPlugins() {
        for plugin in topology.plugins {
            if !PluginSettings.isProviderName(plugin.name) {
                error(
                    .pluginPin,
                    "'\(plugin.name)' is not a provider name",
                    at: plugin.meta.location,
                    hint: "a plugin's name is lowercase letters, digits and dashes, a letter first (at most 40)"
                )
            }
            if plugin.spec.path != nil && plugin.spec.sha256 == nil {
                error(
                    .pluginPin,
                    "Plugin '\(plugin.name)' names its executable by path without its sha256",
                    at: plugin.meta.location(["spec", "path"]),
                    hint: "add 'sha256:' with what sha256sum prints for it, or drop 'path' to use "
                        + "reconcile-provider-\(plugin.name) from PATH"
                )
            }
        }
    }
}
