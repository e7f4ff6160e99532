/// `reconcile graph --routes`: the topology with the path of each site's internet traffic and
/// of each intent, as SVG (over `TopologyDiagram`), Mermaid or Graphviz dot.
///
/// The three formats draw the same nodes, links and numbered paths. Every node a path or link
/// names is declared. Data paths end where the traffic does: at an NVA's address, a hub's
/// firewall, the internet, a site or a subnet; a Route Server is control plane only, so it is
/// drawn with a dashed BGP link to its NVAs and no path goes through it.
public enum RouteDiagram {
    /// The element every path that leaves for the internet ends at.
    static let internet = "internet"

    /// The trails worth drawing: every site's internet egress, then each intent's first path
    /// (dashed red when the intent fails).
    public static func trails(_ model: RouteModel) -> [TopologyDiagram.Trail] {
        var trails: [TopologyDiagram.Trail] = []
        for site in model.topology.sites {
            let path = model.trace(from: .site(site.name), to: RouteModel.internetProbes[0])
            trails.append(trail("\(site.name) → internet", path, broken: false))
        }
        for result in model.checkIntents() {
            guard let path = result.paths.first else { continue }
            trails.append(trail("\(result.intent): \(result.statement)", path, broken: !result.holds))
        }
        return trails
    }

    static func trail(_ label: String, _ path: RoutePath, broken: Bool) -> TopologyDiagram.Trail {
        var elements: [String] = []
        for place in path.hops.map(\.place) + [path.last] {
            let id = element(place)
            if elements.last != id { elements.append(id) }
        }
        if case .internet = path.outcome { elements.append(internet) }
        return TopologyDiagram.Trail(label: label, elements: elements, end: path.outcomeText, broken: broken)
    }

    /// The diagram element a place is drawn as: a subnet as its VNet, a firewall and an NVA as
    /// boxes of their own.
    static func element(_ place: Place) -> String {
        switch place {
        case .site(let name): "site:\(name)"
        case .subnet(let vnet, _): "vnet:\(vnet)"
        case .gateway(let name): "gateway:\(name)"
        case .hub(let name): "hub:\(name)"
        case .firewall(let hub): "firewall:\(hub)"
        case .appliance(let address): "nva:\(address)"
        }
    }

    /// The boxes paths end at beyond the topology's own: each hub's firewall, each NVA (a Route
    /// Server's peers and any address a path is sent to), the internet when a path leaves for it.
    static func ends(_ model: RouteModel, trails: [TopologyDiagram.Trail]) -> [TopologyDiagram.Node] {
        let topology = model.topology
        var nodes = topology.virtualHubs.compactMap { hub in
            hub.spec.firewall.map {
                TopologyDiagram.Node(
                    id: "firewall:\(hub.name)",
                    label: "firewall \($0.name)",
                    detail: "in hub \(hub.name)"
                )
            }
        }
        var addresses = Set(topology.routeServers.flatMap { $0.spec.peers.map(\.ip) })
        for id in trails.flatMap(\.elements) where id.hasPrefix("nva:") {
            if let address = IPv4Address(String(id.dropFirst(4))) { addresses.insert(address) }
        }
        for address in addresses.sorted() {
            let detail: String
            if case .subnet(let vnet, let subnet)? = model.subnet(holding: address) {
                detail = "in \(vnet)/\(subnet)"
            } else {
                detail = "in no subnet of the spec"
            }
            nodes.append(TopologyDiagram.Node(id: "nva:\(address)", label: "NVA \(address)", detail: detail))
        }
        if trails.contains(where: { $0.elements.last == internet }) {
            nodes.append(TopologyDiagram.Node(id: internet, label: "internet", detail: "traffic leaves here"))
        }
        return nodes
    }

