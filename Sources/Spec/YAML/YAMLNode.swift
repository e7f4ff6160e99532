/// A YAML node with its position, as read from libyaml's events.
///
/// Aliases are expanded by sharing: the copy of an anchored node shares its storage (Swift
/// arrays are copy-on-write), so memory stays proportional to the file while the expanded
/// size is bounded by `YAMLReader.Limits.maxExpandedNodes`.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    /// Where the node starts (1-based).
    public var mark: Mark

    /// Explicit tags (`!!str`) are not kept: the schema, not the file, gives a value its type.
    public init(_ content: Content, mark: Mark) {
        self.content = content
        self.mark = mark
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let s) = content { return s }
        return nil
    }

    public var mapping: [YAMLPair]? {
        if case .mapping(let m) = content { return m }
        return nil
    }

    /// True for `~`, `null`, `Null`, `NULL` and the empty plain scalar.
    public var isNull: Bool {
        guard let s = scalar, s.style == .plain else { return false }
        return s.text.isEmpty || s.text == "~" || s.text == "null" || s.text == "Null" || s.text == "NULL"
    }

    /// The value of a mapping's key, if this is a mapping that has it.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for i in pairs.indices where pairs[i].key.text == key {
            return pairs[i].value
        }
        return nil
    }

    /// A short word for the node's shape, for messages ("a mapping", "a list").
    public var shapeDescription: String {
        switch content {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// A scalar's text exactly as written, with its style; its type comes from the schema.
public struct YAMLScalar: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var text: String
    public var style: Style

    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public var isQuoted: Bool { style != .plain }
}

/// A mapping entry.
///
/// Keys are always scalars (others are rejected when read).
public struct YAMLPair: Sendable {
    public var key: YAMLScalar
    public var keyMark: Mark
    public var value: YAMLNode

    public init(key: YAMLScalar, keyMark: Mark, value: YAMLNode) {
        self.key = key
        self.keyMark = keyMark
        self.value = value
    }
}

/// One `---` document of a file.
public struct YAMLDocument: Sendable {
    public var file: String
    public var root: YAMLNode
    /// Index of the document within its file (0-based), for messages.
    public var index: Int
}
