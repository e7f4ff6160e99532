public import ArgumentParser
public import Reconciler
public import Spec

/// The `reconcile` command line: argument parsing and wiring only.
///
/// The providers are injected, so the same commands run with the real providers (the `reconcile` executable) or
/// with the test provider (the test harness).
public struct Reconcile: AsyncParsableCommand {
    /// The release this source is.
    public static let version = "0.1.0"

    /// The git commit the executable was built from (its BuildInfo plugin); set before `main()`.
    nonisolated(unsafe) static var commit = "unknown"

    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "reconcile",
            abstract: "A declarative reconciler for hybrid Azure + Cisco networks.",
            discussion: """
                Keep the hybrid topology as YAML in git; reconcile checks it, shows what would \
                change, applies it in a safe order and reports drift.

                Example:
                  reconcile validate examples/s2s-cisco891-pppoe
                """,
            version: "\(version) (commit \(commit))",
            subcommands: [
                Validate.self, Plan.self, Diff.self, Apply.self, Destroy.self, VerifyCommand.self, DriftCommand.self,
                StateCommand.self,
                Lab.self,
                Graph.self,
                Explain.self,
                Addresses.self,
                Schema.self,
                Rules.self, Render.self, IOS.self, Cost.self, Import.self,
            ]
        )
    }

    public init() {}

    /// Builds the providers a command uses, once the spec is loaded; set once by the
    /// executable before `main()`.
    nonisolated(unsafe) static var providers: ProviderFactory = { _ in ProviderRegistry() }

    /// What each provider's resources cost (`reconcile cost`, plan's cost line).
    ///
    /// Set once by the executable before `main()`. Pure: building it starts nothing.
    nonisolated(unsafe) static var pricing: [any ResourcePricing] = []

    /// State backends providers bring, by URL scheme (`azblob`).
    ///
    /// Set once by the executable before `main()`.
    nonisolated(unsafe) static var stateBackends: [String: StateBackendOpener] = [:]

    /// Builds each provider's importer for `reconcile import`; set once by the executable
    /// before `main()`.
    nonisolated(unsafe) static var importers: ImporterFactory = { _ in [] }

    /// Runs the command line with providers built by `factory`, priced by `pricing`, with the
    /// state backends and importers providers bring and the commit the executable was built from.
    public static func main(
        pricing: [any ResourcePricing] = [],
        stateBackends: [String: StateBackendOpener] = [:],
        importers: @escaping ImporterFactory = { _ in [] },
        commit: String = "unknown",
        providers factory: @escaping ProviderFactory
    ) async {
        self.pricing = pricing
        self.stateBackends = stateBackends
        self.importers = importers
        self.commit = commit
        providers = factory
        await main()
    }
}

/// What a provider factory knows: the spec, where state lives, and how to tell the user
/// which targets it is talking to.
public struct ProviderContext: Sendable {
    public var topology: Topology
    public var stateDirectory: String
    /// `--insecure-accept-host-key`: routers' SSH host keys are not checked.
    public var insecureAcceptHostKey: Bool
    public var say: @Sendable (String) -> Void
}

public typealias ProviderFactory = @Sendable (ProviderContext) async throws -> ProviderRegistry

/// What `reconcile import` was asked to read, for the importers the executable builds.
public struct ImportRequest: Sendable {
    /// A resource group to read.
    public struct AzureGroup: Sendable {
        public var subscription: String
        public var resourceGroup: String
        public var endpoint: Endpoint
    }

    /// A router to read over SSH, and how the spec will reach it.
    public struct Router: Sendable {
        public var name: String
        public var username: String
        public var host: String
        public var port: Int
        /// The login password and enable secret, read from the variables named below.
        public var password: String
        public var enableSecret: String?
        public var passwordVariable: String
        public var enableVariable: String?
        /// The known_hosts file that pins its key (absolute), when one was given.
        public var knownHosts: String?
    }

    public var azure: [AzureGroup]
    public var routers: [Router]
    /// `--insecure-accept-host-key`: routers' SSH host keys are not checked (nor recorded).
    public var insecureAcceptHostKey: Bool
    /// The output directory, where the written spec will be.
    public var outputDirectory: String
    public var say: @Sendable (String) -> Void
}

public typealias ImporterFactory = @Sendable (ImportRequest) async throws -> [any Importer]
