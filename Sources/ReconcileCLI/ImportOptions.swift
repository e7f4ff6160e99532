public import ArgumentParser
public import Reconciler

/// What a provider adds to `reconcile import`: its options, and the importers they ask for.
///
/// A provider defines one in its Commands module and the executable lists it
/// (`Wiring.importOptions`). argument-parser reads a command's options from its stored
/// properties, so the list becomes one type, a nest of `ImportOptionsPair`s the command holds as
/// an option group: `reconcile import --help` shows every provider's options with their help,
/// and an option no provider declares is refused by the parser, as any unknown option is.
public protocol ImportOptions: ParsableArguments {
    /// What the provider reads, for the command's help (a sentence or two).
    static var discussion: String { get }
    /// Its options in the command's example, a few to a line (`--flag VALUE …`); none for none.
    static var example: [String] { get }
    /// The environment variables these options name whose values are secrets: masked in every
    /// output, and names for the secrets the import finds that hold the same value.
    var secretVariables: [String] { get }
    /// The importers these options ask for, each saying what it will read with `request.say`.
    ///
    /// None when none of them is given, unless the provider needs them (a spec has one
    /// AzureScope, so the Azure provider requires its `--azure`). A malformed option, a variable
    /// that is not set or a file that cannot be read is an error naming the option, thrown
    /// before anything is read.
    func importers(_ request: ImportRequest) throws(ImportOptionError) -> [any Importer]
}

extension ImportOptions {
    public static var discussion: String { "" }
    public static var example: [String] { [] }
    public var secretVariables: [String] { [] }
}

extension ImportRequest {
    /// The value of the variable an option names (`--password-env VAR`).
    ///
    /// A variable that is not set, or is empty, is an error naming the option and the variable.
    public func variable(_ name: String, for option: String) throws(ImportOptionError) -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw ImportOptionError("\(option) \(name): the variable is not set")
        }
        return value
    }
}

/// An import option that cannot be used as given: its message names the option and the value.
public struct ImportOptionError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// An argument of the form `NAME=VALUE`, split at the first `=`: `--plugin NAME=TARGET`,
/// `--plugin-pin NAME=PATH@DIGEST`, a provider's `NAME=USER@HOST`.
public struct NamedArgument: Sendable, Equatable {
    /// Before the first `=` (possibly empty).
    public var name: String
    /// After the first `=` (possibly empty).
    public var value: String

    /// nil without an `=`.
    public init?(_ text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        name = String(text[..<equals])
        value = String(text[text.index(after: equals)...])
    }

    /// The value split at its last `@` (`USER@HOST`, `PATH@DIGEST`); nil without one.
    public var splitAtLastAt: (before: String, after: String)? {
        guard let at = value.lastIndex(of: "@") else { return nil }
        return (String(value[..<at]), String(value[value.index(after: at)...]))
    }
}

/// No provider's import options: the command with nothing wired (the test harness).
public struct NoImportOptions: ImportOptions {
    public init() {}

    public func importers(_ request: ImportRequest) throws(ImportOptionError) -> [any Importer] { [] }
}

/// Two sets of import options as one, in order: the first's options, then the rest's.
public struct ImportOptionsPair<First: ImportOptions, Rest: ImportOptions>: ImportOptions {
    @OptionGroup public var first: First
    @OptionGroup public var rest: Rest

    public init() {}

    public static var discussion: String {
        [First.discussion, Rest.discussion].filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    public static var example: [String] { First.example + Rest.example }

    public var secretVariables: [String] { first.secretVariables + rest.secretVariables }

    public func importers(_ request: ImportRequest) throws(ImportOptionError) -> [any Importer] {
        try first.importers(request) + rest.importers(request)
    }
}

extension Wiring {
    /// Every provider's import options as one type, in the order they are listed.
    var importOptionsType: any ImportOptions.Type {
        importOptions.reversed().reduce(NoImportOptions.self as any ImportOptions.Type) { rest, first in
            Self.pair(first, rest)
        }
    }

    /// `ImportOptionsPair<first, rest>`, the types known only when the program runs.
    private static func pair(
        _ first: any ImportOptions.Type,
        _ rest: any ImportOptions.Type
    ) -> any ImportOptions.Type {
        func opening<Rest: ImportOptions>(_: Rest.Type) -> any ImportOptions.Type {
            func opening<First: ImportOptions>(_: First.Type) -> any ImportOptions.Type {
                ImportOptionsPair<First, Rest>.self
            }
            return opening(first)
        }
        return opening(rest)
    }
}
