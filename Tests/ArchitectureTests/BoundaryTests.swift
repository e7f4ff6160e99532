import Foundation
import TestSupport
import Testing

/// The boundary between the core and the providers (docs/architecture.md, "Where provider
/// knowledge lives"), checked from what the compiler sees: Package.swift's dependencies and
/// each file's imports, and the provider names the sources spell out.
///
/// A provider is a module under `Sources/Providers/`. The core modules name none of them, and
/// what only one provider knows (its address prefix in a string, its resource types, its
/// provider type) is spelt out only in that provider's folder.
@Suite("The core and the providers")
struct BoundaryTests {
    /// The modules that hold no provider's knowledge.
    static let core: Set<String> = ["Spec", "Reconciler", "Drift", "Verify", "ReconcileCLI"]
    /// The plugin host lives with the providers but names none: it speaks the plugin protocol to
    /// whatever program a spec pins, so the CLI may start plugins through it.
    static let neutral: Set<String> = ["PluginProvider"]

    @Test("no core module depends on a provider, in Package.swift or by an import")
    func theCoreNamesNoProvider() throws {
        let package = try PackageManifest(Fixture.path("Package.swift"))
        let providers = package.providerModules.subtracting(Self.neutral)
        #expect(
            providers.isSuperset(of: [
                "Azure", "Cisco", "AzureModel", "IOSSimulator", "Lab", "AzureCommands", "CiscoCommands", "LabCommands",
            ])
        )
        for module in Self.core.sorted() {
            // A path read wrong would find no file and pass for nothing.
            #expect(try !Self.sources(in: package.path(of: module)).isEmpty, "no sources found for \(module)")
            let reached = package.dependencies(of: module)
            #expect(
                reached.isDisjoint(with: providers),
                "\(module) depends on \(reached.intersection(providers).sorted())"
            )
            for file in try Self.sources(in: package.path(of: module)) {
                let imported = Set(Self.imports(in: try String(contentsOfFile: file, encoding: .utf8)))
                #expect(
                    imported.isDisjoint(with: providers),
                    "\(Self.relative(file)) imports \(imported.intersection(providers).sorted())"
                )
            }
        }
    }

    @Test("a provider's type is cast to only in its own module")
    func noDowncastOutsideItsProvider() throws {
        let rules: [(type: String, home: String)] = [
            ("AzureProvider", "Sources/Providers/Azure/"),
            ("CiscoProvider", "Sources/Providers/Cisco/"),
        ]
        for file in try Self.sources(in: Fixture.path("Sources")) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for rule in rules where !Self.relative(file).hasPrefix(rule.home) {
                for cast in ["as? \(rule.type)", "as! \(rule.type)", "is \(rule.type)"] {
                    #expect(!text.contains(cast), "\(Self.relative(file)) casts to \(rule.type)")
                }
            }
        }
    }

    @Test("the Cisco provider's address prefix and resource types are spelt out only in its folder")
    func ciscoLiteralsStayInTheCiscoFolder() throws {
        // The scan sees the literals where they belong, so it would see them elsewhere too.
        let home = try Self.sources(in: Fixture.path("Sources/Providers/Cisco"))
        #expect(try home.contains { try String(contentsOfFile: $0, encoding: .utf8).contains("\"ios.") })
        for file in try Self.sources(in: Fixture.path("Sources"))
        where !Self.relative(file).hasPrefix("Sources/Providers/Cisco/") {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for literal in ["\"cisco:", "\"ios."] {
                #expect(!text.contains(literal), "\(Self.relative(file)) spells \(literal)…\"")
            }
        }
    }

    @Test("Azure's resource types are spelt out only in its folder")
    func azureTypesStayInTheAzureFolder() throws {
        let homes = ["Sources/Providers/Azure/", "Sources/Providers/AzureModel/"]
        let azure = try Self.sources(in: Fixture.path("Sources/Providers/Azure"))
        #expect(try azure.contains { try String(contentsOfFile: $0, encoding: .utf8).contains("\"Microsoft.Network/") })
        for file in try Self.sources(in: Fixture.path("Sources")) {
            let path = Self.relative(file)
            guard !homes.contains(where: path.hasPrefix) else { continue }
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains("\"Microsoft.Network/"), "\(path) spells an ARM resource type")
        }
    }

    @Test("the core compares tunnel proposals in the spec's words: IOS's crypto words are the Cisco provider's")
    func iosCryptoWordsStayInTheCiscoFolder() throws {
        let package = try PackageManifest(Fixture.path("Package.swift"))
        let words = ["\"aes-cbc-", "\"esp-", "IOSCrypto"]
        let home = try Self.sources(in: Fixture.path("Sources/Providers/Cisco"))
        #expect(try home.contains { try String(contentsOfFile: $0, encoding: .utf8).contains("\"esp-sha-hmac\"") })
        for module in Self.core.sorted() {
            for file in try Self.sources(in: package.path(of: module)) {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                for word in words {
                    #expect(!text.contains(word), "\(Self.relative(file)) spells \(word)")
                }
            }
        }
    }

    @Test("the checks see what they check: a provider import and a literal are found")
    func theChecksFindWhatTheyLookFor() {
        #expect(
            Self.imports(in: "internal import Cisco\n@testable import Azure\nimport Spec // x\n") == [
                "Cisco", "Azure", "Spec",
            ]
        )
        #expect(Self.imports(in: "// import Cisco\nlet s = \"import Azure\"\n").isEmpty)
    }

    // MARK: Reading the sources

    static func sources(in directory: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map {
            directory + "/" + $0
        }
    }

    static func relative(_ file: String) -> String {
        let root = Fixture.root.path + "/"
        return file.hasPrefix(root) ? String(file.dropFirst(root.count)) : file
    }

    /// The modules a file imports (`import X`, `public import X`, `@testable import X`).
    static func imports(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first,
                ["public", "internal", "package", "@testable", "@_exported"].contains(first)
                    || first.hasPrefix("@_spi")
            {
                words.removeFirst()
            }
            guard words.count >= 2, words[0] == "import" else { return nil }
            return words[1]
        }
    }
}

