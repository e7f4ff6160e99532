/// `reconcile graph --routes`: the topology with the path of each site's internet traffic and
/// of each intent, as SVG (over `TopologyDiagram`), Mermaid or Graphviz dot.
public enum RouteDiagram {
    /// The trails worth drawing: every site's internet egress, then each intent's first path
    /// (dashed red when the intent fails).
    public static func trails(_ model: RouteModel) -> [TopologyDiagram.Trail] {
        var trails: [TopologyDiagram.Trail] = []
        for site in model.topology.sites {
            let path = model.trace(from: .site(site.name), to: RouteModel.internetProbes[0])
            trails.append(trail("\(site.name) → internet", path, broken: false, model: model))
        }
        for result in model.checkIntents() {
            guard let path = result.paths.first else { continue }
            trails.append(trail("\(result.intent): \(result.statement)", path, broken: !result.holds, model: model))
        }
        return trails
    }

    static func trail(_ label: String, _ path: RoutePath, broken: Bool, model: RouteModel) -> TopologyDiagram.Trail {
        var elements: [String] = []
        for place in path.hops.map(\.place) + [path.last] {
            guard let id = element(place, model: model), elements.last != id else { continue }
            elements.append(id)
        }
        return TopologyDiagram.Trail(label: label, elements: elements, end: path.outcomeText, broken: broken)
    }

    /// The diagram element a place is drawn as (an NVA as its VNet's Route Server box, or its VNet).
    static func element(_ place: Place, model: RouteModel) -> String? {
        switch place {
        case .site(let name): return "site:\(name)"
        case .subnet(let vnet, _): return "vnet:\(vnet)"
        case .gateway(let name): return "gateway:\(name)"
        case .hub(let name), .firewall(let name): return "hub:\(name)"
        case .appliance(let address):
            if let server = model.topology.routeServers.first(where: { $0.spec.peers.contains { $0.ip == address } }) {
                return "routeserver:\(server.name)"
            }
            guard case .subnet(let vnet, _)? = model.subnet(holding: address) else { return nil }
            return "vnet:\(vnet)"
        }
    }

    public static func svg(_ model: RouteModel) -> String {
        TopologyDiagram.svg(model.topology, trails: trails(model))
    }

    /// Mermaid: the topology's links, then each trail's hops as labelled, coloured links.
    public static func mermaid(_ model: RouteModel) -> String {
        var out = "flowchart LR\n"
        let nodes = nodeList(model.topology)
        for (id, label) in nodes { out += "  \(mermaidID(id))[\"\(label)\"]\n" }
        var count = 0
        var styles: [String] = []
        for (a, b) in links(model.topology) {
            out += "  \(mermaidID(a)) --- \(mermaidID(b))\n"
            count += 1
        }
        for (i, trail) in trails(model).enumerated() {
            let color = trail.broken ? "#d62728" : TopologyDiagram.trailColors[i % TopologyDiagram.trailColors.count]
            for (a, b) in zip(trail.elements, trail.elements.dropFirst()) {
                out += "  \(mermaidID(a)) -->|\"\(i + 1)\"| \(mermaidID(b))\n"
                styles.append(
                    "  linkStyle \(count) stroke:\(color),stroke-width:3px"
                        + (trail.broken ? ",stroke-dasharray:6" : "")
                )
                count += 1
            }
            out += "  %% \(i + 1): \(trail.label): \(trail.end)\n"
        }
        return out + styles.joined(separator: "\n") + (styles.isEmpty ? "" : "\n")
    }

    /// Graphviz dot: the same, trails as coloured edges with their number and label.
    public static func dot(_ model: RouteModel) -> String {
        var out = "digraph routes {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n"
        for (id, label) in nodeList(model.topology) { out += "  \"\(id)\" [label=\"\(label)\"];\n" }
        for (a, b) in links(model.topology) { out += "  \"\(a)\" -> \"\(b)\" [dir=none, color=\"#a0aec0\"];\n" }
        for (i, trail) in trails(model).enumerated() {
            let color = trail.broken ? "#d62728" : TopologyDiagram.trailColors[i % TopologyDiagram.trailColors.count]
            let label = String("\(i + 1). \(trail.label): \(trail.end)".map { $0 == "\"" ? "'" : $0 })
            for (j, (a, b)) in zip(trail.elements, trail.elements.dropFirst()).enumerated() {
                out += "  \"\(a)\" -> \"\(b)\" [color=\"\(color)\", penwidth=2"
                out += trail.broken ? ", style=dashed" : ""
                out += j == 0 ? ", label=\"\(label)\"" : ", label=\"\(i + 1)\""
                out += "];\n"
            }
        }
        return out + "}\n"
    }

    static func nodeList(_ topology: Topology) -> [(String, String)] {
        topology.sites.map { ("site:\($0.name)", "site \($0.name)") }
            + topology.gateways.map { ("gateway:\($0.name)", "gateway \($0.name)") }
            + topology.virtualHubs.map { ("hub:\($0.name)", "hub \($0.name)") }
            + topology.virtualNetworks.map { ("vnet:\($0.name)", "VNet \($0.name)") }
    }

    static func links(_ topology: Topology) -> [(String, String)] {
        topology.vpnConnections.map { ("site:\($0.spec.site)", "gateway:\($0.spec.gateway)") }
            + topology.expressRouteConnections.map {
                ("site:\($0.spec.site)", TopologyDiagram.gatewayElement(topology, $0.spec.gateway))
            }
            + topology.hubVpnConnections.map { ("site:\($0.spec.site)", "hub:\($0.spec.hub)") }
            + topology.gateways.map { ("gateway:\($0.name)", "vnet:\($0.spec.virtualNetwork)") }
            + topology.virtualHubs.flatMap { hub in
                hub.spec.virtualNetworkConnections.map { ("hub:\(hub.name)", "vnet:\($0.virtualNetwork)") }
            }
    }

    static func mermaidID(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
