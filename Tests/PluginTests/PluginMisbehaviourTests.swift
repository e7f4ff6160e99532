import Foundation
import PluginProvider
import Reconciler
import Spec
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Plugins that die, answer garbage, never answer or look at their environment: each is a
/// clear error naming the plugin, nothing hangs, and nothing of the host's secrets leaks.
@Suite("Misbehaving plugins")
struct PluginMisbehaviourTests {
    /// It dies mid-apply: the error names it and its exit status, the connection is dead, and
    /// a new instance reads the half-written file and converges.
    @Test func aPluginThatExitsMidApply() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let crashy = PluginFixture.testPlugin("crashy")
        let (first, _) = try PluginFixture.start("crashy", executable: crashy, root: root)
        let router = PluginFixture.router(kind: "CrashyRouter")
        let (resources, _) = try first.lower(documents: [router], sites: PluginFixture.sites)
        #expect(resources.count == 2)
        let configDir = root + "/out/osaka"
        try FileManager.default.createDirectory(atPath: configDir, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: configDir + "/.crash-on-apply", contents: Data()))

        let error = await #expect(throws: ProviderError.self) {
            try await first.apply(PluginFixture.changes(resources, .create))
        }
        #expect(error?.message == "plugin crashy: exited with status 9 while answering apply")
        let again = await #expect(throws: ProviderError.self) {
            try await first.read(resources.map(\.address), context: PluginFixture.context(resources))
        }
        #expect(again?.message == error?.message)
        first.shutdown()

        let (second, _) = try PluginFixture.start("crashy", executable: crashy, root: root)
        defer { second.shutdown() }
        _ = try second.lower(documents: [router], sites: PluginFixture.sites)
        let context = PluginFixture.context(resources)
        let halfway = try await second.read(resources.map(\.address), context: context)
        #expect(resources.contains { halfway[$0.address]?.attributes != PluginFixture.expectedRead($0) })
        _ = try await second.apply(PluginFixture.changes(resources, .create))
        let converged = try await second.read(resources.map(\.address), context: context)
        for resource in resources {
            #expect(converged[resource.address]?.attributes == PluginFixture.expectedRead(resource))
        }
    }

    /// Not JSON for lower, then a response to another request: clear errors, no crash, no hang.
    @Test func aPluginThatAnswersGarbage() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let garbage = PluginFixture.testPlugin("garbage")
        let (provider, _) = try PluginFixture.start("garbage", executable: garbage, root: root)
        #expect(provider.kinds.map(\.kind) == ["GarbageRouter"])
        let document = PluginDocument(kind: "GarbageRouter", name: "g", spec: ["site": "osaka", "configDir": "g"])
        let error = #expect(throws: ProviderError.self) {
            try provider.lower(documents: [document], sites: PluginFixture.sites)
        }
        #expect(
            error?.message == #"plugin garbage: answered lower with something that is not JSON: "this is not JSON {""#
        )
        let later = await #expect(throws: ProviderError.self) {
            try await provider.read([], context: ReadContext(fingerprint: PluginFixture.fingerprint))
        }
        #expect(later?.message == error?.message)

        let (other, _) = try PluginFixture.start("garbage", executable: garbage, root: root)
        let wrong = await #expect(throws: ProviderError.self) {
            try await other.read([], context: ReadContext(fingerprint: PluginFixture.fingerprint))
        }
        #expect(wrong?.message == "plugin garbage: answered read with a response to request 1002, not 2")
    }

    /// It never answers: the deadline error, and the process is gone.
    @Test func aPluginThatNeverAnswers() throws {
        let root = try PluginFixture.temporaryDirectory()
        let started = ContinuousClock.now
        let error = #expect(throws: ProviderError.self) {
            try PluginFixture.start(
                "silent",
                executable: PluginFixture.testPlugin("silent"),
                root: root,
                deadlines: PluginDeadlines(call: .milliseconds(700))
            )
        }
        #expect(error?.message == "plugin silent: no answer to initialize within 0.7 s; stopped it")
        #expect(ContinuousClock.now - started < .seconds(10))
        let pid = try #require(Int32(try String(contentsOfFile: root + "/silent.pid", encoding: .utf8)))
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    /// Of the host's environment only PATH, HOME, LANG and TMPDIR reach a plugin, beside the protocol's version.
    @Test func theChildEnvironmentHoldsNothingElse() throws {
        let root = try PluginFixture.temporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["OSAKA_PSK"] = PluginFixture.psk
        environment["AZURE_CLIENT_SECRET"] = "not for plugins"
        environment["HOME"] = "/home/plugin-test"
        let (provider, _) = try PluginFixture.start(
            "environ",
            executable: PluginFixture.testPlugin("environ"),
            root: root,
            environment: environment
        )
        provider.shutdown()
        let names = Set(try String(contentsOfFile: root + "/environ.txt", encoding: .utf8).split(separator: "\n"))
        #expect(names.isSubset(of: ["PATH", "HOME", "LANG", "TMPDIR", "RECONCILE_PLUGIN_PROTOCOL"]))
        #expect(names.isSuperset(of: ["PATH", "HOME", "RECONCILE_PLUGIN_PROTOCOL"]))
        #expect(try String(contentsOfFile: root + "/protocol.txt", encoding: .utf8) == "1\n")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var builtIn: Set<String>
        var message: String

        var testDescription: String { message }
    }

    /// What initialize answers is checked: a built-in kind or another name is refused.
    @Test(arguments: [
        Refusal(
            name: "strongswan",
            builtIn: ["StrongSwanRouter"],
            message: "plugin strongswan: initialize answered kind StrongSwanRouter, which is a built-in kind"
        ),
        Refusal(
            name: "other",
            builtIn: [],
            message: #"plugin other: initialize answered the name "strongswan", not "other""#
        ),
    ])
    func initializeIsChecked(_ refusal: Refusal) throws {
        let root = try PluginFixture.temporaryDirectory()
        let error = #expect(throws: ProviderError.self) {
            try PluginProvider.start(
                name: refusal.name,
                executable: PluginFixture.strongswan,
                root: root,
                register: { _ in },
                builtInKinds: refusal.builtIn
            )
        }
        #expect(error?.message == refusal.message)
    }
}
