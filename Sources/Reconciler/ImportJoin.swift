internal import Foundation
public import Spec

/// The importers' documents joined into one spec: each router with its site.
///
/// A router belongs to the site whose public address it owns, or whose gateways its tunnels
/// and BGP sessions reach; the site then names it as `device`, and its document goes in the
/// site's file.
public struct ImportJoin: Sendable {
    public var documents: [SpecDocument]
    /// Routers no site could be found for, by name.
    public private(set) var unmatchedRouters: [String] = []

    public init(_ imported: [ImportedDocument]) {
        documents = imported.map(\.document)
        // What a site's connections reach: the addresses of the gateways and hubs they name.
        var owners: [String: Set<String>] = [:]
        for item in imported { owners[item.document.name, default: []].formUnion(item.owns) }
        var sitePeers: [String: Set<String>] = [:]
        for item in imported where item.document.kind.hasSuffix("Connection") {
            guard case .string(let site)? = item.document.value(at: "site") else { continue }
            for field in ["gateway", "hub"] {
                if case .string(let gateway)? = item.document.value(at: field) {
                    sitePeers[site, default: []].formUnion(owners[gateway] ?? [])
                }
            }
        }
        for item in imported where item.document.kind == Kind.site.rawValue {
            sitePeers[item.document.name, default: []].formUnion(item.peers)
        }
        let sites = imported.filter { $0.document.kind == Kind.site.rawValue }
        let routers = imported.filter { $0.siteRouter != nil }.sorted { $0.document.name < $1.document.name }
        // Best pairs first (owning a site's address beats reaching its gateways), then by name:
        // the same reads give the same spec.
        // Sites by the addresses they own and reach, so each router looks only at its own.
        var owning: [String: [String]] = [:]
        var reaching: [String: [String]] = [:]
        for site in sites {
            for address in site.owns { owning[address, default: []].append(site.document.name) }
            for address in sitePeers[site.document.name] ?? [] {
                reaching[address, default: []].append(site.document.name)
            }
        }
        var pairs: [(router: String, site: String, score: Int)] = []
        for router in routers {
            var score: [String: Int] = [:]
            for address in router.owns { for site in owning[address] ?? [] { score[site, default: 0] += 2 } }
            for address in router.peers { for site in reaching[address] ?? [] { score[site, default: 0] += 1 } }
            for (site, points) in score { pairs.append((router.document.name, site, points)) }
        }
        pairs.sort { ($1.score, $0.router, $0.site) < ($0.score, $1.router, $1.site) }
        var siteOf: [String: String] = [:]
        var taken = Set<String>()
        for pair in pairs where siteOf[pair.router] == nil && !taken.contains(pair.site) {
            siteOf[pair.router] = pair.site
            taken.insert(pair.site)
        }
        for router in routers {
            guard
                let routerIndex = documents.firstIndex(where: {
                    $0.kind == router.document.kind && $0.name == router.document.name
                })
            else { continue }
            guard let site = siteOf[router.document.name],
                let siteIndex = documents.firstIndex(where: { $0.kind == Kind.site.rawValue && $0.name == site })
            else {
                // A router reaching no imported site still belongs to one: its own, from its
                // addresses, so the spec is whole and its config is managed.
                unmatchedRouters.append(router.document.name)
                documents.insert(Self.site(for: router), at: routerIndex)
                continue
            }
            documents[siteIndex].setDevice(router.document.name)
            documents[routerIndex].file = documents[siteIndex].file
        }
        // A plugin's document that names its Site (a plugin's router document) goes in the site's file too.
        for index in documents.indices where Kind(rawValue: documents[index].kind) == nil {
            guard case .string(let site)? = documents[index].value(at: "site"),
                let file = documents.first(where: { $0.kind == Kind.site.rawValue && $0.name == site })?.file
            else { continue }
            documents[index].file = file
        }
    }

    /// The name of the site made for a router no imported site has: `ROUTER-site`.
    public static func ownSiteName(of router: String) -> String { "\(router)-site" }

