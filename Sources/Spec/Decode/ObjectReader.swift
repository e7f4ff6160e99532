import Foundation

/// Reads one YAML mapping against its `ObjectSchema`.
///
/// Creating a reader reports unknown fields (with a suggestion), missing required fields and
/// broken exactly-one groups. Each accessor converts one declared field with strict typing:
/// `NO` stays a string where a string is declared, `065010` is refused where an integer is,
/// `on` is refused where a boolean is. Accessors return nil after reporting a problem, so a
/// decoder can go on and every problem of a spec is reported in one run.
struct ObjectReader {
    let node: YAMLNode
    let pairs: [YAMLPair]
    let schema: ObjectSchema
    let file: String
    let context: DecodeContext
    /// Where the object is named (its key, or its list item): problems of the object as a
    /// whole, such as a missing required field, are reported there.
    let anchor: Mark

    init?(
        _ node: YAMLNode,
        schema: ObjectSchema,
        file: String,
        context: DecodeContext,
        what: String,
        keyMark: Mark? = nil
    ) {
        guard let pairs = node.mapping else {
            context.diagnostics.error(
                .schemaType,
                "\(what) must be a mapping, not \(node.shapeDescription)",
                at: node.mark.located(in: file)
            )
            return nil
        }
        self.node = node
        self.pairs = pairs
        self.schema = schema
        self.file = file
        self.context = context
        self.anchor = keyMark ?? node.mark
        checkFields(what: what)
    }

    private func checkFields(what: String) {
        let names = schema.fields.map(\.name)
        for i in pairs.indices where !schema.fields.contains(where: { $0.name == pairs[i].key.text }) {
            let pair = pairs[i]
            context.diagnostics.error(
                .schemaUnknownField,
                "unknown field '\(Excerpt.of(pair.key.text))' in \(what)",
                at: pair.keyMark.located(in: file),
                hint: Suggest.didYouMean(pair.key.text, in: names)
                    ?? "known fields: " + names.joined(separator: ", ")
            )
        }
        for field in schema.fields where field.required && !has(field.name) {
            context.diagnostics.error(
                .schemaRequired,
                "\(what) is missing the required field '\(field.name)'",
                at: anchor.located(in: file),
                hint: "add '\(field.name):' (\(field.type.noun))"
            )
        }
        for group in schema.exactlyOne {
            let given = group.filter { has($0) }
            if given.count > 1 {
                let second = pairs.first { $0.key.text == given[1] }
                context.diagnostics.error(
                    .schemaExclusive,
                    "\(what) sets both '\(given[0])' and '\(given[1])'; give exactly one",
                    at: (second?.keyMark ?? node.mark).located(in: file)
                )
            } else if given.isEmpty {
                context.diagnostics.error(
                    .schemaExclusive,
                    "\(what) needs one of " + group.map { "'\($0)'" }.joined(separator: " or "),
                    at: anchor.located(in: file)
                )
            }
        }
    }

    /// The value of a field that is present and not null.
    private func present(_ key: String) -> YAMLPair? {
        index(of: key).map { pairs[$0] }
    }

    /// The index of a present, non-null field, reading the pairs in place (no copies).
    private func index(of key: String) -> Int? {
        for i in pairs.indices where pairs[i].key.text == key {
            return pairs[i].value.isNull ? nil : i
        }
        return nil
    }

    /// The declared field's value, or nil when absent or null.
    ///
    /// Refuses (in tests, which track fields) a field the schema does not declare.
    func value(_ key: String) -> YAMLNode? {
        if context.accessed != nil {
            guard schema.fields.contains(where: { $0.name == key }) else {
                assertionFailure("decoder reads '\(key)', which schema \(schema.title) does not declare")
                return nil
            }
            context.accessed?.insert("\(schema.title).\(key)")
        }
        return index(of: key).map { pairs[$0].value }
    }

    func has(_ key: String) -> Bool { index(of: key) != nil }

    private func fieldType(_ key: String) -> FieldType {
        for field in schema.fields where field.name == key { return field.type }
        return .string(.any)
    }

    func location(_ node: YAMLNode) -> SourceLocation { node.mark.located(in: file) }

    // MARK: Scalars

