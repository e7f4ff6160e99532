/// How bad a finding is: errors stop the pipeline after validation, warnings do not.
public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    case error
    case warning

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .error && rhs == .warning
    }
}

/// One finding about a spec, at the line that caused it.
///
/// The rule ID is stable and separate from the wording, so tools and tests can rely on it.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// A secondary location that helps explain the finding ("first defined here").
    public struct Note: Sendable, Hashable, Codable {
        public var message: String
        public var location: SourceLocation

        public init(_ message: String, at location: SourceLocation) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    public var rule: RuleID
    public var message: String
    public var location: SourceLocation
    /// How to fix it, when one helps.
    public var hint: String?
    public var notes: [Note]

    public init(
        _ severity: Severity,
        _ rule: RuleID,
        _ message: String,
        at location: SourceLocation,
        hint: String? = nil,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.location = location
        self.hint = hint
        self.notes = notes
    }

    /// The one-line form: `file:line:col: error[RULE-ID]: message`.
    public var summary: String {
        "\(location): \(severity.rawValue)[\(rule.rawValue)]: \(message)"
    }
}

extension Diagnostic {
    /// Orders diagnostics by file, line, column, then severity and rule, for stable output.
    public static func sortedForOutput(_ list: [Diagnostic]) -> [Diagnostic] {
        list.sorted {
            if $0.location != $1.location { return $0.location < $1.location }
            if $0.severity != $1.severity { return $0.severity < $1.severity }
            if $0.rule != $1.rule { return $0.rule.rawValue < $1.rule.rawValue }
            return $0.message < $1.message
        }
    }
}

/// Collects diagnostics; passed by `inout` through the pipeline's phases.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }

    public mutating func append(_ diagnostic: Diagnostic) {
        all.append(diagnostic)
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        all.append(contentsOf: other)
    }

    public mutating func error(
        _ rule: RuleID,
        _ message: String,
        at location: SourceLocation,
        hint: String? = nil,
        notes: [Diagnostic.Note] = []
    ) {
        all.append(Diagnostic(.error, rule, message, at: location, hint: hint, notes: notes))
    }

    public mutating func warning(
        _ rule: RuleID,
        _ message: String,
        at location: SourceLocation,
        hint: String? = nil,
        notes: [Diagnostic.Note] = []
    ) {
        all.append(Diagnostic(.warning, rule, message, at: location, hint: hint, notes: notes))
    }

    /// The diagnostics in output order, duplicates removed.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return Diagnostic.sortedForOutput(all).filter { seen.insert($0).inserted }
    }
}

extension Diagnostic {
    /// `what` (`VirtualNetwork 'hub'`) is defined a second time at `location`.
    static func duplicate(_ what: String, at location: SourceLocation, first: SourceLocation) -> Diagnostic {
        Diagnostic(
            .error,
            .nameDuplicate,
            "\(what) is defined twice",
            at: location,
            hint: "names are unique per kind; rename one of them",
            notes: [.init("first defined here", at: first)]
        )
    }
}
