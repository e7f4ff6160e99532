/// Draws a spec's topology as SVG: sites on the left, their tunnels to gateways and Virtual
/// WAN hubs, the VNets behind them, route servers beside their VNet.
///
/// Each element is a `<g data-element="KIND:NAME">` whose class says its state (`ok`,
/// `drifted`, `down`, `pending`), so reports mark drifted and down elements and tools and
/// browsers can find them. Pure: same topology and marks, same bytes. No script, no external
/// resource: it reads offline.
public enum TopologyDiagram {
    public enum Mark: String, Sendable, Comparable {
        case ok, pending, drifted, down

        public static func < (a: Mark, b: Mark) -> Bool { a.rank < b.rank }
        var rank: Int { [.ok: 0, .pending: 1, .down: 2, .drifted: 3][self] ?? 0 }
    }

    static let colors: [Mark: (stroke: String, fill: String)] = [
        .ok: ("#4a5568", "#f7fafc"), .pending: ("#3182ce", "#ebf8ff"), .drifted: ("#d62728", "#fff5f5"),
        .down: ("#ff7f0e", "#fffaf0"),
    ]

    struct Box {
        var id: String
        var label: String
        var detail: String
        var x: Int
        var y: Int
    }

    static let width = 210
    /// Where the route pictures' firewalls, NVAs and internet go: right of the route servers.
    static let endsColumn = 1_460
    static let height = 58

    /// A path to draw over the topology: the elements it goes through, in order.
    public struct Trail: Sendable {
        public var label: String
        public var elements: [String]
        /// Where it ends, as the trace says it (left for the internet, delivered, dropped).
        public var end: String
        /// A path that breaks an intent is drawn dashed red.
        public var broken: Bool

        public init(label: String, elements: [String], end: String, broken: Bool) {
            self.label = label
            self.elements = elements
            self.end = end
            self.broken = broken
        }
    }

    /// A box the route pictures add where paths end: a hub's firewall, an NVA, the internet.
    public struct Node: Sendable {
        public var id: String
        public var label: String
        public var detail: String

        public init(id: String, label: String, detail: String) {
            self.id = id
            self.label = label
            self.detail = detail
        }
    }

    /// A line the route pictures add between boxes; a control-plane one (a Route Server's BGP
    /// session with an NVA) is dashed, because no traffic takes it.
    public struct Link: Sendable {
        public var from: String
        public var to: String
        public var label: String
        public var controlPlane: Bool

        public init(from: String, to: String, label: String, controlPlane: Bool) {
            self.from = from
            self.to = to
            self.label = label
            self.controlPlane = controlPlane
        }
    }

    /// An ExpressRoute connection ends at a VNet gateway or at a Virtual WAN hub.
    static func gatewayElement(_ topology: Topology, _ name: String) -> String {
        topology.gateways[name] != nil ? "gateway:\(name)" : "hub:\(name)"
    }

    static let trailColors = ["#2f855a", "#6b46c1", "#2b6cb0", "#5a67d8", "#319795", "#97266d"]

