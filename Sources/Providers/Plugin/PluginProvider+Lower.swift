public import Reconciler
public import Spec

/// A document of a kind a plugin brings, as `lower` sends it.
public struct PluginDocument: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var labels: [String: String]
    /// The document's `spec`, already checked against the kind's schema.
    public var spec: JSON

    public init(kind: String, name: String, labels: [String: String] = [:], spec: JSON) {
        self.kind = kind
        self.name = name
        self.labels = labels
        self.spec = spec
    }
}

/// A resource a plugin lowered a document to.
public struct PluginResource: Sendable, Hashable {
    public var address: ResourceAddress
    public var type: String
    /// References as `.reference`, secrets as `.secret` sources: never a value.
    public var attributes: Attributes
    /// What must be applied first beyond what the references imply.
    public var dependencies: [ResourceAddress]
    /// The name of the document it comes from.
    public var document: String
}

/// A problem a plugin found in a document, at a dotted path inside it (`spec.site`).
public struct PluginDiagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    public var document: String
    public var path: String
    public var message: String
}

/// What a plugin's `import` found: documents to write, the secrets they need, and what it could not say.
public struct PluginImport: Sendable {
    /// Each `{"kind", "name", "spec"}` as the plugin wrote it.
    public var documents: [JSON]
    public var secrets: [Secret]
    public var unmanaged: [String]
    public var notes: [String]

    /// A secret the documents need, with its value (registered with the mask; never print it).
    public struct Secret: Sendable, CustomStringConvertible {
        public var name: String
        public var value: String

        public var description: String { "\(name)=(sensitive)" }
    }
}

extension PluginProvider {
    /// Lowers the documents of the plugin's kinds against the spec's sites (shape in
    /// docs/plugin-protocol.md), and checks what comes back.
    ///
    /// Every address must be the plugin's, every type one it declared, every document one that
    /// was sent; a value may be a reference or a secret's source, never a secret's value.
    public func lower(
        documents: [PluginDocument],
        sites: JSON
    ) throws(ProviderError) -> (resources: [PluginResource], diagnostics: [PluginDiagnostic]) {
        let sent = documents.map { document -> JSON in
            [
                "kind": .string(document.kind),
                "name": .string(document.name),
                "labels": .object(document.labels.mapValues(JSON.string)),
                "spec": document.spec,
            ]
        }
        let answer = try call("lower", ["documents": .array(sent), "sites": sites])
        let names = Set(documents.map(\.name))
        let types = Set(schemas.map(\.type))
        guard let items = answer["resources"]?.arrayValue else { throw bad("lower", "no resources array") }
        var resources: [PluginResource] = []
        var seen: Set<ResourceAddress> = []
        for (index, item) in items.enumerated() {
            let at = "resources[\(index)]"
            guard let text = item["address"]?.stringValue, let address = ResourceAddress(text),
                address.provider == name
            else {
                throw bad("lower", "\(at) with address \(item["address"]?.text ?? "missing"), not one of \(name):…")
            }
            guard seen.insert(address).inserted else { throw bad("lower", "\(address) twice") }
            guard let type = item["type"]?.stringValue, types.contains(type) else {
                throw bad("lower", "\(address) with type \(item["type"]?.text ?? "missing"), which it did not declare")
            }
            guard let document = item["document"]?.stringValue, names.contains(document) else {
                throw bad(
                    "lower",
                    "\(address) from document \(item["document"]?.text ?? "missing"), which was not sent"
                )
            }
            let attributes: Attributes
            do {
                attributes = try PluginValues.attributes(item["attributes"], accepting: .lowered)
            } catch {
                throw bad("lower", "\(address) with \(error)")
            }
            var dependencies: [ResourceAddress] = []
            for dependency in item["dependencies"]?.arrayValue ?? [] {
                guard let text = dependency.stringValue, let target = ResourceAddress(text) else {
                    throw bad("lower", "\(address) with dependency \(dependency.text), not an address")
                }
                dependencies.append(target)
            }
            resources.append(
                PluginResource(
                    address: address,
                    type: type,
                    attributes: attributes,
                    dependencies: dependencies,
                    document: document
                )
            )
        }
        var diagnostics: [PluginDiagnostic] = []
        for (index, item) in (answer["diagnostics"]?.arrayValue ?? []).enumerated() {
            guard let severityName = item["severity"]?.stringValue,
                let severity = PluginDiagnostic.Severity(rawValue: severityName),
                let document = item["document"]?.stringValue, names.contains(document),
                let path = item["path"]?.stringValue, let message = item["message"]?.stringValue
            else {
                throw bad(
                    "lower",
                    "diagnostics[\(index)] that is not {severity: error|warning, document (one sent), path, message}"
                )
            }
            diagnostics.append(
                PluginDiagnostic(
                    severity: severity,
                    document: document,
                    path: path,
                    message: Escape.terminal(connection.maskText(message), newlines: false)
                )
            )
        }
        return (resources, diagnostics)
    }

    /// Asks the plugin to describe what exists at `target` (`--plugin NAME=TARGET`) as documents.
    ///
    /// The secrets' values are registered with the mask before this returns.
    public func importTarget(_ target: String) throws(ProviderError) -> PluginImport {
        guard let answer = try callOptional("import", capability: "import", ["target": .string(target)]) else {
            throw ProviderError("plugin \(name) cannot import (it does not implement the import method)")
        }
        guard let documents = answer["documents"]?.arrayValue else { throw bad("import", "no documents array") }
        for (index, document) in documents.enumerated() {
            guard document["kind"]?.stringValue != nil, document["name"]?.stringValue != nil,
                case .object? = document["spec"]
            else { throw bad("import", "documents[\(index)] that is not {kind, name, spec}") }
        }
        var secrets: [PluginImport.Secret] = []
        for (index, item) in (answer["secrets"]?.arrayValue ?? []).enumerated() {
            guard let secretName = item["name"]?.stringValue, let value = item["value"]?["$sensitive"]?.stringValue
            else { throw bad("import", "secrets[\(index)] that is not {name, value: {\"$sensitive\": string}}") }
            sawSecret(value)
            secrets.append(PluginImport.Secret(name: secretName, value: value))
        }
        func strings(_ key: String) throws(ProviderError) -> [String] {
            let items = answer[key]?.arrayValue ?? []
            let texts = items.compactMap(\.stringValue)
            guard texts.count == items.count else { throw bad("import", "\(key) with an item that is not a string") }
            return texts.map { Escape.terminal(connection.maskText($0), newlines: false) }
        }
        return PluginImport(
            documents: documents,
            secrets: secrets,
            unmanaged: try strings("unmanaged"),
            notes: try strings("notes")
        )
    }
}
