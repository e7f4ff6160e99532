public import Reconciler
public import Spec

/// A router's configuration described as a `CiscoRouter` spec document, with the lines the
/// spec language cannot say listed beside it (`reconcile ios import`, `reconcile import`).
///
/// Pure: a parsed configuration (and, when read over SSH, what `show version` and `show ip
/// interface brief` say) in, values out. What the document claims is decided by the project's
/// own code, not by a second reading of the config: the document is loaded, lowered and
/// rendered as `reconcile render` would, and the configuration's lines that rendering prints
/// are claimed; every other line is unmanaged. Secrets are names only: what was read of them
/// stays in `secrets`, in memory.
public struct IOSImport: Sendable {
    /// The router's document, with the addresses that join it to its site.
    public var document: ImportedDocument
    /// The document's secrets by their `fromEnv` names, and the tunnels' pre-shared keys (no
    /// name; `meets` is `psk:PEER`).
    public var secrets: [ImportedSecret]
    /// The configuration's lines the document renders, as `parent / child` paths, secrets masked.
    public var claimed: [String]
    /// Every other line of the configuration, secrets masked.
    public var unmanaged: [UnmanagedLine]
    /// Lines the document renders that the configuration does not hold (what the first apply
    /// would add: the spec's fixed hardening on a router it did not configure), secrets masked.
    public var missing: [String]
    /// What a person should check.
    public var notes: [String]
    /// The configuration the document renders to, secrets masked.
    public var rendered: IOSConfig

    /// Describes `config` as the CiscoRouter `name`.
    ///
    /// - Parameters:
    ///   - management: the document's `management` (a saved file does not say how to reach the
    ///     router); its `username` picks the login's `username` line, and its `password` and
    ///     `enableSecret` names are the names the login and enable secrets are returned under.
    ///   - facts: what `show version` said, for `platform`, `model` and `software`; without
    ///     it the platform is guessed from the config's `version` line.
    ///   - interfaceAddresses: `show ip interface brief`, for a PPPoE dialer's negotiated address.
    public init(
        config: IOSConfig,
        name: String,
        management: SpecValue,
        facts: IOSSections.Facts? = nil,
        interfaceAddresses: [String: String] = [:]
    ) {
        var reader = Reader(config: config, name: name, management: management)
        let spec = reader.spec(facts: facts)
        let document = SpecDocument(kind: "CiscoRouter", name: name, file: "\(name).yaml", spec: spec)
        var owns = reader.owns
        if let dialer = reader.dialer, let address = interfaceAddresses[dialer] { owns.insert("ip:\(address)") }
        self.document = ImportedDocument(
            document,
            owns: owns,
            peers: reader.peers,
            siteRouter: .init(lan: reader.lanPrefix)
        )
        self.secrets = reader.secrets
        self.notes = reader.notes
        let rendered = Self.render(document, lanPrefix: reader.lanPrefix)
        self.rendered = rendered.config
        notes += rendered.problems
        let split = Claim(running: config, rendered: rendered.config)
        self.claimed = split.claimed
        self.missing = split.missing
        self.unmanaged = split.unclaimed.map { UnmanagedLine(provider: "cisco", object: name, text: $0) }
        let azureSide = ["crypto ", "interface Tunnel", "router bgp "]
        if unmanaged.contains(where: { line in azureSide.contains { line.text.hasPrefix($0) } }) {
            notes.append(
                Self.standaloneNotePrefix
                    + " come from the Azure connections in a spec; a router imported on its own lists them as unmanaged"
            )
        }
        if !missing.isEmpty {
            notes.append(
                Self.missingNotePrefix
                    + " \(missing.count) line(s) this config does not hold (reconcile diff shows them): "
                    + missing.prefix(3).joined(separator: "; ") + (missing.count > 3 ? "; …" : "")
            )
        }
    }

    /// How the note on lines only connections can claim starts.
    static let standaloneNotePrefix = "crypto, Tunnel interfaces and BGP"
    /// How the note on lines the document renders that the config lacks starts.
    static let missingNotePrefix = "the spec adds"

    /// The environment variable name for one of a router's secrets: `tokyo-rtr1` and
    /// `PPP_PASSWORD` give `TOKYO_RTR1_PPP_PASSWORD`.
    public static func secretName(router: String, _ suffix: String) -> String {
        var stem = String(router.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        if stem.first?.isNumber ?? true { stem = "R" + stem }
        return "\(stem)_\(suffix)"
    }

    /// The configuration a document renders to, as the provider renders it: the document
    /// written, read back with a site naming it as its device, lowered and rendered (secrets
    /// masked); or why it could not be.
    static func render(_ document: SpecDocument, lanPrefix: IPv4Prefix?) -> (config: IOSConfig, problems: [String]) {
        // The site's public address plays no part in the router's config; the spec wants one.
        var siteFields: [(String, SpecValue?)] = [
            ("publicIp", .string("192.0.2.1")), ("device", .string(document.name)),
        ]
        if let lanPrefix { siteFields.insert(("addressSpace", .strings([lanPrefix])), at: 1) }
        let site = SpecDocument(
            kind: "Site",
            name: "\(document.name)-site",
            file: document.file,
            spec: { if case .map(let f) = SpecValue.fields(siteFields) { f } else { [] } }()
        )
        let text = SpecWriter.file([site, document])
        let loaded = SpecLoader.load(text: text, file: document.file)
        guard loaded.topology.routers[document.name] != nil else {
            let errors = loaded.diagnostics.all.filter { $0.severity == .error }.map(\.message)
            return (
                IOSConfig(), ["the document is incomplete, so it claims no line: " + errors.joined(separator: "; ")]
            )
        }
        let sections = Lowering.lower(loaded.topology, lowering: [CiscoLowering()]).resources.filter {
            $0.provider == "cisco" && CiscoProvider.device($0.address) == document.name
        }
        return (IOSRenderer.device(sections), [])
    }
}
