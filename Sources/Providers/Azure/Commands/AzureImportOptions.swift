public import ArgumentParser
import Azure
public import ReconcileCLI
public import Reconciler
import Spec

/// What the Azure provider adds to `reconcile import`: the resource group to read, and where
/// ARM is.
///
/// A spec has one AzureScope, so an import reads exactly one group: without `--azure` the
/// command is refused (a router's saved config alone has `reconcile ios import`).
public struct AzureImportOptions: ImportOptions {
    @Option(help: ArgumentHelp("A resource group to read: SUBSCRIPTION/RESOURCE_GROUP.", valueName: "SUB/RG"))
    var azure: [String] = []

    @Option(help: "Where ARM is: public (Azure public cloud) or an ARM-compatible URL (the lab's, from `lab serve`).")
    var endpoint: String = "public"

    public init() {}

    public static var discussion: String {
        """
        --azure: the resource group is read through ARM (one list per type) and
        written in azure.yaml.
        """
    }

    public static var example: [String] { ["--azure 0000…/rg-s2s-tokyo"] }

    /// The group's importer, through ARM as the provider reaches it.
    public func importers(_ request: ImportRequest) throws(ImportOptionError) -> [any Importer] {
        guard let endpoint = Endpoint(endpoint), endpoint != .lab else {
            throw ImportOptionError(
                "--endpoint '\(endpoint)' is not public or an ARM URL (the lab's is printed by `reconcile lab serve`)"
            )
        }
        var groups: [(subscription: String, resourceGroup: String)] = []
        for text in azure {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ImportOptionError("--azure '\(text)' is not SUBSCRIPTION/RESOURCE_GROUP")
            }
            groups.append((String(parts[0]), String(parts[1])))
        }
        if groups.count > 1 {
            throw ImportOptionError(
                "--azure is given \(groups.count) times; a spec has one AzureScope: import each group into its own directory"
            )
        }
        guard let group = groups.first else {
            throw ImportOptionError(
                "give --azure SUBSCRIPTION/RESOURCE_GROUP: a spec has one AzureScope (a router's saved config alone: "
                    + "`reconcile ios import FILE`)"
            )
        }
        return [
            AzureImporter.reading(
                subscription: group.subscription,
                resourceGroup: group.resourceGroup,
                endpoint: endpoint,
                say: request.say
            )
        ]
    }
}
