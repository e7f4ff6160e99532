public import Spec

/// What a provider factory knows: the spec, where state lives, and how to tell the user
/// which targets it is talking to.
public struct ProviderContext: Sendable {
    public var topology: Topology
    public var stateDirectory: String
    /// `--insecure-accept-host-key`: routers' SSH host keys are not checked.
    public var insecureAcceptHostKey: Bool
    public var say: @Sendable (String) -> Void

    public init(
        topology: Topology,
        stateDirectory: String,
        insecureAcceptHostKey: Bool,
        say: @escaping @Sendable (String) -> Void
    ) {
        self.topology = topology
        self.stateDirectory = stateDirectory
        self.insecureAcceptHostKey = insecureAcceptHostKey
        self.say = say
    }
}

public typealias ProviderFactory = @Sendable (ProviderContext) async throws -> ProviderRegistry

/// What every provider's importers are given by `reconcile import`, beside the provider's own
/// options (which say what to read).
public struct ImportRequest: Sendable {
    /// `--insecure-accept-host-key`: SSH host keys are not checked (nor recorded).
    public var insecureAcceptHostKey: Bool
    /// The output directory (absolute), where the written spec will be.
    public var outputDirectory: String
    /// The process's environment, where the variables the options name are read.
    public var environment: [String: String]
    /// Tells the user which targets are read.
    public var say: @Sendable (String) -> Void

    public init(
        insecureAcceptHostKey: Bool,
        outputDirectory: String,
        environment: [String: String],
        say: @escaping @Sendable (String) -> Void
    ) {
        self.insecureAcceptHostKey = insecureAcceptHostKey
        self.outputDirectory = outputDirectory
        self.environment = environment
        self.say = say
    }
}
