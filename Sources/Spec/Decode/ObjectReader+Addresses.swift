/// A prefix as written: literal, or a request the allocation pass fills in.
enum PrefixValue {
    case literal(IPv4Prefix)
    case request(pool: String?, size: Int?)
}

extension ObjectReader {
    /// The fields of `{fromPool: NAME, size: N}`.
    static let requestFields = ["fromPool", "size"]

    /// A field declared `.allocatedPrefix`: a literal prefix or a `{fromPool, size}` mapping.
    func prefixValue(_ key: String) -> PrefixValue? {
        guard let node = value(key) else { return nil }
        return convertPrefixValue(node, key: key)
    }

    /// Each item of a `.list(.allocatedPrefix)` field that reads, with its position in the list.
    func prefixValues(_ key: String) -> [(index: Int, value: PrefixValue)] {
        guard let node = value(key) else { return [] }
        guard let items = node.sequence else {
            context.diagnostics.error(
                .schemaType,
                "'\(key)' must be a list, not \(node.shapeDescription)",
                at: location(node),
                hint: "write a list: [a, b] or one '- item' per line"
            )
            return []
        }
        return items.enumerated().compactMap { i, item in convertPrefixValue(item, key: key).map { (i, $0) } }
    }

    func convertPrefixValue(_ node: YAMLNode, key: String) -> PrefixValue? {
        guard let pairs = node.mapping else {
            return convertPrefix(node, key: key).map(PrefixValue.literal)
        }
        var pool: String?
        var size: Int?
        var readable = true
        for pair in pairs {
            switch pair.key.text {
            case "fromPool":
                pool = convertString(pair.value, key: "fromPool", type: .string(.name))
                readable = readable && pool != nil
            case "size":
                size = convertInt(pair.value, key: "size", type: .integer(0...32))
                readable = readable && size != nil
            default:
                context.diagnostics.error(
                    .schemaUnknownField,
                    "unknown field '\(Excerpt.of(pair.key.text))' in '\(key)'",
                    at: pair.keyMark.located(in: file),
                    hint: Suggest.didYouMean(pair.key.text, in: Self.requestFields)
                        ?? "write a prefix, or {fromPool: NAME, size: N}"
                )
                readable = false
            }
        }
        return readable ? .request(pool: pool, size: size) : nil
    }
}
