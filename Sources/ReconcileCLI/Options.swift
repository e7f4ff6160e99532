public import ArgumentParser
import Foundation
public import Spec
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the spec is and how to read it.
public struct SpecOptions: ParsableArguments {
    @Argument(help: "A spec directory (every *.yaml/*.yml below it) or a single file.")
    public var path: String = "."

    @Flag(help: "Accept literal values in secret fields (for throwaway labs only).")
    public var allowPlaintextSecrets = false

    @OptionGroup public var grants: SecretGrants

    public init() {}

    /// The names `--allow-secret` grants (`RECONCILE_ALLOWED_SECRETS` adds more).
    var allowedSecrets: [String] {
        get { grants.names }
        set { grants.names = newValue }
    }

    var loadOptions: LoadOptions { LoadOptions(allowPlaintextSecrets: allowPlaintextSecrets) }

    /// What resolves the spec's secrets in this run: only the variables `--allow-secret` and
    /// `RECONCILE_ALLOWED_SECRETS` grant.
    public func secretResolver(root: String) -> SecretResolver {
        let environment = ProcessInfo.processInfo.environment
        return SecretResolver(
            specRoot: root,
            environment: environment,
            granted: SecretResolver.grants(options: allowedSecrets, environment: environment)
        )
    }
}

/// The environment variables a run lets the spec read with `fromEnv`, granted from outside it.
public struct SecretGrants: ParsableArguments {
    public init() {}

    @Option(
        name: .customLong("allow-secret"),
        help: ArgumentHelp(
            "Let the spec read this environment variable with fromEnv (repeatable, or a comma list; "
                + "RECONCILE_ALLOWED_SECRETS adds more).",
            valueName: "NAME"
        )
    )
    public var names: [String] = []
}

/// Colour when standard error or output is a terminal, unless NO_COLOR or --no-color.
public struct ColorOptions: ParsableArguments {
    @Flag(help: "Never colour the output (NO_COLOR is honoured too).")
    public var noColor = false

    public init() {}

    public func enabled(for stream: Int32) -> Bool {
        !noColor && getenv("NO_COLOR") == nil && isatty(stream) == 1
    }
}

/// Standard output and error, with every secret value of this run masked.
public enum Output {
    /// The run's secret values, registered once they are read (`EngineRunner.validated`).
    private static let secrets = Mutex(Redactor())

    public static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(redact(text).utf8))
    }

    public static func err(_ text: String) {
        FileHandle.standardError.write(Data(redact(text).utf8))
    }

    /// `text` with every secret value this run has read masked: for files the CLI writes too.
    static func redact(_ text: String) -> String {
        // Copied out: the text is redacted outside the lock.
        let redactor = secrets.withLock { $0 }
        return redactor(text)
    }

    /// Registers secret values to mask from now on.
    static func register(_ values: some Sequence<String>) {
        secrets.withLock { redactor in
            for secret in values { redactor.add(secret) }
        }
    }

    /// Prints diagnostics to standard error for people.
    public static func report(_ spec: ValidatedSpec, color: ColorOptions) {
        let renderer = DiagnosticRenderer(sources: spec.loaded.sources, color: color.enabled(for: STDERR_FILENO))
        err(renderer.text(spec.diagnostics))
    }
}