    /// The site of a router no site names: `ROUTER-site`, at the address it owns, with its
    /// LAN as the address space.
    static func site(for router: ImportedDocument) -> SpecDocument {
        let address = router.owns.sorted().first.map { String($0.dropFirst("ip:".count)) }
        let lan = router.siteRouter?.lan
        var spec: [SpecField] = []
        if let address { spec.append(SpecField("publicIp", .string(address))) }
        if let lan { spec.append(SpecField("addressSpace", .strings([lan]))) }
        spec.append(SpecField("device", .string(router.document.name)))
        return SpecDocument(
            kind: Kind.site.rawValue,
            name: ownSiteName(of: router.document.name),
            file: router.document.file,
            comments: [
                "No site the import read has this router (no shared address, no tunnel to its gateways): check it."
            ],
            spec: spec
        )
    }

    /// Renames `fromEnv` names everywhere (generated names to the `--secret-env` ones).
    public mutating func rename(_ names: [String: String]) {
        documents = documents.map { $0.renamingEnvironment { names[$0] ?? $0 } }
    }
}

extension SpecDocument {
    /// Names the site's router, where the examples write it: after `behindNat`, before `costs`.
    mutating func setDevice(_ router: String) {
        spec.removeAll { $0.key == "device" }
        let after = spec.lastIndex { ["publicIp", "fqdn", "addressSpace", "bgp", "behindNat"].contains($0.key) }
        spec.insert(SpecField("device", .string(router)), at: after.map { $0 + 1 } ?? spec.count)
    }
}

/// The import's secrets: which variable names each, and whether its two ends agree.
public struct ImportSecrets: Sendable {
    /// One variable the imported spec reads.
    public struct Variable: Sendable {
        public enum Source: String, Sendable, Hashable {
            /// A `--secret-env` variable holds its value now.
            case given
            /// A generated name: the user sets it.
            case generated
        }

        public var name: String
        public var source: Source
        /// Where it was read (`azure: connections/azure sharedKey`).
        public var origins: [String]
        /// Whether the value could be read (an IOS `secret 9` hash cannot be).
        public var readable: Bool
        /// The other end of it, read by another provider, and whether it holds the same value:
        /// a pre-shared key that differs on the router is a finding in itself.
        public var ends: [(origin: String, agrees: Bool)]
    }

    /// Generated name to the name the spec uses.
    public private(set) var names: [String: String] = [:]
    /// Each name the spec uses, to its value where one was read or given: for adopting into
    /// state in this process only, never written.
    public private(set) var values: [String: String] = [:]
    /// One entry per variable, by name.
    public private(set) var report: [Variable] = []

    /// `candidates` are the `--secret-env` variables and their values.
    public init(_ secrets: [ImportedSecret], candidates: [(name: String, value: String)]) {
        var byName: [String: Variable] = [:]
        // The other ends of secrets (read only to compare), by the keys they meet under.
        var ends: [String: [ImportedSecret]] = [:]
        for secret in secrets where secret.name == nil {
            for key in secret.meets { ends[key, default: []].append(secret) }
        }
        for var secret in secrets {
            guard let generated = secret.name else { continue }
            // A key its provider does not return (ARM gives no hub link key) is known from
            // its other end, when another provider read that: the router's copy.
            var from: String?
            if case .unreadable = secret.reading,
                let end = secret.meets.sorted().lazy.compactMap({ ends[$0]?.first }).first,
                case .value = end.reading
            {
                secret.reading = end.reading
                from = end.origin
            }
            // A hash costs a scrypt per try: the variable of the same name is tried first.
            let ordered = candidates.filter { $0.name == generated } + candidates.filter { $0.name != generated }
            let given = ordered.first { secret.matches($0.value) }
            let name = given?.name ?? generated
            names[generated] = name
            var variable =
                byName[name]
                ?? Variable(
                    name: name,
                    source: given == nil ? .generated : .given,
                    origins: [],
                    readable: true,
                    ends: []
                )
            variable.origins.append(secret.origin + (from.map { " (not returned there; taken from \($0))" } ?? ""))
            switch secret.reading {
            case .value(let value): values[name] = value
            case .hash, .unreadable:
                if let given { values[name] = given.value } else { variable.readable = false }
            }
            // The other ends: secrets no document holds, read by another importer, that meet it.
            var seen = Set<String>()
            for key in secret.meets.sorted() {
                for end in ends[key] ?? [] where end.origin != from && seen.insert(end.origin).inserted {
                    guard case .value(let theirs) = end.reading, case .value(let ours) = secret.reading else {
                        continue
                    }
                    variable.ends.append((end.origin, theirs == ours))
                }
            }
            byName[name] = variable
        }
        report = byName.values.sorted { $0.name < $1.name }
    }
}