/// Package.swift's targets, their paths and the targets they depend on, read from its text: the
/// manifest lists each target as `.target(name:dependencies:path:…)` with quoted names.
struct PackageManifest {
    struct Target {
        var name: String
        var dependencies: [String]
        var path: String?
    }

    var targets: [String: Target] = [:]

    init(_ file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let kinds = [".target(", ".executableTarget(", ".testTarget(", ".systemLibrary(", ".plugin("]
        var rest = Substring(text)
        while let start = kinds.compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            // The target's arguments, up to its closing parenthesis.
            var depth = 1
            var index = start.upperBound
            while depth > 0, index < rest.endIndex {
                if rest[index] == "(" { depth += 1 } else if rest[index] == ")" { depth -= 1 }
                index = rest.index(after: index)
            }
            let body = String(rest[start.upperBound..<index])
            rest = rest[index...]
            guard let name = Self.quoted(after: "name:", in: body) else { continue }
            var dependencies: [String] = []
            if let list = body.range(of: "dependencies: [") {
                let inside = body[list.upperBound...].prefix { $0 != "]" }
                // Products are other packages' (`.product(name: …)`); only this package's targets count.
                for item in inside.split(separator: ",") where !item.contains(".product(") && !item.contains("package:")
                {
                    if let word = Self.quoted(in: String(item)) { dependencies.append(word) }
                }
            }
            targets[name] = Target(name: name, dependencies: dependencies, path: Self.quoted(after: "path:", in: body))
        }
    }

    /// The modules whose sources are under `Sources/Providers/`.
    var providerModules: Set<String> {
        Set(targets.values.filter { $0.path?.hasPrefix("Sources/Providers/") == true }.map(\.name))
    }

    /// Every target `name` reaches through its dependencies.
    func dependencies(of name: String) -> Set<String> {
        var seen: Set<String> = []
        var pending = targets[name]?.dependencies ?? []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            pending += targets[next]?.dependencies ?? []
        }
        return seen
    }

    /// Where a target's sources are.
    func path(of name: String) -> String {
        Fixture.path(targets[name]?.path ?? "Sources/\(name)")
    }

    static func quoted(after label: String, in text: String) -> String? {
        guard let at = text.range(of: label) else { return nil }
        return quoted(in: String(text[at.upperBound...]))
    }

    static func quoted(in text: String) -> String? {
        guard let open = text.firstIndex(of: "\"") else { return nil }
        let after = text.index(after: open)
        guard let close = text[after...].firstIndex(of: "\"") else { return nil }
        return String(text[after..<close])
    }
}