    /// The links `ends` adds: a firewall to its hub, an NVA to its VNet, and each Route
    /// Server's BGP session with its NVAs (control plane).
    static func endLinks(_ model: RouteModel, ends: [TopologyDiagram.Node]) -> [TopologyDiagram.Link] {
        let topology = model.topology
        var links: [TopologyDiagram.Link] = []
        for node in ends where node.id.hasPrefix("firewall:") {
            links.append(.init(from: "hub:\(node.id.dropFirst(9))", to: node.id, label: "", controlPlane: false))
        }
        for node in ends where node.id.hasPrefix("nva:") {
            guard let address = IPv4Address(String(node.id.dropFirst(4))) else { continue }
            if case .subnet(let vnet, _)? = model.subnet(holding: address) {
                links.append(.init(from: "vnet:\(vnet)", to: node.id, label: "", controlPlane: false))
            }
            for server in topology.routeServers where server.spec.peers.contains(where: { $0.ip == address }) {
                links.append(
                    .init(
                        from: "routeserver:\(server.name)",
                        to: node.id,
                        label: "BGP (control plane)",
                        controlPlane: true
                    )
                )
            }
        }
        return links
    }

    public static func svg(_ model: RouteModel, marks: [String: TopologyDiagram.Mark] = [:]) -> String {
        let trails = trails(model)
        let ends = ends(model, trails: trails)
        return TopologyDiagram.svg(
            model.topology,
            marks: marks,
            trails: trails,
            ends: ends,
            links: endLinks(model, ends: ends)
        )
    }

    /// Every node of the Mermaid and dot pictures: the topology's, then where paths end.
    static func nodes(_ model: RouteModel, ends: [TopologyDiagram.Node]) -> [TopologyDiagram.Node] {
        let topology = model.topology
        let own =
            topology.sites.map { TopologyDiagram.Node(id: "site:\($0.name)", label: "site \($0.name)", detail: "") }
            + topology.gateways.map {
                TopologyDiagram.Node(id: "gateway:\($0.name)", label: "gateway \($0.name)", detail: "")
            }
            + topology.virtualHubs.map {
                TopologyDiagram.Node(id: "hub:\($0.name)", label: "hub \($0.name)", detail: "")
            }
            + topology.virtualNetworks.map {
                TopologyDiagram.Node(id: "vnet:\($0.name)", label: "VNet \($0.name)", detail: "")
            }
            + topology.routeServers.map {
                TopologyDiagram.Node(id: "routeserver:\($0.name)", label: "Route Server \($0.name)", detail: "")
            }
        return own
            + ends.map {
                TopologyDiagram.Node(
                    id: $0.id,
                    label: $0.id == internet ? $0.label : "\($0.label) \($0.detail)",
                    detail: ""
                )
            }
    }

    /// Every undirected link of the Mermaid and dot pictures: the topology's, then the ends'.
    static func links(_ model: RouteModel, ends: [TopologyDiagram.Node]) -> [TopologyDiagram.Link] {
        let topology = model.topology
        let own: [(String, String)] =
            topology.vpnConnections.map { ("site:\($0.spec.site)", "gateway:\($0.spec.gateway)") }
            + topology.expressRouteConnections.map {
                ("site:\($0.spec.site)", TopologyDiagram.gatewayElement(topology, $0.spec.gateway))
            }
            + topology.hubVpnConnections.map { ("site:\($0.spec.site)", "hub:\($0.spec.hub)") }
            + topology.gateways.map { ("gateway:\($0.name)", "vnet:\($0.spec.virtualNetwork)") }
            + topology.virtualHubs.flatMap { hub in
                hub.spec.virtualNetworkConnections.map { ("hub:\(hub.name)", "vnet:\($0.virtualNetwork)") }
            }
            + topology.routeServers.map { ("vnet:\($0.spec.virtualNetwork)", "routeserver:\($0.name)") }
        return own.map { TopologyDiagram.Link(from: $0.0, to: $0.1, label: "", controlPlane: false) }
            + endLinks(model, ends: ends)
    }

    static func color(_ trail: TopologyDiagram.Trail, _ index: Int) -> String {
        trail.broken ? "#d62728" : TopologyDiagram.trailColors[index % TopologyDiagram.trailColors.count]
    }

