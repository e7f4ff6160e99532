internal import Reconciler
internal import Spec

/// What a plugin answered to `initialize`, checked: the protocol, its name, its kinds and its
/// resource types.
struct PluginDescription {
    var kinds: [DeclaredKind] = []
    var schemas: [ResourceTypeSchema] = []
    var maxConcurrency = 1
    var capabilities: Set<String> = []

    init(_ answer: JSON, name: String, builtInKinds: Set<String>) throws(ProviderError) {
        func refuse(_ what: String) -> ProviderError { ProviderError("plugin \(name): initialize answered \(what)") }
        guard case .object = answer else { throw refuse("\(answer.kindName), not an object") }
        guard let version = answer["protocol"]?.intValue else { throw refuse("no protocol version") }
        guard version == PluginProvider.protocolVersion else {
            throw ProviderError(
                "plugin \(name) speaks protocol \(version); this reconcile speaks protocol "
                    + "\(PluginProvider.protocolVersion)"
            )
        }
        guard let answered = answer["name"]?.stringValue, answered == name else {
            throw refuse("the name \(answer["name"]?.text ?? "nothing"), not \"\(name)\"")
        }

        for (index, item) in (try list(answer, "kinds", refuse)).enumerated() {
            guard let kind = item["kind"]?.stringValue, Self.isKindName(kind) else {
                throw refuse("kinds[\(index)] without a kind name (letters and digits, starting with a capital)")
            }
            guard !builtInKinds.contains(kind) else { throw refuse("kind \(kind), which is a built-in kind") }
            guard !kinds.contains(where: { $0.kind == kind }) else { throw refuse("kind \(kind) twice") }
            guard let schema = item["schema"], case .object = schema else {
                throw refuse("kind \(kind) without a JSON Schema object")
            }
            kinds.append(DeclaredKind(kind: kind, schema: schema, description: schema["description"]?.stringValue))
        }

        for (index, item) in (try list(answer, "resourceTypes", refuse)).enumerated() {
            guard let type = item["type"]?.stringValue, !type.isEmpty else {
                throw refuse("resourceTypes[\(index)] without a type")
            }
            guard !schemas.contains(where: { $0.type == type }) else { throw refuse("resource type \(type) twice") }
            schemas.append(try Self.typeSchema(item, type: type, refuse))
        }

        switch answer["maxConcurrency"] {
        case nil, .null?: maxConcurrency = 1
        case .int(let n)? where n >= 1: maxConcurrency = n
        case let other?: throw refuse("maxConcurrency \(other.text), not a positive integer")
        }
        for item in try list(answer, "capabilities", refuse) {
            guard let capability = item.stringValue else { throw refuse("a capability that is not a string") }
            capabilities.insert(capability)
        }
    }

    /// An array member, empty when absent.
    private func list(_ object: JSON, _ key: String, _ refuse: (String) -> ProviderError) throws(ProviderError)
        -> [JSON]
    {
        switch object[key] {
        case nil, .null?: return []
        case .array(let items)?: return items
        case let other?: throw refuse("\(key) as \(other.kindName), not an array")
        }
    }

    /// `StrongSwanRouter`: what a document's `kind:` can say.
    static func isKindName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first), text.count <= 64 else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
        }
    }

    private static func typeSchema(_ item: JSON, type: String, _ refuse: (String) -> ProviderError)
        throws(ProviderError) -> ResourceTypeSchema
    {
        func strings(_ key: String) throws(ProviderError) -> [String]? {
            switch item[key] {
            case nil, .null?: return nil
            case .array(let items)?:
                let texts = items.compactMap(\.stringValue)
                guard texts.count == items.count else {
                    throw refuse("\(type).\(key) with an item that is not a string")
                }
                return texts
            case let other?: throw refuse("\(type).\(key) as \(other.kindName), not an array of strings")
            }
        }
        guard let members = item["attributes"]?.arrayValue else { throw refuse("\(type) without an attributes array") }
        var attributes: [AttributeSchema] = []
        for (index, member) in members.enumerated() {
            let at = "\(type).attributes[\(index)]"
            guard let name = member["name"]?.stringValue, !name.isEmpty else { throw refuse("\(at) without a name") }
            guard !attributes.contains(where: { $0.name == name }) else { throw refuse("\(type).\(name) twice") }
            guard let roleName = member["role"]?.stringValue, let role = AttributeSchema.Role(rawValue: roleName) else {
                throw refuse(
                    "\(type).\(name) with role \(member["role"]?.text ?? "missing"): required, optional or computed"
                )
            }
            func flag(_ key: String) throws(ProviderError) -> Bool {
                switch member[key] {
                case nil, .null?: return false
                case .bool(let b)?: return b
                case let other?: throw refuse("\(type).\(name).\(key) as \(other.kindName), not a boolean")
                }
            }
            let keyedBy: String?
            switch member["keyedBy"] {
            case nil, .null?: keyedBy = nil
            case .string(let key)?: keyedBy = key
            case let other?: throw refuse("\(type).\(name).keyedBy as \(other.kindName), not a string")
            }
            attributes.append(
                AttributeSchema(
                    name,
                    role,
                    forcesReplacement: try flag("forcesReplacement"),
                    sensitive: try flag("sensitive"),
                    keyedBy: keyedBy,
                    unordered: try flag("unordered")
                )
            )
        }
        let defaults: Attributes
        do {
            defaults = try PluginValues.attributes(item["defaults"], accepting: [])
        } catch {
            throw refuse("\(type).defaults with \(error)")
        }
        return ResourceTypeSchema(
            type: type,
            attributes: attributes,
            outputs: try strings("outputs") ?? ["id"],
            defaults: defaults,
            keptOnUpdate: Set(try strings("keptOnUpdate") ?? ["id"])
        )
    }
}