    /// The SVG for `topology`, with `marks` by element id (`site:tokyo-hq`, `connection:azure`)
    /// and `trails` drawn over it (`reconcile graph --routes`); `ends` are drawn in a column of
    /// their own on the right, with `links` to the other boxes.
    public static func svg(
        _ topology: Topology,
        marks: [String: Mark] = [:],
        trails: [Trail] = [],
        ends: [Node] = [],
        links: [Link] = []
    ) -> String {
        var boxes: [Box] = []
        func column(_ x: Int, _ items: [(String, String, String)]) {
            for (i, item) in items.enumerated() {
                boxes.append(Box(id: item.0, label: item.1, detail: item.2, x: x, y: 70 + i * 96))
            }
        }
        column(
            30,
            topology.sites.map {
                ("site:\($0.name)", $0.name, $0.spec.device.map { "router \($0)" } ?? "site")
            }
        )
        column(
            420,
            topology.gateways.map { ("gateway:\($0.name)", $0.name, "gateway \($0.spec.sku)") }
                + topology.virtualHubs.map { ("hub:\($0.name)", $0.name, "Virtual WAN hub") }
        )
        column(780, topology.virtualNetworks.map { ("vnet:\($0.name)", $0.name, "VNet") })
        column(1_100, topology.routeServers.map { ("routeserver:\($0.name)", $0.name, "Route Server") })
        column(endsColumn, ends.map { ($0.id, $0.label, $0.detail) })
        let at = Dictionary(boxes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        struct Edge {
            var id: String?
            var from: String
            var to: String
            var label: String
            var dashed = false
        }
        var edges: [Edge] = []
        for c in topology.vpnConnections {
            edges.append(
                Edge(
                    id: "connection:\(c.name)",
                    from: "site:\(c.spec.site)",
                    to: "gateway:\(c.spec.gateway)",
                    label: c.name
                )
            )
        }
        for c in topology.expressRouteConnections {
            edges.append(
                Edge(
                    id: "connection:\(c.name)",
                    from: "site:\(c.spec.site)",
                    to: gatewayElement(topology, c.spec.gateway),
                    label: c.name
                )
            )
        }
        for c in topology.hubVpnConnections {
            edges.append(
                Edge(id: "connection:\(c.name)", from: "site:\(c.spec.site)", to: "hub:\(c.spec.hub)", label: c.name)
            )
        }
        for g in topology.gateways {
            edges.append(Edge(from: "gateway:\(g.name)", to: "vnet:\(g.spec.virtualNetwork)", label: ""))
        }
        for h in topology.virtualHubs {
            for c in h.spec.virtualNetworkConnections {
                edges.append(Edge(from: "hub:\(h.name)", to: "vnet:\(c.virtualNetwork)", label: ""))
            }
        }
        for r in topology.routeServers {
            edges.append(Edge(from: "vnet:\(r.spec.virtualNetwork)", to: "routeserver:\(r.name)", label: ""))
        }
        edges += links.map { Edge(from: $0.from, to: $0.to, label: $0.label, dashed: $0.controlPlane) }

        let rows = max(1, boxes.map { ($0.y - 70) / 96 + 1 }.max() ?? 1)
        let totalHeight = 70 + rows * 96 + 20 + legendHeight(trails)
        let totalWidth = ends.isEmpty ? 1_340 : endsColumn + width + 30
        var out = """
            <svg id="topology" xmlns="http://www.w3.org/2000/svg" width="\(totalWidth)" height="\(totalHeight)" \
            viewBox="0 0 \(totalWidth) \(totalHeight)" font-family="sans-serif" font-size="13" role="img" \
            aria-label="Topology: sites, tunnels, gateways, hubs, VNets, route servers">

            """
        var titles = [(30, "On-prem sites"), (420, "Gateways and hubs"), (780, "VNets"), (1_100, "Route servers")]
        if !ends.isEmpty { titles.append((endsColumn, "Where traffic ends")) }
        for (x, title) in titles {
            out += "<text x=\"\(x)\" y=\"40\" font-weight=\"bold\" fill=\"#2d3748\">\(title)</text>\n"
        }
        for edge in edges {
            guard let a = at[edge.from], let b = at[edge.to] else { continue }
            let (x1, y1, x2, y2) = (a.x + width, a.y + height / 2, b.x, b.y + height / 2)
            guard let id = edge.id else {
                let dash = edge.dashed ? " stroke-dasharray=\"6 4\"" : ""
                let corners = detour(a, b)
                if corners.isEmpty {
                    out += "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" "
                } else {
                    let points = [(x1, y1)] + corners + [(x2, y2)]
                    out +=
                        "<polyline points=\"\(points.map { "\($0.0),\($0.1)" }.joined(separator: " "))\" fill=\"none\" "
                }
                out += "stroke=\"#a0aec0\" stroke-width=\"2\"\(dash)/>"
                if !edge.label.isEmpty {
                    let (lx, ly) = corners.isEmpty ? ((x1 + x2) / 2, (y1 + y2) / 2) : corners[0]
                    out += "<text x=\"\(lx)\" y=\"\(ly - 8)\" text-anchor=\"middle\" fill=\"#4a5568\">"
                    out += "\(Escape.xml(edge.label))</text>"
                }
                out += "\n"
                continue
            }
            let mark = marks[id] ?? .ok
            let color = colors[mark] ?? ("#4a5568", "#f7fafc")
            let dash = mark == .down ? " stroke-dasharray=\"10 6\"" : ""
            let stroke = mark == .ok ? 2 : 4
            out += "<g class=\"element edge \(mark.rawValue)\" data-element=\"\(Escape.xml(id))\">"
            out +=
                "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(color.stroke)\" stroke-width=\"\(stroke)\"\(dash)/>"
            let (mx, my) = ((x1 + x2) / 2, (y1 + y2) / 2)
            out +=
                "<text x=\"\(mx)\" y=\"\(my - 8)\" text-anchor=\"middle\" fill=\"#2d3748\">\(Escape.xml(edge.label))</text>"
            if let badge = badge(mark) { out += self.badge(badge, mark: mark, x: mx - 28, y: my + 4) }
            out += "</g>\n"
        }
        // Under the boxes, so that names stay readable.
        out += overlay(trails, at: at)
        for box in boxes {
            let mark = marks[box.id] ?? .ok
            let color = colors[mark] ?? ("#4a5568", "#f7fafc")
            let stroke = mark == .ok ? 1.5 : 4
            out += "<g class=\"element node \(mark.rawValue)\" data-element=\"\(Escape.xml(box.id))\">"
            out += "<rect x=\"\(box.x)\" y=\"\(box.y)\" width=\"\(width)\" height=\"\(height)\" rx=\"8\" "
            out += "fill=\"\(color.fill)\" stroke=\"\(color.stroke)\" stroke-width=\"\(stroke)\"/>"
            out +=
                "<text x=\"\(box.x + 12)\" y=\"\(box.y + 24)\" font-weight=\"bold\" fill=\"#1a202c\">\(Escape.xml(box.label))</text>"
            out += "<text x=\"\(box.x + 12)\" y=\"\(box.y + 44)\" fill=\"#4a5568\">\(Escape.xml(box.detail))</text>"
            if let badge = badge(mark) { out += self.badge(badge, mark: mark, x: box.x + width - 60, y: box.y - 10) }
            out += "</g>\n"
        }
        // Over the boxes, so that no box hides a path's number.
        out += numbers(trails, at: at)
        out += legend(trails, top: totalHeight - legendHeight(trails))
        return out + "</svg>\n"
    }

    /// The corners a line from box `a` to box `b` turns at so that it crosses no other box:
    /// none between neighbouring columns or within one; otherwise it runs along the gap under
    /// the higher of the two rows (a path from a gateway to an NVA must not seem to go through
    /// the VNet and Route Server boxes in between).
    static func detour(_ a: Box, _ b: Box, offset: Int = 0) -> [(Int, Int)] {
        guard abs(b.x - a.x) > 400 else { return [] }
        let out = b.x > a.x ? width / 2 + 40 : -(width / 2 + 40)
        let y = min(a.y, b.y) + height + 19 + offset
        return [(a.x + width / 2 + out, y), (b.x + width / 2 - out, y)]
    }

    /// The points a trail's polyline goes through: the boxes' centres, each offset a little
    /// so that shared stretches stay apart, with detours around boxes in between.
    static func points(_ trail: Trail, index: Int, at: [String: Box]) -> [(Int, Int)] {
        let offset = (index % 5) * 4 - 8
        let boxes = trail.elements.compactMap { at[$0] }
        var points: [(Int, Int)] = []
        for (i, box) in boxes.enumerated() {
            if i > 0 { points += detour(boxes[i - 1], box, offset: offset) }
            points.append((box.x + width / 2 + offset, box.y + height / 2 + offset))
        }
        return points
    }

    /// Trails as polylines, each with its meaning as a tooltip; `data-path` lists the elements
    /// it goes through.
    static func overlay(_ trails: [Trail], at: [String: Box]) -> String {
        var out = ""
        for (i, trail) in trails.enumerated() {
            let color = trail.broken ? "#d62728" : trailColors[i % trailColors.count]
            let points = points(trail, index: i, at: at)
            guard let last = points.last else { continue }
            let dash = trail.broken ? " stroke-dasharray=\"8 5\"" : ""
            out += "<g class=\"trail\(trail.broken ? " broken" : "")\" data-trail=\"\(Escape.xml(trail.label))\" "
            out += "data-path=\"\(Escape.xml(trail.elements.joined(separator: " ")))\">"
            out += "<title>\(Escape.xml(legendText(trail, number: i + 1)))</title>"
            let line = points.map { "\($0.0),\($0.1)" }.joined(separator: " ")
            out += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"\(color)\" "
            out += "stroke-width=\"3\" stroke-opacity=\"0.8\"\(dash)/>"
            out += "<circle cx=\"\(last.0)\" cy=\"\(last.1)\" r=\"5\" fill=\"\(color)\"/>"
            out += "</g>\n"
        }
        return out
    }

    /// Each trail's number in a disc on its longest stretch, where no box covers it; trails
    /// sharing that stretch put theirs at different points along it.
    static func numbers(_ trails: [Trail], at: [String: Box]) -> String {
        var out = ""
        for (i, trail) in trails.enumerated() {
            let color = trail.broken ? "#d62728" : trailColors[i % trailColors.count]
            let points = points(trail, index: i, at: at)
            guard let first = points.first else { continue }
            let stretches = zip(points, points.dropFirst()).map { (from: $0, to: $1) }
            let longest = stretches.max {
                abs($0.to.0 - $0.from.0) + abs($0.to.1 - $0.from.1) < abs($1.to.0 - $1.from.0)
                    + abs($1.to.1 - $1.from.1)
            }
            let (a, b) = longest.map { ($0.from, $0.to) } ?? (first, first)
            let along = 8 + 3 * (i % 4)
            let (x, y) = (a.0 + (b.0 - a.0) * along / 25, a.1 + (b.1 - a.1) * along / 25)
            out += "<g class=\"trail-number\" data-trail=\"\(Escape.xml(trail.label))\">"
            out += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"10\" fill=\"\(color)\"/>"
            out += "<text x=\"\(x)\" y=\"\(y + 4)\" text-anchor=\"middle\" font-weight=\"bold\" font-size=\"11\" "
            out += "fill=\"#ffffff\">\(i + 1)</text></g>\n"
        }
        return out
    }

    /// Each trail's colour, label and end, below the diagram.
    static func legend(_ trails: [Trail], top: Int) -> String {
        guard !trails.isEmpty else { return "" }
        var out = "<g class=\"legend\">"
        for (i, trail) in trails.enumerated() {
            let color = trail.broken ? "#d62728" : trailColors[i % trailColors.count]
            let y = top + i * 18
            out += "<line x1=\"30\" y1=\"\(y)\" x2=\"60\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            out +=
                "<text x=\"70\" y=\"\(y + 4)\" fill=\"#2d3748\">\(Escape.xml(legendText(trail, number: i + 1)))</text>"
        }
        return out + "</g>\n"
    }

    /// What a trail means, as its legend line, tooltip and first edge label say it.
    public static func legendText(_ trail: Trail, number: Int) -> String {
        "\(number). \(trail.label): \(trail.end)"
    }

    /// How tall the legend of `trails` makes the picture.
    static func legendHeight(_ trails: [Trail]) -> Int { trails.isEmpty ? 0 : trails.count * 18 + 10 }

    static func badge(_ mark: Mark) -> String? {
        switch mark {
        case .drifted: return "DRIFT"
        case .down: return "DOWN"
        case .pending: return "PENDING"
        case .ok: return nil
        }
    }

    static func badge(_ text: String, mark: Mark, x: Int, y: Int) -> String {
        let color = colors[mark]?.stroke ?? "#000"
        return "<rect x=\"\(x)\" y=\"\(y)\" width=\"64\" height=\"20\" rx=\"4\" fill=\"\(color)\"/>"
            + "<text class=\"mark\" x=\"\(x + 32)\" y=\"\(y + 15)\" text-anchor=\"middle\" font-weight=\"bold\" "
            + "font-size=\"12\" fill=\"#ffffff\">\(text)</text>"
    }
}
