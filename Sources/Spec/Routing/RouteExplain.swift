internal import Foundation

/// `reconcile explain route`: paths as text or JSON.
public enum RouteExplain {
    /// One path, hop by hop: the route used at each place, why it won, and what the places
    /// on the path do not get.
    public static func text(_ path: RoutePath) -> String {
        var out = "Route from \(path.source) to \(path.destination):\n"
        for (i, hop) in path.hops.enumerated() {
            out += "  \(i + 1). \(RouteModel.describe(hop))\n"
            if let route = hop.route, !route.asPath.isEmpty {
                out += "     AS path \(route.asPath.map(String.init).joined(separator: " "))\n"
            }
            for lost in hop.beaten {
                out += "     beats \(lost.route.prefix) → \(lost.route.nextHop) (\(lost.route.why)): \(lost.reason)\n"
            }
        }
        out += "Result: \(path.outcomeText)\n"
        if !path.withheld.isEmpty {
            out += "Not on this path:\n"
            for note in path.withheld { out += "  - \(note)\n" }
        }
        return out
    }

    struct RouteJSON: Encodable {
        var prefix: String
        var nextHop: String
        var origin: String
        var preference: Int
        var asPath: [UInt32]
        var why: String

        init(_ route: Route) {
            prefix = route.prefix.description
            nextHop = route.nextHop.description
            origin = route.origin.rawValue
            preference = route.preference
            asPath = route.asPath
            why = route.why
        }
    }

    struct BeatenJSON: Encodable {
        var route: RouteJSON
        var reason: String
    }

    struct HopJSON: Encodable {
        var place: String
        var route: RouteJSON?
        var beaten: [BeatenJSON]
    }

    struct PathJSON: Encodable {
        var from: String
        var to: String
        var hops: [HopJSON]
        var outcome: String
        var result: String
        var exit: String?
        var withheld: [String]
    }

    /// The paths as one JSON document (`{"paths": [...]}`), keys sorted.
    public static func json(_ paths: [RoutePath]) -> String {
        let body = paths.map { path in
            var kind = ""
            var exit: String?
            switch path.outcome {
            case .delivered: kind = "delivered"
            case .internet(let place):
                kind = "internet"
                exit = place.isAzure ? "azure" : "onprem"
            case .dropped: kind = "dropped"
            case .noRoute: kind = "no-route"
            case .loop: kind = "loop"
            }
            return PathJSON(
                from: path.source.description,
                to: path.destination.description,
                hops: path.hops.map { hop in
                    HopJSON(
                        place: hop.place.description,
                        route: hop.route.map(RouteJSON.init),
                        beaten: hop.beaten.map { BeatenJSON(route: RouteJSON($0.route), reason: $0.reason) }
                    )
                },
                outcome: kind,
                result: path.outcomeText,
                exit: exit,
                withheld: path.withheld
            )
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(["paths": body]) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
