internal import Foundation

/// Checks a YAML value against a JSON Schema: the documents of a kind a plugin brings, against
/// the schema the plugin declared for it, each problem at its file:line:column.
///
/// The subset read is the one `reconcile schema` writes and docs/plugin-protocol.md lists:
/// `type` (one or a list), `properties`, `required`, `additionalProperties` (false or a
/// schema), `items`, `enum`, `const`, `pattern`, `minimum`, `maximum`, `minLength`,
/// `maxLength`, `minItems`, `maxItems`, `anyOf`, `oneOf` and `allOf`. Other keywords
/// (`description`, `title`, `$comment`, …) are annotations and ignored.
///
/// YAML is read by its core schema, as the plugin will receive it in JSON: a plain `65515` is
/// an integer, `true` a boolean, and a quoted `"65515"` a string.
public enum JSONSchemaCheck {
    public static func check(_ node: YAMLNode, against schema: Value, file: String, what: String) -> [Diagnostic] {
        var found: [Diagnostic] = []
        check(node, schema, path: what, file: file, into: &found)
        return found
    }

    static func check(_ node: YAMLNode, _ schema: Value, path: String, file: String, into found: inout [Diagnostic]) {
        guard case .map(let rules) = schema else { return }
        let at = node.mark.located(in: file)
        let value = Value(yaml: node)
        func fail(_ rule: RuleID, _ message: String, hint: String? = nil) {
            found.append(Diagnostic(.error, rule, message, at: at, hint: hint))
        }
        if let expected = rules["type"] {
            let names: [String] =
                switch expected {
                case .string(let one): [one]
                case .list(let many): many.compactMap(\.scalarText)
                default: []
                }
            if !names.isEmpty, !names.contains(where: { Self.value(value, isA: $0) }) {
                fail(
                    .schemaType,
                    "\(path) must be \(names.map(Self.noun).joined(separator: " or ")), not \(Self.noun(of: value))",
                    hint: names == ["string"] && value.scalarText != nil ? "quote it to make it a string" : nil
                )
                return
            }
        }
        if case .list(let allowed)? = rules["enum"], !allowed.contains(value) {
            let choices = allowed.compactMap(\.scalarText).joined(separator: ", ")
            fail(.schemaValue, "\(path) must be one of \(choices), not '\(Excerpt.of(value.scalarText ?? "…"))'")
        }
        if let constant = rules["const"], constant != value {
            fail(.schemaValue, "\(path) must be \(constant.scalarText ?? "the schema's constant")")
        }
        switch value {
        case .string(let text):
            if case .string(let pattern)? = rules["pattern"],
                let regex = try? NSRegularExpression(pattern: pattern),
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                fail(.schemaValue, "\(path) '\(Excerpt.of(text))' does not match \(pattern)")
            }
            if case .int(let least)? = rules["minLength"], text.count < least {
                fail(.schemaValue, "\(path) must be at least \(least) characters long")
            }
            if case .int(let most)? = rules["maxLength"], text.count > most {
                fail(.schemaValue, "\(path) must be at most \(most) characters long")
            }
        case .int(let number):
            if case .int(let least)? = rules["minimum"], number < least {
                fail(.schemaValue, "\(path) must be at least \(least), not \(number)")
            }
            if case .int(let most)? = rules["maximum"], number > most {
                fail(.schemaValue, "\(path) must be at most \(most), not \(number)")
            }
        case .list:
            let items = node.sequence ?? []
            if case .int(let least)? = rules["minItems"], items.count < least {
                fail(.schemaValue, "\(path) must have at least \(least) item(s)")
            }
            if case .int(let most)? = rules["maxItems"], items.count > most {
                fail(.schemaValue, "\(path) must have at most \(most) item(s)")
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() {
                    check(item, itemSchema, path: "\(path)[\(index)]", file: file, into: &found)
                }
            }
        case .map:
            checkObject(node, rules, path: path, file: file, into: &found)
        default:
            break
        }
        if case .list(let all)? = rules["allOf"] {
            for part in all { check(node, part, path: path, file: file, into: &found) }
        }
        for (keyword, exactlyOne) in [("anyOf", false), ("oneOf", true)] {
            guard case .list(let options)? = rules[keyword] else { continue }
            let passing = options.filter { option in
                var scratch: [Diagnostic] = []
                check(node, option, path: path, file: file, into: &scratch)
                return scratch.isEmpty
            }.count
            if passing == 0 || (exactlyOne && passing > 1) {
                fail(.schemaValue, "\(path) matches \(passing) of the \(options.count) forms it may take (\(keyword))")
            }
        }
    }