    /// The label of a trail's `step`th edge: the first says what the path is and where it ends,
    /// the others carry its number.
    static func edgeLabel(_ trail: TopologyDiagram.Trail, number: Int, step: Int) -> String {
        step == 0 ? TopologyDiagram.legendText(trail, number: number) : "\(number)"
    }

    /// Mermaid flowchart: nodes, the topology's links, then each trail's hops as labelled,
    /// coloured links; a Route Server is a dashed control-plane node.
    public static func mermaid(_ model: RouteModel) -> String {
        let trails = trails(model)
        let ends = ends(model, trails: trails)
        var out = "flowchart LR\n"
        out += "  classDef controlPlane stroke-dasharray:5 5\n"
        out += "  classDef pathEnd fill:#f0fff4,stroke:#2f855a\n"
        for node in nodes(model, ends: ends) {
            let shape = node.id == internet ? "((\(Escape.mermaid(node.label))))" : "[\(Escape.mermaid(node.label))]"
            out += "  \(mermaidID(node.id))\(shape)\n"
        }
        let controlPlane = model.topology.routeServers.map { mermaidID("routeserver:\($0.name)") }
        if !controlPlane.isEmpty { out += "  class \(controlPlane.joined(separator: ",")) controlPlane\n" }
        if !ends.isEmpty { out += "  class \(ends.map { mermaidID($0.id) }.joined(separator: ",")) pathEnd\n" }
        var count = 0
        var styles: [String] = []
        for link in links(model, ends: ends) {
            let arrow = link.controlPlane ? "-.-" : "---"
            let label = link.label.isEmpty ? "" : "|\(Escape.mermaid(link.label))|"
            out += "  \(mermaidID(link.from)) \(arrow)\(label) \(mermaidID(link.to))\n"
            count += 1
        }
        for (i, trail) in trails.enumerated() {
            for (step, (a, b)) in zip(trail.elements, trail.elements.dropFirst()).enumerated() {
                let label = Escape.mermaid(edgeLabel(trail, number: i + 1, step: step))
                out += "  \(mermaidID(a)) -->|\(label)| \(mermaidID(b))\n"
                styles.append(
                    "  linkStyle \(count) stroke:\(color(trail, i)),stroke-width:3px"
                        + (trail.broken ? ",stroke-dasharray:6" : "")
                )
                count += 1
            }
        }
        return out + styles.joined(separator: "\n") + (styles.isEmpty ? "" : "\n")
    }

    /// Graphviz dot: the same, trails as coloured edges with their number and meaning.
    public static func dot(_ model: RouteModel) -> String {
        let trails = trails(model)
        let ends = ends(model, trails: trails)
        var out = "digraph routes {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n"
        out += "  edge [fontname=\"sans-serif\"];\n"
        for node in nodes(model, ends: ends) {
            var attributes = "label=\(Escape.dot(node.label))"
            if node.id.hasPrefix("routeserver:") { attributes += ", style=\"rounded,dashed\"" }
            if node.id == internet { attributes += ", shape=ellipse" }
            out += "  \(Escape.dot(node.id)) [\(attributes)];\n"
        }
        for link in links(model, ends: ends) {
            out += "  \(Escape.dot(link.from)) -> \(Escape.dot(link.to)) [dir=none, color=\"#a0aec0\""
            if link.controlPlane { out += ", style=dashed" }
            if !link.label.isEmpty { out += ", label=\(Escape.dot(link.label))" }
            out += "];\n"
        }
        for (i, trail) in trails.enumerated() {
            for (step, (a, b)) in zip(trail.elements, trail.elements.dropFirst()).enumerated() {
                out += "  \(Escape.dot(a)) -> \(Escape.dot(b)) [color=\"\(color(trail, i))\", penwidth=2"
                out += trail.broken ? ", style=dashed" : ""
                out += ", label=\(Escape.dot(edgeLabel(trail, number: i + 1, step: step)))];\n"
            }
        }
        return out + "}\n"
    }

    static func mermaidID(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
