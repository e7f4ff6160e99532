import Foundation
import PluginProvider
import Reconciler
import TestSupport
import Testing

/// Finding a plugin: on PATH as a shell would, or by a path pinned with its digest.
@Suite("Locating plugins")
struct PluginLocatorTests {
    static func install(_ source: String, as path: String, mode: Int = 0o755) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(atPath: source, toPath: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test func onPathTheFirstExecutableFileWins() throws {
        let root = try PluginFixture.temporaryDirectory()
        let program = "reconcile-provider-strongswan"
        // Not executable, a directory, then the real one, then a shadowed copy.
        try Self.install(PluginFixture.strongswan, as: root + "/a/\(program)", mode: 0o644)
        try FileManager.default.createDirectory(atPath: root + "/b/\(program)", withIntermediateDirectories: true)
        try Self.install(PluginFixture.strongswan, as: root + "/c/\(program)")
        try Self.install(PluginFixture.strongswan, as: root + "/d/\(program)")
        let searchPath = [root + "/a", root + "/missing", root + "/b", root + "/c", root + "/d"].joined(separator: ":")
        let found = try PluginLocator.locate(
            name: "strongswan",
            path: nil,
            sha256: nil,
            root: root,
            searchPath: searchPath
        )
        #expect(found == root + "/c/\(program)")

        let error = #expect(throws: PluginError.self) {
            try PluginLocator.locate(name: "nothere", path: nil, sha256: nil, root: root, searchPath: searchPath)
        }
        #expect(error?.description.contains("reconcile-provider-nothere") == true)
        #expect(
            error?.description.contains("put it on PATH or name it in the Plugin document with its sha256") == true
        )
    }

    @Test(arguments: ["", "Strongswan", "strong_swan", "1swan", "swan/../x", String(repeating: "a", count: 42)])
    func badNamesAreRefused(_ name: String) {
        #expect(throws: PluginError.badName(name)) {
            try PluginLocator.locate(name: name, path: nil, sha256: nil, root: "/", searchPath: "/usr/bin")
        }
    }

    @Test func aPinnedDigestMatchesAndStarts() throws {
        let root = try PluginFixture.temporaryDirectory()
        try Self.install(PluginFixture.strongswan, as: root + "/plugins/reconcile-provider-strongswan")
        let digest = Digests.sha256(Array(try Data(contentsOf: URL(fileURLWithPath: PluginFixture.strongswan))))
        let found = try PluginLocator.locate(
            name: "strongswan",
            path: "plugins/reconcile-provider-strongswan",
            sha256: digest,
            root: root,
            searchPath: ""
        )
        #expect(found == root + "/plugins/reconcile-provider-strongswan")
        let (provider, _) = try PluginFixture.start("strongswan", executable: found, root: root)
        defer { provider.shutdown() }
        #expect(provider.kinds.map(\.kind) == ["StrongSwanRouter"])
    }

    /// A changed program is refused before it runs: the error names both digests.
    @Test func aDigestMismatchIsRefusedAndNothingRuns() throws {
        let root = try PluginFixture.temporaryDirectory()
        let script = "#!/bin/sh\ntouch \"\(root)/it-ran\"\n"
        try script.write(toFile: root + "/evil", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/evil")
        let actual = Digests.sha256(Array(script.utf8))
        let pinned = String(repeating: "ab", count: 32)
        #expect(
            throws: PluginError.digestMismatch(name: "evil", path: root + "/evil", expected: pinned, actual: actual)
        ) {
            try PluginLocator.locate(name: "evil", path: "evil", sha256: pinned, root: root, searchPath: "")
        }
        let error = PluginError.digestMismatch(name: "evil", path: root + "/evil", expected: pinned, actual: actual)
        #expect(error.description.contains(pinned) && error.description.contains(actual))
        #expect(!FileManager.default.fileExists(atPath: root + "/it-ran"))

        #expect(throws: PluginError.digestRequired(name: "evil", path: "evil")) {
            try PluginLocator.locate(name: "evil", path: "evil", sha256: nil, root: root, searchPath: "")
        }
        #expect(throws: PluginError.badDigest(name: "evil", digest: "ABC")) {
            try PluginLocator.locate(name: "evil", path: "evil", sha256: "ABC", root: root, searchPath: "")
        }
    }
}