    static func checkObject(
        _ node: YAMLNode,
        _ rules: Attributes,
        path: String,
        file: String,
        into found: inout [Diagnostic]
    ) {
        let pairs = node.mapping ?? []
        var properties: Attributes = [:]
        if case .map(let declared)? = rules["properties"] { properties = declared }
        if case .list(let required)? = rules["required"] {
            for name in required.compactMap(\.scalarText) where !pairs.contains(where: { $0.key.text == name }) {
                found.append(
                    Diagnostic(
                        .error,
                        .schemaRequired,
                        "\(path) has no '\(name)'",
                        at: node.mark.located(in: file),
                        hint: "add '\(name):'"
                    )
                )
            }
        }
        for pair in pairs {
            let key = pair.key.text
            if let property = properties[key] {
                check(pair.value, property, path: "'\(key)'", file: file, into: &found)
            } else if rules["additionalProperties"] == .bool(false) {
                found.append(
                    Diagnostic(
                        .error,
                        .schemaUnknownField,
                        "unknown field '\(Excerpt.of(key))' in \(path)",
                        at: pair.keyMark.located(in: file),
                        hint: Suggest.didYouMean(key, in: properties.map(\.key))
                            ?? "fields: " + properties.map(\.key).sorted().joined(separator: ", ")
                    )
                )
            } else if let extra = rules["additionalProperties"], case .map = extra {
                check(pair.value, extra, path: "'\(key)'", file: file, into: &found)
            }
        }
    }

    static func value(_ value: Value, isA type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("integer", .int), ("number", .int), ("boolean", .bool), ("null", .null),
            ("array", .list), ("object", .map):
            true
        default: false
        }
    }

    static func noun(_ type: String) -> String {
        switch type {
        case "string": "a string"
        case "integer": "an integer"
        case "number": "a number"
        case "boolean": "true or false"
        case "null": "null"
        case "array": "a list"
        case "object": "a mapping"
        default: type
        }
    }

    static func noun(of value: Value) -> String {
        switch value {
        case .string: "a string"
        case .int: "an integer"
        case .bool: "true or false"
        case .null: "null"
        case .list: "a list"
        case .map: "a mapping"
        default: "a value"
        }
    }
}

extension Value {
    /// A YAML value as JSON would carry it, by YAML's core schema: a plain `65515` an integer,
    /// `true`/`false` booleans, `null`/`~`/empty null, anything quoted a string.
    public init(yaml node: YAMLNode) {
        switch node.content {
        case .scalar(let scalar):
            if node.isNull {
                self = .null
            } else if scalar.isQuoted {
                self = .string(scalar.text)
            } else if ["true", "True", "TRUE"].contains(scalar.text) {
                self = .bool(true)
            } else if ["false", "False", "FALSE"].contains(scalar.text) {
                self = .bool(false)
            } else if let number = Int(scalar.text) {
                self = .int(number)
            } else {
                self = .string(scalar.text)
            }
        case .sequence(let items):
            self = .list(items.map(Value.init(yaml:)))
        case .mapping(let pairs):
            var entries: Attributes = [:]
            for pair in pairs { entries[pair.key.text] = Value(yaml: pair.value) }
            self = .map(entries)
        }
    }
}
