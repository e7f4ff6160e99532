internal import Foundation
public import Reconciler
public import Spec

/// How a finding came about.
///
/// A closed set; `pending` is not drift, and an acknowledged finding of any class is not drift either.
public enum DriftClass: String, Sendable, Codable, CaseIterable, Comparable {
    /// What Azure or the router holds differs from the last apply and from the spec.
    case changed
    /// The last apply made it; it is gone.
    case missing
    /// Present in the resource group or on the router, owned by no spec.
    case unmanaged
    /// The config matches, but a tunnel or a BGP session is down.
    case operational
    /// The spec changed and was not applied yet: reported, not drift.
    case pending

    /// As reports title it.
    public var title: String {
        switch self {
        case .changed: return "changed out of band"
        case .missing: return "missing (deleted out of band)"
        case .unmanaged: return "unmanaged (no spec owns it)"
        case .operational: return "operational (config matches, but down)"
        case .pending: return "pending (spec changed, not applied yet; not drift)"
        }
    }

    public static func < (a: DriftClass, b: DriftClass) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// One attribute's three values: as last applied, as observed now, as the spec wants.
///
/// Secrets are never here: a sensitive change says only that fingerprints differ.
public struct DriftChange: Sendable, Codable, Hashable {
    public var path: String
    public var lastApplied: Value?
    public var observed: Value?
    public var desired: Value?
    public var sensitive: Bool

    public init(path: String, lastApplied: Value?, observed: Value?, desired: Value?, sensitive: Bool = false) {
        self.path = path
        self.lastApplied = lastApplied
        self.observed = observed
        self.desired = desired
        self.sensitive = sensitive
    }
}

/// An acknowledgement that matched a finding.
public struct AcknowledgementNote: Sendable, Codable, Hashable {
    public var reason: String
    /// `YYYY-MM-DD`, the last day it holds (UTC).
    public var expires: String
    public var by: String?
    /// Where it is written (`file:line:col`).
    public var source: String
    /// It matched, but its day has passed: the finding is drift again.
    public var expired: Bool

    public init(reason: String, expires: String, by: String?, source: String, expired: Bool) {
        self.reason = reason
        self.expires = expires
        self.by = by
        self.source = source
        self.expired = expired
    }
}

/// One thing a drift run found.
public struct Finding: Sendable, Codable, Hashable {
    /// The resource id (`azure:virtualNetworks/hub-vnet`), or for an unmanaged object
    /// `provider:kind/name`.
    public var id: String
    /// The resource type (`Microsoft.Network/virtualNetworks`, `ios.tunnel`, `connection`).
    public var kind: String
    public var `class`: DriftClass
    /// The spec object it comes from (`VirtualNetwork 'hub-vnet'`) and where it is written.
    public var object: String?
    public var source: String?
    /// One line saying what is wrong.
    public var summary: String
    public var changes: [DriftChange]
    /// A router's config lines (`- ` it has, `+ ` the spec wants).
    public var lines: [String]
    public var acknowledgement: AcknowledgementNote?

    public init(
        id: String,
        kind: String,
        class: DriftClass,
        object: String? = nil,
        source: String? = nil,
        summary: String,
        changes: [DriftChange] = [],
        lines: [String] = [],
        acknowledgement: AcknowledgementNote? = nil
    ) {
        self.id = id
        self.kind = kind
        self.class = `class`
        self.object = object
        self.source = source
        self.summary = summary
        self.changes = changes
        self.lines = lines
        self.acknowledgement = acknowledgement
    }

    /// Whether it counts as drift: not pending, and not acknowledged (unless that expired).
    public var isDrift: Bool {
        `class` != .pending && (acknowledgement.map(\.expired) ?? true)
    }

    /// Whether it is acknowledged and the acknowledgement holds.
    public var isAcknowledged: Bool { acknowledgement.map { !$0.expired } ?? false }

    /// The provider part of the id.
    public var provider: String { String(id.prefix { $0 != ":" }) }
}

/// A resource the run looked at (JUnit gives each a test case, passing or not).
public struct CheckedResource: Sendable, Codable, Hashable {
    public var id: String
    public var kind: String

