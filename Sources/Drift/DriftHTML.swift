internal import Foundation
internal import Spec

/// The HTML drift report: one self-contained page (inline CSS and SVG, no script, nothing
/// fetched), readable offline, with the topology diagram marking what drifted and what is down.
enum DriftHTML {
    static func page(_ report: DriftReport, topology: Topology?) -> String {
        let esc = Escape.xml
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>reconcile drift: \(esc(report.spec))</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #1a202c; }
            h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
            table { border-collapse: collapse; width: 100%; font-size: 13px; }
            th, td { border: 1px solid #cbd5e0; padding: 6px 8px; text-align: left; vertical-align: top; }
            th { background: #edf2f7; }
            td.class-changed, td.class-missing, td.class-unmanaged { color: #d62728; font-weight: bold; }
            td.class-operational { color: #c05621; font-weight: bold; }
            td.class-pending { color: #3182ce; }
            pre { margin: 0; font-size: 12px; white-space: pre-wrap; }
            .diagram { overflow-x: auto; border: 1px solid #e2e8f0; padding: 8px; }
            .failed { color: #d62728; font-weight: bold; }
            </style>
            </head>
            <body>
            <h1>Drift: \(esc(report.headline))</h1>
            <p><code>\(esc(report.spec))</code> at \(esc(report.generatedAt))</p>

            """
        if report.status == .failed {
            return out
                + "<p class=\"failed\">The run failed; this is not a \"no drift\" result.</p>\n</body>\n</html>\n"
        }
        if let topology {
            out += "<h2>Topology</h2>\n<div class=\"diagram\">\n"
            // With the routing analysis's paths: each site's internet traffic, each intent.
            out += RouteDiagram.svg(RouteModel(topology), marks: marks(report, topology: topology))
            out += "</div>\n"
        }
        out += "<h2>Findings</h2>\n"
        if report.findings.isEmpty {
            out += "<p>No drift: \(report.checked.count) resources match the spec and the last apply.</p>\n"
        } else {
            out += "<table>\n<tr><th>Class</th><th>Resource</th><th>From</th><th>What</th></tr>\n"
            for (_, findings) in DriftRenderer.groups(report) {
                for finding in findings {
                    let drift = finding.isAcknowledged ? "acknowledged" : finding.class.rawValue
                    let origin = [finding.object, finding.source].compactMap { $0 }.joined(separator: ", ")
                    out += "<tr><td class=\"class-\(drift)\">\(drift)</td><td><code>\(esc(finding.id))</code></td>"
                    out += "<td>\(esc(origin))</td><td>\(esc(finding.summary))"
                    let details = DriftRenderer.details(finding)
                    if !details.isEmpty { out += "<pre>\(esc(details.joined(separator: "\n")))</pre>" }
                    out += "</td></tr>\n"
                }
            }
            out += "</table>\n"
        }
        if !report.connections.isEmpty {
            out += "<h2>Connections</h2>\n<table>\n<tr><th>Connection</th><th>Router</th><th>State</th></tr>\n"
            for c in report.connections {
                let state = c.up ? "up" : "down: " + c.causes.joined(separator: "; ")
                out += "<tr><td>\(esc(c.name))</td><td>\(esc(c.device ?? "-"))</td><td>\(esc(state))</td></tr>\n"
            }
            out += "</table>\n"
        }
        return out + "</body>\n</html>\n"
    }

    /// Which diagram elements each finding marks: the spec object it comes from (a router's
    /// sections mark its site), a down connection's tunnel.
    static func marks(_ report: DriftReport, topology: Topology) -> [String: TopologyDiagram.Mark] {
        var marks: [String: TopologyDiagram.Mark] = [:]
        func mark(_ id: String?, _ mark: TopologyDiagram.Mark) {
            guard let id else { return }
            marks[id] = max(marks[id] ?? .ok, mark)
        }
        for connection in report.connections where !connection.up { mark("connection:\(connection.name)", .down) }
        for finding in report.findings where !finding.isAcknowledged {
            let state: TopologyDiagram.Mark =
                finding.class == .pending ? .pending : finding.class == .operational ? .down : .drifted
            if finding.id.hasPrefix("connection:") {
                mark(finding.id, state)
                continue
            }
            // A finding on a site's router, or on one of its parts, marks the site.
            if let address = ResourceAddress(finding.id) {
                let device = String(address.path.prefix { $0 != "/" })
                if topology.routers[device] != nil {
                    mark(topology.site(forDevice: device).map { "site:\($0.name)" }, state)
                }
            }
            mark(element(finding.object, topology: topology), state)
        }
        return marks
    }

    /// The diagram element a spec object is drawn as (`VpnConnection 'azure'` → `connection:azure`).
    static func element(_ object: String?, topology: Topology) -> String? {
        guard let object, let quote = object.firstIndex(of: "'") else { return nil }
        let kind = object[..<quote].trimmingCharacters(in: .whitespaces)
        let name = String(object[object.index(after: quote)...].dropLast())
        switch kind {
        case "Site": return "site:\(name)"
        case "CiscoRouter": return topology.site(forDevice: name).map { "site:\($0.name)" }
        case "VirtualNetwork": return "vnet:\(name)"
        case "VirtualNetworkGateway": return "gateway:\(name)"
        case "VirtualHub": return "hub:\(name)"
        case "RouteServer": return "routeserver:\(name)"
        case "VpnConnection", "HubVpnConnection", "ExpressRouteConnection": return "connection:\(name)"
        default: return nil
        }
    }
}
