/// Decodes one YAML document (the Kubernetes-style envelope plus the kind's spec) into the
/// topology.
struct ObjectDecoder {
    let context: DecodeContext

    static let envelopeFields = ["apiVersion", "kind", "metadata", "spec"]

    func decode(_ document: YAMLDocument, into builder: inout TopologyBuilder) {
        let file = document.file
        let root = document.root
        if root.isNull { return }  // an empty document (comments only, a trailing ---)
        guard let pairs = root.mapping else {
            context.diagnostics.error(
                .schemaType,
                "a document must be a mapping with apiVersion, kind, metadata and spec, not \(root.shapeDescription)",
                at: root.mark.located(in: file)
            )
            return
        }
        for pair in pairs where !Self.envelopeFields.contains(pair.key.text) {
            context.diagnostics.error(
                .schemaUnknownField,
                "unknown top-level field '\(Excerpt.of(pair.key.text))'",
                at: pair.keyMark.located(in: file),
                hint: Suggest.didYouMean(pair.key.text, in: Self.envelopeFields)
                    ?? "a document has apiVersion, kind, metadata and spec"
            )
        }
        checkAPIVersion(root, file: file)
        if let text = root["kind"]?.scalar?.text, Kind(rawValue: text) == nil, let brought = context.pluginKinds[text] {
            decodePluginObject(root, kind: text, brought: brought, file: file, into: &builder)
            return
        }
        guard let kind = kindOf(root, file: file),
            let meta = metadata(root, kind: kind, file: file)
        else { return }
        if let first = builder.declared[kind]?[meta.name] {
            context.diagnostics.append(
                .duplicate("\(kind.rawValue) '\(meta.name)'", at: meta.location, first: first.location)
            )
            return
        }
        builder.declared[kind, default: [:]][meta.name] = meta
        guard let schema = SpecSchema.specs[kind] else { return }
        let specNode: YAMLNode
        if let node = root["spec"], !node.isNull {
            specNode = node
        } else if schema.fields.contains(where: \.required) {
            context.diagnostics.error(
                .schemaRequired,
                "\(kind.rawValue) '\(meta.name)' has no spec",
                at: root.mark.located(in: file),
                hint: "add 'spec:' with " + schema.fields.filter(\.required).map(\.name).joined(separator: ", ")
            )
            return
        } else {
            specNode = YAMLNode(.mapping([]), mark: root.mark)
        }
        guard
            let reader = ObjectReader(
                specNode,
                schema: schema,
                file: file,
                context: context,
                what: "the spec of \(kind.rawValue) '\(meta.name)'",
                keyMark: root.mapping?.first { $0.key.text == "spec" }?.keyMark
            )
        else { return }
        builder.decode(kind, reader: reader, meta: meta)
    }

    private func checkAPIVersion(_ root: YAMLNode, file: String) {
        guard let node = root["apiVersion"], let text = node.scalar?.text, !node.isNull else {
            context.diagnostics.error(
                .schemaApiVersion,
                "the document has no apiVersion",
                at: root.mark.located(in: file),
                hint: "add 'apiVersion: \(Kind.apiVersion)'"
            )
            return
        }
        if text != Kind.apiVersion {
            context.diagnostics.error(
                .schemaApiVersion,
                "apiVersion '\(Excerpt.of(text))' is not supported",
                at: node.mark.located(in: file),
                hint: "this version of reconcile reads '\(Kind.apiVersion)'"
            )
        }
    }

    /// A document of a kind a plugin brings: its metadata as any object's, its spec checked
    /// against the plugin's JSON Schema and kept as written for the plugin to lower.
    private func decodePluginObject(
        _ root: YAMLNode,
        kind: String,
        brought: PluginKind,
        file: String,
        into builder: inout TopologyBuilder
    ) {
        guard
            let reader = ObjectReader(
                root["metadata"] ?? YAMLNode(.mapping([]), mark: root.mark),
                schema: SpecSchema.metadata,
                file: file,
                context: context,
                what: "metadata",
                keyMark: root.mapping?.first { $0.key.text == "metadata" }?.keyMark
            ),
            let name = reader.string("name")
        else { return }
        let location = (root["metadata"]?["name"] ?? root).mark.located(in: file)
        if let first = builder.pluginObjects.first(where: { $0.kind == kind && $0.name == name }) {
            context.diagnostics.append(.duplicate("\(kind) '\(name)'", at: location, first: first.location))
            return
        }
        let spec = root["spec"] ?? YAMLNode(.mapping([]), mark: root.mark)
        context.diagnostics.append(
            contentsOf: JSONSchemaCheck.check(
                spec,
                against: brought.schema,
                file: file,
                what: "the spec of \(kind) '\(name)'"
            )
        )
        builder.pluginObjects.append(
            PluginObject(
                kind: kind,
                plugin: brought.plugin,
                name: name,
                labels: reader.stringMap("labels"),
                file: file,
                document: root,
                location: location
            )
        )
    }

    private func kindOf(_ root: YAMLNode, file: String) -> Kind? {
        let names = Kind.allCases.map(\.rawValue) + context.pluginKinds.keys.sorted()
        guard let node = root["kind"], let text = node.scalar?.text, !node.isNull else {
            context.diagnostics.error(
                .schemaKind,
                "the document has no kind",
                at: root.mark.located(in: file),
                hint: "add 'kind:' with one of " + names.joined(separator: ", ")
            )
            return nil
        }
        guard let kind = Kind(rawValue: text) else {
            context.diagnostics.error(
                .schemaKind,
                "unknown kind '\(Excerpt.of(text))'",
                at: node.mark.located(in: file),
                hint: Suggest.didYouMean(text, in: names) ?? "kinds: " + names.joined(separator: ", ")
            )
            return nil
        }
        return kind
    }

    private func metadata(_ root: YAMLNode, kind: Kind, file: String) -> ObjectMeta? {
        guard let node = root["metadata"], !node.isNull else {
            context.diagnostics.error(
                .schemaRequired,
                "the \(kind.rawValue) has no metadata",
                at: root.mark.located(in: file),
                hint: "add 'metadata: {name: ...}'"
            )
            return nil
        }
        guard
            let reader = ObjectReader(
                node,
                schema: SpecSchema.metadata,
                file: file,
                context: context,
                what: "metadata",
                keyMark: root.mapping?.first { $0.key.text == "metadata" }?.keyMark
            ),
            let name = reader.string("name")
        else { return nil }
        return ObjectMeta(kind: kind, name: name, labels: reader.stringMap("labels"), file: file, document: root)
    }
}
