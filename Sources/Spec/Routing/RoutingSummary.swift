/// Where the traffic that matters goes, one line per path.
///
/// Each site's and each workload subnet's internet traffic, and each reachability intent.
/// Kept in the state at apply, so the
/// next plan can say how a change moves it ("internet traffic from site tokyo-hq moves from
/// local breakout at site tokyo-hq to NVA 10.10.2.4 in Azure").
public struct RoutingLine: Sendable, Hashable, Codable {
    /// The places, then where it ends: "site tokyo-hq → gateway hub-vpngw → NVA 10.10.2.4 → internet (Azure)".
    public var path: String
    /// Where it leaves or ends, in a few words: "local breakout at site tokyo-hq".
    public var end: String

    public init(path: String, end: String) {
        self.path = path
        self.end = end
    }
}

/// A path the plan changes.
public struct RoutingChange: Sendable, Hashable, Codable {
    public var key: String
    public var before: RoutingLine?
    public var after: RoutingLine?

    public init(key: String, before: RoutingLine?, after: RoutingLine?) {
        self.key = key
        self.before = before
        self.after = after
    }

    /// One sentence: "internet traffic from site tokyo-hq moves from local breakout at site
    /// tokyo-hq to NVA 10.10.2.4 in Azure".
    public var sentence: String {
        switch (before, after) {
        case (let b?, let a?) where b.end != a.end: return "\(key) moves from \(b.end) to \(a.end)"
        case (_?, let a?): return "\(key) takes a new path: \(a.path)"
        case (nil, let a?): return "\(key) (new): \(a.path)"
        case (let b?, nil): return "\(key) goes away (was \(b.path))"
        case (nil, nil): return key
        }
    }
}

extension RouteModel {
    /// The summary the state keeps, by key ("internet traffic from site tokyo-hq").
    public func summary() -> [String: RoutingLine] {
        var lines: [String: RoutingLine] = [:]
        var sources: [Place] = topology.sites.map { .site($0.name) }
        for vnet in topology.virtualNetworks { sources += self.sources(vnet.name) }
        for source in sources {
            lines["internet traffic from \(source)"] = Self.line(trace(from: source, to: Self.internetProbes[0]))
        }
        for intent in topology.intents {
            for r in intent.spec.reachability {
                guard let (address, _) = destination(r.to), let source = self.sources(r.from).first else { continue }
                lines["traffic from \(r.from) to \(r.to)"] = Self.line(trace(from: source, to: address))
            }
        }
        return lines
    }

    static func line(_ path: RoutePath) -> RoutingLine {
        var places = path.hops.map(\.place)
        if places.last != path.last { places.append(path.last) }
        let end: String
        switch path.outcome {
        case .internet(let place):
            switch place {
            case .site: end = "local breakout at \(place)"
            case .subnet: end = "Azure's own internet access from \(place)"
            default: end = "\(place) in Azure"
            }
        case .delivered(let place): end = "delivery to \(place)"
        case .dropped(let place, _): end = "nowhere (dropped at \(place))"
        case .noRoute(let place): end = "nowhere (no route at \(place))"
        case .loop(let place): end = "nowhere (a loop at \(place))"
        }
        let tail: String
        switch path.outcome {
        case .internet(let place): tail = "internet (\(place.isAzure ? "Azure" : "on-prem"))"
        case .delivered: tail = "delivered"
        default: tail = "dropped"
        }
        return RoutingLine(path: (places.map(\.description) + [tail]).joined(separator: " → "), end: end)
    }

    /// What moves between two summaries, by key.
    public static func changes(from before: [String: RoutingLine], to after: [String: RoutingLine]) -> [RoutingChange] {
        Set(before.keys).union(after.keys).sorted().compactMap { key in
            before[key] == after[key] ? nil : RoutingChange(key: key, before: before[key], after: after[key])
        }
    }
}
