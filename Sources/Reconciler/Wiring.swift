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

/// What `reconcile import` was asked to read, for the importers the executable builds.
public struct ImportRequest: Sendable {
    /// A resource group to read.
    public struct AzureGroup: Sendable {
        public var subscription: String
        public var resourceGroup: String
        public var endpoint: Endpoint

        public init(subscription: String, resourceGroup: String, endpoint: Endpoint) {
            self.subscription = subscription
            self.resourceGroup = resourceGroup
            self.endpoint = endpoint
        }
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

        public init(
            name: String,
            username: String,
            host: String,
            port: Int,
            password: String,
            enableSecret: String?,
            passwordVariable: String,
            enableVariable: String?,
            knownHosts: String?
        ) {
            self.name = name
            self.username = username
            self.host = host
            self.port = port
            self.password = password
            self.enableSecret = enableSecret
            self.passwordVariable = passwordVariable
            self.enableVariable = enableVariable
            self.knownHosts = knownHosts
        }
    }

    public var azure: [AzureGroup]
    public var routers: [Router]
    /// `--insecure-accept-host-key`: routers' SSH host keys are not checked (nor recorded).
    public var insecureAcceptHostKey: Bool
    /// The output directory, where the written spec will be.
    public var outputDirectory: String
    public var say: @Sendable (String) -> Void

    public init(
        azure: [AzureGroup],
        routers: [Router],
        insecureAcceptHostKey: Bool,
        outputDirectory: String,
        say: @escaping @Sendable (String) -> Void
    ) {
        self.azure = azure
        self.routers = routers
        self.insecureAcceptHostKey = insecureAcceptHostKey
        self.outputDirectory = outputDirectory
        self.say = say
    }
}

public typealias ImporterFactory = @Sendable (ImportRequest) async throws -> [any Importer]