/// The import from what the importers found to a written, checked spec: the code
/// `reconcile import` and the benchmark share.
public enum ImportPipeline {
    /// A spec written from what was read.
    public struct Written: Sendable {
        public var documents: [SpecDocument]
        public var secrets: ImportSecrets
        /// The spec as loaded back from the directory before the `today` Intent was added (it
        /// holds by construction); errors here are defects of the import.
        public var spec: ValidatedSpec
        /// Routers no site could be found for.
        public var unmatchedRouters: [String]
    }

    /// What the importers read, by provider, as their providers' reads return it.
    public static func alreadyRead(
        _ scopes: [(provider: String, scope: ImportedScope)]
    ) -> [String: ImportedScope.Observe] {
        var read: [String: ImportedScope.Observe] = [:]
        for (provider, scope) in scopes { if let observe = scope.observe { read[provider] = observe } }
        return read
    }

    /// Reads every importer's scope, in order.
    public static func read(_ importers: [any Importer]) async throws -> [(provider: String, scope: ImportedScope)] {
        var scopes: [(provider: String, scope: ImportedScope)] = []
        for importer in importers { scopes.append((importer.provider, try await importer.importScope())) }
        return scopes
    }

    /// Joins the documents, names the secrets by `candidates` (variables and their values),
    /// writes the spec into `directory` (made, mode 0700), adds an Intent of today's behaviour
    /// when the spec loads without errors, and loads it back.
    public static func write(
        _ scopes: [ImportedScope],
        candidates: [(name: String, value: String)],
        to directory: String,
        lowering: [any ResourceLowering]
    ) throws -> Written {
        try write(scopes, candidates: candidates, to: directory) {
            SpecPipeline.process(SpecLoader.load($0), lowering: lowering)
        }
    }

    /// `write(_:candidates:to:lowering:)`, with `load` reading the written directory back: the
    /// command's, which starts the plugins the spec names for their kinds and lowering.
    public static func write(
        _ scopes: [ImportedScope],
        candidates: [(name: String, value: String)],
        to directory: String,
        load: (String) -> ValidatedSpec
    ) throws -> Written {
        var joined = ImportJoin(scopes.flatMap(\.documents))
        let secrets = ImportSecrets(scopes.flatMap(\.secrets), candidates: candidates)
        joined.rename(secrets.names)
        // What the spec does not manage stays visible: drift lists it from now on.
        joined.documents.append(
            SpecDocument(
                kind: Kind.driftPolicy.rawValue,
                name: "drift",
                file: "routing.yaml",
                comments: ["Drift lists what no spec manages (the import's \"Not managed\" list) as unmanaged."],
                spec: [SpecField("reportUnmanaged", .bool(true))]
            )
        )
        try files(joined.documents, to: directory)
        let spec = load(directory)
        if !spec.hasErrors {
            // What the network does today, so a change that alters it fails its intent check.
            // It is what the route model says of this spec, so it holds by construction and the
            // spec is not read again for it (a thousand sites' statements are seconds of traces).
            let today = RouteModel(spec.topology).todaysIntent()
            if !today.internetEgress.isEmpty || !today.reachability.isEmpty {
                joined.documents.append(
                    today.document(
                        name: "today",
                        file: "routing.yaml",
                        comments: [
                            "What the network did when it was imported: each site's internet egress and what it reaches."
                        ]
                    )
                )
                try files(joined.documents, to: directory, only: ["routing.yaml"])
            }
        }
        return Written(
            documents: joined.documents,
            secrets: secrets,
            spec: spec,
            unmatchedRouters: joined.unmatchedRouters
        )
    }

    /// The files of `documents` in `directory` (those named in `only`, when given), each
    /// replaced whole.
    static func files(_ documents: [SpecDocument], to directory: String, only: Set<String>? = nil) throws {
        try PrivateDirectory.create(directory)
        let header = [
            "Written by `reconcile import`: what the network held when it was read.",
            "Review it, set the variables the import listed, and commit it.",
        ]
        for (file, text) in SpecWriter.files(documents, header: header) where only?.contains(file) ?? true {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + file), options: .atomic)
        }
    }
}
