/// A spec document to write: what `reconcile import` makes of a running network.
///
/// Importers build these in the order a person would write the fields; `SpecWriter` turns
/// them into YAML in the examples' style. A secret is never a value here, only the name of
/// the environment variable that will hold it (`{fromEnv: NAME}`).
public struct SpecDocument: Sendable, Hashable {
    public var kind: String
    public var name: String
    /// The file it goes in, relative to the output directory (`azure.yaml`, `tokyo-hq.yaml`).
    public var file: String
    /// Comment lines written above the document (without `# `).
    public var comments: [String]
    public var spec: [SpecField]

    public init(kind: String, name: String, file: String, comments: [String] = [], spec: [SpecField]) {
        self.kind = kind
        self.name = name
        self.file = file
        self.comments = comments
        self.spec = spec
    }

    /// The value at a dotted path of map keys (`management.password`), if there is one.
    public func value(at path: String) -> SpecValue? {
        var current: SpecValue = .map(spec)
        for key in path.split(separator: ".") {
            guard case .map(let fields) = current, let next = fields.first(where: { $0.key == key }) else {
                return nil
            }
            current = next.value
        }
        return current
    }
}

/// One `key: value` of a mapping, in the order written.
public struct SpecField: Sendable, Hashable {
    public var key: String
    public var value: SpecValue

    public init(_ key: String, _ value: SpecValue) {
        self.key = key
        self.value = value
    }
}

/// A value in a spec document.
public indirect enum SpecValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    /// An exact decimal written as it is (`3240`, `0.5`).
    case number(String)
    case list([SpecValue])
    case map([SpecField])
    /// `{fromEnv: NAME}`.
    case fromEnv(String)

    /// A map from fields, leaving out those whose value is nil.
    public static func fields(_ fields: [(String, SpecValue?)]) -> SpecValue {
        .map(fields.compactMap { key, value in value.map { SpecField(key, $0) } })
    }

    /// A list of strings.
    public static func strings<S: Sequence>(_ items: S) -> SpecValue where S.Element: CustomStringConvertible {
        .list(items.map { .string($0.description) })
    }

    /// Every `fromEnv` name inside, depth first.
    public var environmentNames: [String] {
        switch self {
        case .fromEnv(let name): return [name]
        case .list(let items): return items.flatMap(\.environmentNames)
        case .map(let fields): return fields.flatMap(\.value.environmentNames)
        default: return []
        }
    }

    /// The same value with every `fromEnv` name passed through `rename`.
    public func renamingEnvironment(_ rename: (String) -> String) -> SpecValue {
        switch self {
        case .fromEnv(let name): return .fromEnv(rename(name))
        case .list(let items): return .list(items.map { $0.renamingEnvironment(rename) })
        case .map(let fields):
            return .map(fields.map { SpecField($0.key, $0.value.renamingEnvironment(rename)) })
        default: return self
        }
    }
}

extension SpecDocument {
    /// Every `fromEnv` name in the document.
    public var environmentNames: [String] { SpecValue.map(spec).environmentNames }

    /// The same document with every `fromEnv` name passed through `rename`.
    public func renamingEnvironment(_ rename: (String) -> String) -> SpecDocument {
        var copy = self
        if case .map(let fields) = SpecValue.map(spec).renamingEnvironment(rename) { copy.spec = fields }
        return copy
    }
}