    public init(id: String, kind: String) {
        self.id = id
        self.kind = kind
    }
}

/// A connection's verdict, from the same checks as `reconcile verify`.
public struct ConnectionState: Sendable, Codable, Hashable {
    public var name: String
    /// The site's router, when it has one.
    public var device: String?
    public var up: Bool
    /// Why it is down, most telling first.
    public var causes: [String]

    public init(name: String, device: String?, up: Bool, causes: [String]) {
        self.name = name
        self.device = device
        self.up = up
        self.causes = causes
    }
}

/// What a drift run found: `Drift.detect` makes it, the renderers print it.
public struct DriftReport: Sendable, Codable {
    public static let formatVersion = 1

    public enum Status: String, Sendable, Codable {
        case ok
        /// The run could not read what it needed (API down, router unreachable): not "no drift".
        case failed
    }

    public var formatVersion = DriftReport.formatVersion
    /// The spec path, as given.
    public var spec: String
    /// ISO 8601, UTC.
    public var generatedAt: String
    /// The same moment in seconds since 1970.
    public var epochSeconds: Int
    public var status: Status
    public var error: String?
    public var findings: [Finding]
    public var checked: [CheckedResource]
    public var connections: [ConnectionState]
    /// How many differences the DriftPolicy's ignore rules left out (built-in normalisation
    /// drops provider noise without counting it).
    public var ignored: Int
    /// When what exists costs more a month than the spec (an unmanaged gateway, a larger SKU):
    /// the spec's estimate before, what exists after, at list prices.
    public var costOverSpec: CostChange?

    public init(
        spec: String,
        generatedAt: String,
        epochSeconds: Int,
        status: Status = .ok,
        error: String? = nil,
        findings: [Finding] = [],
        checked: [CheckedResource] = [],
        connections: [ConnectionState] = [],
        ignored: Int = 0
    ) {
        self.spec = spec
        self.generatedAt = generatedAt
        self.epochSeconds = epochSeconds
        self.status = status
        self.error = error
        self.findings = findings.sorted { ($0.class, $0.id) < ($1.class, $1.id) }
        self.checked = checked.sorted { $0.id < $1.id }
        self.connections = connections.sorted { $0.name < $1.name }
        self.ignored = ignored
    }

    /// A run that could not finish.
    public static func failed(spec: String, at time: String, epochSeconds: Int, error: String) -> DriftReport {
        DriftReport(spec: spec, generatedAt: time, epochSeconds: epochSeconds, status: .failed, error: error)
    }

    /// Whether anything drifted.
    public var drifted: Bool { findings.contains(where: \.isDrift) }

    /// 0 no drift, 2 drift, 1 the run failed.
    public var exitCode: Int32 { status == .failed ? 1 : drifted ? 2 : 0 }

    /// Counts for summaries: each class's drift, plus `acknowledged`.
    public var counts: [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: DriftClass.allCases.map { ($0.rawValue, 0) })
        counts["acknowledged"] = 0
        for finding in findings {
            if finding.isAcknowledged {
                counts["acknowledged", default: 0] += 1
            } else {
                counts[finding.class.rawValue, default: 0] += 1
            }
        }
        return counts
    }

    /// Identifies the set of drift findings (what, where, which attributes or lines), not
    /// when it was seen: a notification goes out only when this changes.
    public var digest: String {
        let keys = findings.filter(\.isDrift).map { finding in
            ([finding.class.rawValue, finding.id] + finding.changes.map(\.path) + finding.lines).joined(
                separator: "\u{1F}"
            )
        }
        return Digests.sha256(Array(keys.sorted().joined(separator: "\u{1E}").utf8))
    }

    /// The summary line reports start with.
    public var headline: String {
        if status == .failed { return "Drift run failed: \(error ?? "unknown error")" }
        let c = counts
        let drift = findings.filter(\.isDrift).count
        var parts = ["\(drift) drifted"]
        if c["pending", default: 0] > 0 { parts.append("\(c["pending", default: 0]) pending") }
        if c["acknowledged", default: 0] > 0 { parts.append("\(c["acknowledged", default: 0]) acknowledged") }
        if ignored > 0 { parts.append("\(ignored) ignored") }
        return parts.joined(separator: ", ")
    }
}
