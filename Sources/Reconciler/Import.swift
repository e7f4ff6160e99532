public import Spec

/// A provider's import: it reads what exists in its scope and describes it as spec documents
/// (`reconcile import`, docs/import.md).
///
/// Each provider brings its own, in its own folder, made by its import options (the command's
/// options that say what to read, `ImportOptions` in the commands); the command joins what
/// they return, names the secrets, writes the files and adopts the result into state.
public protocol Importer: Sendable {
    /// The provider's name (`azure`, `cisco`), as in addresses.
    var provider: String { get }
    /// Reads the scope and describes it.
    func importScope() async throws -> ImportedScope
}

/// What one importer found.
public struct ImportedScope: Sendable {
    public var documents: [ImportedDocument]
    /// Every secret read, by the name its document uses (or, for one no document holds, a
    /// name to report it under).
    public var secrets: [ImportedSecret]
    /// What exists that the spec language cannot say, listed for the user (never dropped).
    public var unmanaged: [UnmanagedLine]
    /// What the importer decided that a person should check (`a route table's routes were
    /// read in Azure's order`).
    public var notes: [String]
    /// Requests it made (ARM requests, SSH sessions), for the report and the benchmark.
    public var requests: Int
    /// What is still unmanaged once the whole imported spec is known.
    ///
    /// It gets the outputs of what was read (a gateway's public IP): a router's tunnel lines
    /// come from Azure's connections, so only the joined spec claims them. Nil keeps `unmanaged`.
    public var unmanagedIn: (@Sendable (DesiredGraph, [ResourceAddress: Attributes]) -> [UnmanagedLine])?
    /// What was read, as the provider's `read` returns it for these addresses, so adopting
    /// does not read it all again (a thousand routers' sessions); nil: the provider reads.
    public var observe: Observe?

    public typealias Observe = @Sendable ([ResourceAddress], ReadContext) -> [ResourceAddress: ObservedResource]

    public init(
        documents: [ImportedDocument] = [],
        secrets: [ImportedSecret] = [],
        unmanaged: [UnmanagedLine] = [],
        notes: [String] = [],
        requests: Int = 0,
        unmanagedIn: (@Sendable (DesiredGraph, [ResourceAddress: Attributes]) -> [UnmanagedLine])? = nil
    ) {
        self.documents = documents
        self.secrets = secrets
        self.unmanaged = unmanaged
        self.notes = notes
        self.requests = requests
        self.unmanagedIn = unmanagedIn
    }
}

/// A document with what identifies it on the network, so documents of two providers that
/// describe one thing can be joined (a router and its site).
public struct ImportedDocument: Sendable, Hashable {
    public var document: SpecDocument
    /// Addresses it owns on the network, as `ip:ADDRESS` (a site's public IP, a router's WAN
    /// address, a gateway's public IPs and BGP peering addresses).
    public var owns: Set<String>
    /// Addresses it talks to: `ip:ADDRESS` of a tunnel's far end or a BGP neighbour.
    public var peers: Set<String>

    /// Set when the document is a site's router (a `device` a Site names), by the importer
    /// that knows its kind: the join then finds its site, or makes one.
    public var siteRouter: SiteRouter?

    /// What the join needs to know of a site's router.
    public struct SiteRouter: Sendable, Hashable {
        /// The router's LAN: the address space of a site made for a router no site has.
        public var lan: IPv4Prefix?

        public init(lan: IPv4Prefix?) {
            self.lan = lan
        }
    }

    public init(
        _ document: SpecDocument,
        owns: Set<String> = [],
        peers: Set<String> = [],
        siteRouter: SiteRouter? = nil
    ) {
        self.document = document
        self.owns = owns
        self.peers = peers
        self.siteRouter = siteRouter
    }
}

/// One secret an importer read.
///
/// What was read lives only in memory, long enough for the command to find the
/// `--secret-env` variable that holds it and to compare the two ends of a tunnel; it is
/// never written or printed.
public struct ImportedSecret: Sendable {
    /// What the importer could read of it.
    public enum Reading: Sendable {
        /// The value itself (a pre-shared key from ARM or a router's keyring).
        case value(String)
        /// Only a one-way hash of it (IOS `secret 9`): a candidate value can be checked, the
        /// value cannot be known.
        case hash(@Sendable (String) -> Bool)
        /// Nothing (ARM does not return a root certificate's data): the user must supply it.
        case unreadable
    }

    /// The `fromEnv` name the documents use for it; nil for a secret no document holds,
    /// read only to compare (a router's copy of a tunnel's pre-shared key).
    public var name: String?
    public var reading: Reading
    /// Where it was read, for the report (`azure: connections/azure sharedKey`,
    /// `cisco: tokyo-rtr1 keyring peer 20.0.0.1`).
    public var origin: String
    /// Keys under which the two ends of one secret meet (`psk:GATEWAY_IP`): secrets of
    /// different providers with a key in common are the same secret, and must agree.
    public var meets: Set<String>

    public init(name: String?, reading: Reading, origin: String, meets: Set<String> = []) {
        self.name = name
        self.reading = reading
        self.origin = origin
        self.meets = meets
    }

    /// Whether `candidate` is this secret's value.
    public func matches(_ candidate: String) -> Bool {
        switch reading {
        case .value(let value): return value == candidate
        case .hash(let check): return check(candidate)
        case .unreadable: return false
        }
    }
}

/// Something that exists and that the spec language cannot express.
public struct UnmanagedLine: Sendable, Hashable, Codable {
    public var provider: String
    /// The object it belongs to (a router's name, an Azure resource's id).
    public var object: String
    /// The line or the resource, as read.
    public var text: String

    public init(provider: String, object: String, text: String) {
        self.provider = provider
        self.object = object
        self.text = text
    }
}
