public import AzureModel
internal import Foundation

/// Faults the lab injects, for chaos runs: `RECONCILE_LAB_FAULTS=throttle=9,error=13,…`.
///
/// Each `NAME=N` makes every Nth of something fail: `throttle` (ARM answers 429 with
/// Retry-After), `error` (500), `conflict` (409 AnotherOperationInProgress on a write), `drop`
/// (the request is carried out but the connection drops before the answer), `ssh-drop`
/// (every Nth SSH connection to a router is cut in the middle).
public struct LabFaults: Sendable {
    public var azure = AzureModel.Faults()
    public var sshDropEvery: Int?

    public init() {}

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unknown(String)

        public var description: String {
            switch self {
            case .unknown(let item):
                "RECONCILE_LAB_FAULTS: '\(item)' is not NAME=N with NAME one of throttle, error, conflict, drop, ssh-drop "
                    + "and N a positive whole number"
            }
        }
    }

    /// The faults `text` names (nil or empty: none).
    public static func parse(_ text: String?) throws(Failure) -> LabFaults {
        var faults = LabFaults()
        for item in (text ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let every = Int(parts[1]), every > 0 else { throw .unknown(item) }
            switch parts[0] {
            case "throttle": faults.azure.throttleEvery = every
            case "error": faults.azure.serverErrorEvery = every
            case "conflict": faults.azure.conflictEvery = every
            case "drop": faults.azure.dropEvery = every
            case "ssh-drop": faults.sshDropEvery = every
            default: throw .unknown(item)
            }
        }
        return faults
    }
}
