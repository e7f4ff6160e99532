internal import Foundation
internal import Spec

/// ARM's api-version check: a version the type does not publish is refused before the
/// resource provider sees the request, as ARM refuses it.
extension AzureModel {
    /// The type a path addresses, as ARM names it in its message (`virtualNetworks/subnets`),
    /// with its namespace for the table; nil for paths that are not a resource type's.
    static func versionedType(_ path: ARMPath, method: String) -> (namespace: String, type: String)? {
        let network = "Microsoft.Network"
        switch path {
        case .resourceGroup, .groups: return ("Microsoft.Resources", "resourceGroups")
        case .list(_, _, let t), .resource(_, _, let t, _), .subscriptionList(_, let t): return (network, t)
        case .childList(_, _, let t, _, let child): return (network, method == "POST" ? t : "\(t)/\(child)")
        case .child(_, _, let t, _, let child, _), .childAction(_, _, let t, _, let child, _, _):
            return (network, "\(t)/\(child)")
        case .sharedKey: return (network, "connections/sharedkey")
        case .operation: return (network, "locations/operations")
        case .operationResult: return (network, "locations/operationResults")
        case .subscriptionOperationResult: return nil
        }
    }

    /// 400 `NoRegisteredProviderFound` when `version` is not one the path's type publishes.
    func unsupportedVersion(_ version: String, _ path: ARMPath, _ request: ARMRequest) -> ARMResponse? {
        guard let (namespace, type) = Self.versionedType(path, method: request.method) else { return nil }
        let supported =
            options.apiVersions.map { Array($0).sorted() } ?? APIVersions.published(for: "\(namespace)/\(type)")
        guard !supported.contains(version) else { return nil }
        return error(
            400,
            "NoRegisteredProviderFound",
            "No registered resource provider found for location '\(location(of: path, request))' and API version '\(version)' for type '\(type)'. The supported api-versions are '\(supported.joined(separator: ", "))'."
        )
    }

    /// The location ARM names in the message: the body's, else the resource group's.
    func location(of path: ARMPath, _ request: ARMRequest) -> String {
        if case .string(let location)? = decode(request.body)?["location"] { return location }
        let group: String
        switch path {
        case .resourceGroup(_, let g), .list(_, let g, _), .resource(_, let g, _, _), .childList(_, let g, _, _, _),
            .child(_, let g, _, _, _, _), .childAction(_, let g, _, _, _, _, _), .sharedKey(_, let g, _):
            group = g
        case .operation(_, let location, _), .operationResult(_, let location, _): return location
        case .groups, .subscriptionList, .subscriptionOperationResult: return ""
        }
        if case .string(let location)? = groups[group.lowercased()]?["location"] { return location }
        return ""
    }
}
