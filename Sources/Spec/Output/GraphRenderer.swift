internal import Foundation

extension Value: Codable {
    /// References encode as `{"$ref": address, "output": name}`, secrets as
    /// `{"$secret": "env:NAME"}`, fingerprints as `{"$fingerprint": "hmac-sha256:..."}`: none
    /// ever carries a secret's value.
    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let b): try single.encode(b)
        case .int(let i): try single.encode(i)
        case .string(let s): try single.encode(s)
        case .list(let items): try single.encode(items)
        case .map(let entries): try single.encode(entries)
        case .reference(let ref): try single.encode(["$ref": ref.address.description, "output": ref.output])
        case .secret(let source): try single.encode(["$secret": source.description])
        case .fingerprint(let print): try single.encode(["$fingerprint": print])
        }
    }

    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? single.decode(Int.self) {
            self = .int(i)
        } else if let s = try? single.decode(String.self) {
            self = .string(s)
        } else if let items = try? single.decode([Value].self) {
            self = .list(items)
        } else {
            let map = try single.decode([String: Value].self)
            if case .string(let target)? = map["$ref"], case .string(let output)? = map["output"], map.count == 2,
                let address = ResourceAddress(target)
            {
                self = .reference(OutputReference(address, output))
            } else if case .string(let printed)? = map["$secret"], map.count == 1 {
                guard let source = SecretSource(printed: printed) else {
                    throw DecodingError.dataCorrupted(
                        .init(codingPath: decoder.codingPath, debugDescription: "secret source \(printed)")
                    )
                }
                self = .secret(source)
            } else if case .string(let print)? = map["$fingerprint"], map.count == 1 {
                self = .fingerprint(print)
            } else {
                self = .map(Attributes(map))
            }
        }
    }
}

/// Prints the desired-state graph as JSON (full detail), Graphviz DOT or Mermaid.
public enum GraphRenderer {
    public enum Format: String, CaseIterable, Sendable {
        case json, dot, mermaid
    }

    /// `root`: source paths are printed relative to it, so output does not depend on where
    /// the command was run from.
    public static func render(_ graph: DesiredGraph, format: Format, root: String) -> String {
        switch format {
        case .json: return json(graph, root: root)
        case .dot: return dot(graph)
        case .mermaid: return mermaid(graph)
        }
    }

    static func relative(_ location: SourceLocation, to root: String) -> String {
        var file = location.file
        let prefix = root.hasSuffix("/") ? root : root + "/"
        if file.hasPrefix(prefix) {
            file.removeFirst(prefix.count)
        } else if file == root, let slash = file.lastIndex(of: "/") {
            file = String(file[file.index(after: slash)...])
        }
        return "\(file):\(location.line):\(location.column)"
    }

    static func json(_ graph: DesiredGraph, root: String) -> String {
        struct Entry: Encodable {
            var address: String
            var provider: String
            var type: String
            var source: String
            var dependsOn: [String]
            var sensitive: [String]
            var attributes: Attributes
        }
        struct Document: Encodable {
            var formatVersion = 1
            var resources: [Entry]
        }
        let entries = graph.resources.map {
            Entry(
                address: $0.address.description,
                provider: $0.provider,
                type: $0.type,
                source: relative($0.source, to: root),
                dependsOn: $0.dependencies.map(\.description),
                sensitive: $0.sensitivePaths,
                attributes: $0.attributes
            )
        }
        return JSONOutput.encode(Document(resources: entries))
    }

    static func dot(_ graph: DesiredGraph) -> String {
        var out = "digraph reconcile {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        let providers = Array(Set(graph.resources.map(\.provider))).sorted()
        for provider in providers {
            out += "  subgraph \(Escape.dot("cluster_" + provider)) {\n    label=\(Escape.dot(provider));\n"
            for r in graph.resources where r.provider == provider {
                out +=
                    "    \(Escape.dot(r.address.description)) [label=\(Escape.dot(r.address.path + "\n" + r.type))];\n"
            }
            out += "  }\n"
        }
        for edge in graph.edges {
            out += "  \(Escape.dot(edge.from.description)) -> \(Escape.dot(edge.to.description));\n"
        }
        return out + "}\n"
    }

    static func mermaid(_ graph: DesiredGraph) -> String {
        var ids: [ResourceAddress: String] = [:]
        for (i, r) in graph.resources.enumerated() { ids[r.address] = "r\(i)" }
        var out = "flowchart LR\n"
        let providers = Array(Set(graph.resources.map(\.provider))).sorted()
        for provider in providers {
            out += "  subgraph \(provider)\n"
            for r in graph.resources where r.provider == provider {
                out += "    \(ids[r.address] ?? "?")[\(Escape.mermaid(r.address.path))]\n"
            }
            out += "  end\n"
        }
        for edge in graph.edges {
            guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
            out += "  \(from) --> \(to)\n"
        }
        return out
    }
}