    /// The text of a scalar field; reports a type error for a mapping or a list.
    private func scalar(_ node: YAMLNode, key: String) -> YAMLScalar? {
        guard let scalar = node.scalar else {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' must be \(fieldType(key).noun), not \(node.shapeDescription)",
                at: location(node)
            )
            return nil
        }
        return scalar
    }

    func string(_ key: String) -> String? {
        guard let node = value(key) else { return nil }
        return convertString(node, key: key, type: fieldType(key))
    }

    func convertString(_ node: YAMLNode, key: String, type: FieldType) -> String? {
        guard let scalar = scalar(node, key: key) else { return nil }
        let text = scalar.text
        let problem: (RuleID, String, String?)?
        switch type {
        case .string(.name), .reference:
            problem =
                NameRules.isValid(text)
                ? nil
                : (
                    .nameInvalid, "'\(Excerpt.of(text))' is not a valid name for '\(key)'",
                    "names match [A-Za-z0-9][A-Za-z0-9._-]{0,62}"
                )
        case .string(.uuid):
            problem =
                NameRules.isUUID(text) ? nil : (.schemaValue, "'\(key)' must be a GUID, not '\(Excerpt.of(text))'", nil)
        case .string(.endpoint):
            problem =
                Endpoint(text) == nil
                ? (.schemaValue, "'\(Excerpt.of(text))' is not an endpoint", "use lab, public or an https:// URL") : nil
        case .string(.url):
            problem =
                text.hasPrefix("https://") || text.hasPrefix("http://")
                ? nil : (.schemaValue, "'\(key)' must be an http(s) URL", nil)
        case .string(.envName):
            problem =
                NameRules.isEnvName(text)
                ? nil : (.secretSource, "'\(Excerpt.of(text))' is not an environment variable name", nil)
        case .string(.date):
            problem =
                CalendarDay(text) == nil
                ? (
                    .schemaValue, "'\(key)' must be a day written YYYY-MM-DD, not '\(Excerpt.of(text))'",
                    "e.g. 2026-12-31"
                ) : nil
        case .string(.sha256):
            problem =
                text.utf8.count == 64 && text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
                ? nil
                : (
                    .schemaValue, "'\(key)' must be a SHA-256 digest: 64 lowercase hexadecimal digits",
                    "sha256sum PROGRAM prints it"
                )
        case .string(.providerName):
            problem =
                PluginSettings.isProviderName(text)
                ? nil
                : (
                    .nameInvalid, "'\(Excerpt.of(text))' is not a provider name",
                    "a plugin's name is lowercase letters, digits and dashes, a letter first (at most 40)"
                )
        case .string(.currency):
            problem =
                text.utf8.count == 3 && text.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 })
                ? nil
                : (.schemaValue, "'\(key)' must be a currency code, not '\(Excerpt.of(text))'", "e.g. JPY, USD, EUR")
        default:
            problem = text.isEmpty ? (.schemaValue, "'\(key)' must not be empty", nil) : nil
        }
        if let (rule, message, hint) = problem {
            context.diagnostics.error(rule, message, at: location(node), hint: hint)
            return nil
        }
        return text
    }

    func int(_ key: String) -> Int? {
        guard let node = value(key) else { return nil }
        return convertInt(node, key: key, type: fieldType(key))
    }

    func convertInt(_ node: YAMLNode, key: String, type: FieldType) -> Int? {
        guard let scalar = scalar(node, key: key) else { return nil }
        let text = scalar.text
        if scalar.isQuoted {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' must be an integer, not the quoted string \"\(Excerpt.of(text))\"",
                at: location(node),
                hint: "write \(Excerpt.of(text)) without quotes"
            )
            return nil
        }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int64(text) else {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' must be an integer, not '\(Excerpt.of(text))'",
                at: location(node)
            )
            return nil
        }
        if digits.count > 1 && digits.hasPrefix("0") {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' has a leading zero ('\(Excerpt.of(text))'); YAML 1.1 tools read it as octal",
                at: location(node),
                hint: "write \(value) without the leading zero"
            )
            return nil
        }
        if case .integer(let range) = type, !range.contains(value) {
            context.diagnostics.error(
                .schemaValue,
                "'\(key)' is \(value), outside \(range.lowerBound)...\(range.upperBound)",
                at: location(node)
            )
            return nil
        }
        return Int(value)
    }

    /// A non-negative decimal number, exactly as written (`12.5` stays 12.5, never a binary float).
    func amount(_ key: String) -> Decimal? {
        guard let node = value(key), let scalar = scalar(node, key: key) else { return nil }
        let text = scalar.text
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let digits = { (part: Substring) in !part.isEmpty && part.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard !scalar.isQuoted, parts.count <= 2, parts.allSatisfy(digits), text.utf8.count <= 20,
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' must be a number such as 3240 or 12.5, not \(scalar.isQuoted ? "the string " : "")'\(Excerpt.of(text))'",
                at: location(node),
                hint: "write digits with at most one decimal point, without quotes, currency signs or commas"
            )
            return nil
        }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let node = value(key), let scalar = scalar(node, key: key) else { return nil }
        if !scalar.isQuoted && scalar.text == "true" { return true }
        if !scalar.isQuoted && scalar.text == "false" { return false }
        let yaml11 = ["y", "yes", "on", "n", "no", "off", "true", "false"].contains(scalar.text.lowercased())
        context.diagnostics.error(
            .schemaType,
            "'\(key)' must be true or false, not \(scalar.isQuoted ? "the string " : "")'\(Excerpt.of(scalar.text))'",
            at: location(node),
            hint: yaml11 ? "this tool does not guess YAML 1.1 booleans; write true or false" : nil
        )
        return nil
    }

    func address(_ key: String) -> IPv4Address? {
        guard let node = value(key) else { return nil }
        return convertAddress(node, key: key)
    }

    func convertAddress(_ node: YAMLNode, key: String) -> IPv4Address? {
        guard let scalar = scalar(node, key: key) else { return nil }
        guard let address = IPv4Address(scalar.text) else {
            context.diagnostics.error(
                .schemaValue,
                "'\(Excerpt.of(scalar.text))' is not an IPv4 address (in '\(key)')",
                at: location(node)
            )
            return nil
        }
        return address
    }

    func prefix(_ key: String) -> IPv4Prefix? {
        guard let node = value(key) else { return nil }
        return convertPrefix(node, key: key)
    }

    func convertPrefix(_ node: YAMLNode, key: String) -> IPv4Prefix? {
        guard let scalar = scalar(node, key: key) else { return nil }
        switch IPv4Prefix.parse(scalar.text) {
        case .success(let prefix):
            return prefix
        case .failure(.hostBitsSet(let suggestion)):
            context.diagnostics.error(
                .schemaValue,
                "'\(Excerpt.of(scalar.text))' has host bits set (in '\(key)')",
                at: location(node),
                hint: "did you mean \(suggestion)?"
            )
        case .failure(.malformed):
            context.diagnostics.error(
                .schemaValue,
                "'\(Excerpt.of(scalar.text))' is not an IPv4 prefix (in '\(key)')",
                at: location(node),
                hint: "write a CIDR prefix such as 10.10.0.0/16"
            )
        }
        return nil
    }

    func interfaceAddress(_ key: String) -> InterfaceAddress? {
        guard let node = value(key), let scalar = scalar(node, key: key) else { return nil }
        guard let address = InterfaceAddress(scalar.text) else {
            context.diagnostics.error(
                .schemaValue,
                "'\(Excerpt.of(scalar.text))' is not an interface address (in '\(key)')",
                at: location(node),
                hint: "write the address with its prefix length, e.g. 192.168.10.1/24"
            )
            return nil
        }
        return address
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, as type: E.Type = E.self) -> E?
    where E.RawValue == String {
        guard let node = value(key) else { return nil }
        return convertEnum(node, key: key)
    }

    func convertEnum<E: RawRepresentable & CaseIterable>(_ node: YAMLNode, key: String) -> E?
    where E.RawValue == String {
        guard let scalar = scalar(node, key: key) else { return nil }
        if let value = E(rawValue: scalar.text) { return value }
        let allowed = E.allCases.map(\.rawValue)
        context.diagnostics.error(
            .schemaValue,
            "'\(Excerpt.of(scalar.text))' is not a valid '\(key)'",
            at: location(node),
            hint: Suggest.didYouMean(scalar.text, in: allowed) ?? "use one of " + allowed.joined(separator: ", ")
        )
        return nil
    }

    func stringMap(_ key: String) -> [String: String] {
        guard let node = value(key) else { return [:] }
        guard let pairs = node.mapping else {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' must be a mapping of strings, not \(node.shapeDescription)",
                at: location(node)
            )
            return [:]
        }
        var result: [String: String] = [:]
        for pair in pairs {
            guard let scalar = pair.value.scalar else {
                context.diagnostics.error(
                    .schemaType,
                    "'\(key).\(Excerpt.of(pair.key.text))' must be a string, not \(pair.value.shapeDescription)",
                    at: location(pair.value)
                )
                continue
            }
            result[pair.key.text] = scalar.text
        }
        return result
    }

    // MARK: Secrets

    func secret(_ key: String) -> SecretRef? {
        guard let node = value(key) else { return nil }
        let at = location(node)
        if let scalar = node.scalar {
            if context.allowPlaintextSecrets {
                return SecretRef(source: .literal(scalar.text), location: at)
            }
            context.diagnostics.error(
                .secretPlaintext,
                "'\(key)' is a secret and must not be written literally",
                at: at,
                hint: "use {fromEnv: NAME} or {fromFile: path}, or pass --allow-plaintext-secrets"
            )
            return nil
        }
        guard let pairs = node.mapping else {
            context.diagnostics.error(
                .secretSource,
                "'\(key)' must be {fromEnv: NAME} or {fromFile: path}, not \(node.shapeDescription)",
                at: at
            )
            return nil
        }
        let keys = pairs.map(\.key.text)
        guard pairs.count == 1, let pair = pairs.first, let text = pair.value.scalar?.text, !text.isEmpty else {
            context.diagnostics.error(
                .secretSource,
                "'\(key)' must have exactly one of fromEnv or fromFile, with a non-empty value",
                at: at
            )
            return nil
        }
        switch pair.key.text {
        case "fromEnv":
            guard NameRules.isEnvName(text) else {
                context.diagnostics.error(
                    .secretSource,
                    "'\(Excerpt.of(text))' is not an environment variable name",
                    at: location(pair.value),
                    hint: "use letters, digits and underscores, not starting with a digit"
                )
                return nil
            }
            return SecretRef(source: .environment(text), location: at)
        case "fromFile":
            return SecretRef(source: .file(text), location: at)
        default:
            context.diagnostics.error(
                .secretSource,
                "unknown secret source '\(keys[0])' in '\(key)'",
                at: pair.keyMark.located(in: file),
                hint: Suggest.didYouMean(keys[0], in: ["fromEnv", "fromFile"]) ?? "use fromEnv or fromFile"
            )
            return nil
        }
    }

    // MARK: Nested values

    func object(_ key: String) -> ObjectReader? {
        guard let node = value(key), case .object(let schema) = fieldType(key) else { return nil }
        return ObjectReader(
            node,
            schema: schema,
            file: file,
            context: context,
            what: "'\(key)'",
            keyMark: present(key)?.keyMark
        )
    }

    /// Reads a list, handing each element to `element`; a non-list is reported.
    private func items(_ key: String) -> [YAMLNode] {
        guard let node = value(key) else { return [] }
        guard let items = node.sequence else {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' must be \(fieldType(key).noun), not \(node.shapeDescription)",
                at: location(node),
                hint: "write a list: [a, b] or one '- item' per line"
            )
            return []
        }
        return items
    }

    func objects<T>(_ key: String, _ decode: (ObjectReader, Int) -> T?) -> [T] {
        guard case .list(.object(let schema)) = fieldType(key) else { return [] }
        return items(key).enumerated().compactMap { index, item in
            ObjectReader(item, schema: schema, file: file, context: context, what: "'\(key)[\(index)]'")
                .flatMap { decode($0, index) }
        }
    }

    func prefixes(_ key: String) -> [IPv4Prefix] {
        items(key).compactMap { convertPrefix($0, key: key) }
    }

    func addresses(_ key: String) -> [IPv4Address] {
        items(key).compactMap { convertAddress($0, key: key) }
    }

    func enumerations<E: RawRepresentable & CaseIterable>(_ key: String, as type: E.Type = E.self) -> [E]
    where E.RawValue == String {
        items(key).compactMap { convertEnum($0, key: key) }
    }
}

/// Syntax rules for names and identifiers.
public enum NameRules {
    /// Whether `name` matches `[A-Za-z0-9][A-Za-z0-9._-]{0,62}`.
    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= 63, isAlnum(first) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    static func isUUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return parts.allSatisfy { $0.utf8.allSatisfy { isHex($0) } }
    }

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    static func isEnvName(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return text.utf8.allSatisfy { isAlnum($0) || $0 == 0x5F }
    }
}
