public import Reconciler
public import Spec

/// `reconcile import --plugin NAME=TARGET`: what a running plugin's `import` finds, as an
/// importer's scope.
///
/// Its documents go in `NAME.yaml` (the join moves one that names a Site into its file); the spec
/// gets the plugin's own `Plugin` document in `plugins.yaml`, pinned as it was started, so the
/// imported spec loads the plugin's kinds.
///
/// A secret a document names as `{fromEnv: NAME}` is a variable of the spec (renamed to the
/// `--secret-env` variable that holds it, like any other). One no document names is the other
/// end of a secret another provider read (the strongSwan plugin's `psk:PEER_ADDRESS`, where
/// Azure's connection key meets it): it is compared with that one, never written.
public struct PluginImporter: Importer {
    public let plugin: PluginProvider
    public let target: String
    /// The `Plugin` document's `path` (relative to the written spec) and `sha256`; nil: PATH.
    public let pin: (path: String, sha256: String)?

    public var provider: String { plugin.name }

    public init(plugin: PluginProvider, target: String, pin: (path: String, sha256: String)?) {
        self.plugin = plugin
        self.target = target
        self.pin = pin
    }

    public func importScope() async throws -> ImportedScope {
        let plugin = plugin
        let target = target
        let found = try await blocking { try plugin.importTarget(target) }
        let kinds = Set(plugin.kinds.map(\.kind))
        return try Self.scope(found, plugin: plugin.name, kinds: kinds, target: target, pin: pin)
    }

    /// The scope of what `import` answered; a document of a kind the plugin does not bring, or
    /// with a name no spec may hold, is an error naming the plugin.
    static func scope(
        _ found: PluginImport,
        plugin name: String,
        kinds: Set<String>,
        target: String,
        pin: (path: String, sha256: String)?
    ) throws(ProviderError) -> ImportedScope {
        var documents: [ImportedDocument] = []
        for (index, json) in found.documents.enumerated() {
            let kind = json["kind"]?.stringValue ?? ""
            let documentName = json["name"]?.stringValue ?? ""
            guard kinds.contains(kind) else {
                throw ProviderError(
                    "plugin \(name): import answered documents[\(index)] of kind \(Escape.terminal(kind, newlines: false)), "
                        + "not one it brings"
                )
            }
            guard NameRules.isValid(documentName) else {
                throw ProviderError(
                    "plugin \(name): import answered documents[\(index)] named "
                        + "'\(Escape.terminal(documentName, newlines: false))', not a valid name"
                )
            }
            guard case .map(let spec) = Self.value(json["spec"] ?? .object([:])) else {
                throw ProviderError(
                    "plugin \(name): import answered documents[\(index)] (\(kind) \(documentName)) "
                        + "whose spec is not an object"
                )
            }
            documents.append(
                ImportedDocument(SpecDocument(kind: kind, name: documentName, file: "\(name).yaml", spec: spec))
            )
        }
        var pluginSpec: [SpecField] = []
        if let pin {
            pluginSpec = [SpecField("path", .string(pin.path)), SpecField("sha256", .string(pin.sha256))]
        }
        documents.append(
            ImportedDocument(
                SpecDocument(
                    kind: Kind.plugin.rawValue,
                    name: name,
                    file: "plugins.yaml",
                    comments: [
                        pin == nil
                            ? "The plugin that imported \(target), found on PATH as reconcile-provider-\(name)."
                            : "The plugin that imported \(target), pinned by its digest as it ran."
                    ],
                    spec: pluginSpec
                )
            )
        )
        let named = Set(documents.flatMap(\.document.environmentNames))
        let secrets = found.secrets.map { secret in
            named.contains(secret.name)
                ? ImportedSecret(name: secret.name, reading: .value(secret.value), origin: "\(name): \(secret.name)")
                : ImportedSecret(
                    name: nil,
                    reading: .value(secret.value),
                    origin: "\(name): \(target) \(secret.name)",
                    meets: [secret.name]
                )
        }
        return ImportedScope(
            documents: documents,
            secrets: secrets,
            unmanaged: found.unmanaged.map { UnmanagedLine(provider: name, object: target, text: $0) },
            notes: found.notes.map { "\(name): \($0)" },
            // The one `import` call.
            requests: 1
        )
    }

    /// A JSON value as a spec value: object keys sorted (JSON objects have no order), a lone
    /// `{"fromEnv": NAME}` as the secret reference it is, nulls left out.
    static func value(_ json: JSON) -> SpecValue? {
        switch json {
        case .null: return nil
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .number("\(d)")
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.compactMap(value))
        case .object(let members):
            if members.count == 1, case .string(let variable)? = members["fromEnv"] { return .fromEnv(variable) }
            return .map(
                members.keys.sorted().compactMap { key in members[key].flatMap(value).map { SpecField(key, $0) } }
            )
        }
    }
}
