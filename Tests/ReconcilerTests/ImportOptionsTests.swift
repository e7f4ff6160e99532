import Foundation
import ReconcileCLI
import TestSupport
import Testing

/// `reconcile import`'s options, each provider's in its own module (`ImportOptions`), through
/// the real binary: the help shows them all, and a bad value is refused before anything is read.
@Suite("import: each provider's options")
struct ImportOptionsTests {
    @Test func theHelpShowsEveryProvidersOptionsWithTheirHelp() throws {
        let help = try Fixture.run("reconcile", ["import", "--help"])
        #expect(help.status == 0)
        for line in [
            "--azure <SUB/RG>", "A resource group to read: SUBSCRIPTION/RESOURCE_GROUP.",
            "--endpoint <endpoint>", "--router <NAME=USER@HOST[:PORT]>", "A router to read over SSH (repeatable).",
            "--password-env <VAR>", "--enable-env <VAR>", "--known-hosts <FILE>", "--secret-env <VAR>",
            "--plugin <NAME=TARGET>", "--plugin-pin <NAME=PATH@DIGEST>", "--strict", "--insecure-accept-host-key",
            "reconcile import net --azure 0000…/rg-s2s-tokyo",
        ] {
            #expect(help.stdout.contains(line), "\(line) is not in\n\(help.stdout)")
        }
        // In the order the executable lists the providers, before the core's own options.
        let order = ["--azure <", "--endpoint <", "--router <", "--known-hosts <", "--secret-env <", "--plugin <"]
        let at = order.compactMap { help.stdout.range(of: $0)?.lowerBound }
        #expect(at.count == order.count && at == at.sorted(), "\(help.stdout)")
    }

    /// A bad value, and the message that names it.
    static let refused: [(arguments: [String], environment: [String: String], message: String)] = [
        ([], [:], "give --azure SUBSCRIPTION/RESOURCE_GROUP: a spec has one AzureScope"),
        (["--azure", "s/g", "--endpoint", "lab"], [:], "--endpoint 'lab' is not public or an ARM URL"),
        (["--azure", "s"], [:], "--azure 's' is not SUBSCRIPTION/RESOURCE_GROUP"),
        (["--azure", "s/g", "--azure", "t/h"], [:], "--azure is given 2 times"),
        (["--azure", "s/g", "--router", "r1"], [:], "--router 'r1' is not NAME=USER@HOST[:PORT]"),
        (["--azure", "s/g", "--router", "r1=u@h:0"], [:], "--router 'r1=u@h:0' is not NAME=USER@HOST[:PORT]"),
        (["--azure", "s/g", "--router", "r1=u@h"], [:], "--router needs --password-env VAR"),
        (
            ["--azure", "s/g", "--router", "r1=u@h", "--password-env", "IMPORT_TEST_UNSET"], [:],
            "--password-env IMPORT_TEST_UNSET: the variable is not set"
        ),
        (
            ["--azure", "s/g", "--router", "r1=u@h", "--password-env", "P", "--enable-env", "IMPORT_TEST_UNSET"],
            ["P": "login"], "--enable-env IMPORT_TEST_UNSET: the variable is not set"
        ),
        (
            ["--azure", "s/g", "--router", "r1=u@h", "--password-env", "P"], ["P": "login"],
            "--router needs --known-hosts FILE pinning its host key"
        ),
        (
            ["--azure", "s/g", "--known-hosts", "/nonexistent/kh"], [:],
            "--known-hosts '/nonexistent/kh' cannot be read"
        ),
        (
            ["--azure", "s/g", "--router", "r1=u@h", "--router", "r1=u@h2", "--password-env", "P"]
                + ["--insecure-accept-host-key"], ["P": "login"], "--router r1 is given twice"
        ),
        (
            ["--azure", "s/g", "--secret-env", "IMPORT_TEST_UNSET"], [:],
            "--secret-env IMPORT_TEST_UNSET: the variable is not set"
        ),
        (["--azure", "s/g", "--plugin", "=x"], [:], "--plugin '=x' is not NAME=TARGET"),
        (["--azure", "s/g", "--plugin", "azure=x"], [:], "--plugin azure: a built-in provider is named 'azure'"),
        (
            ["--azure", "s/g", "--plugin", "p=x", "--plugin-pin", "p=@digest"], [:],
            "--plugin-pin 'p=@digest' is not NAME=PATH@SHA256"
        ),
        (["--azure", "s/g", "--plugin-pin", "p=/bin/p@d"], [:], "--plugin-pin p: no --plugin p=TARGET is given"),
    ]

    @Test(arguments: refused.indices)
    func aBadValueIsRefusedBeforeAnythingIsRead(_ index: Int) throws {
        let (arguments, environment, message) = Self.refused[index]
        let directory = try Fixture.temporaryDirectory("import-options")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("net").path
        let run = try Fixture.run("reconcile", ["import", out] + arguments, environment: environment)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("error: \(message)"), "\(run.stderr)")
        #expect(run.stderr.hasSuffix("Nothing was read or written.\n"), "\(run.stderr)")
        // No provider says it reads when another's option is refused.
        #expect(!run.stderr.contains("reading"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func anOptionNoProviderDeclaresIsAUsageError() throws {
        let run = try Fixture.run("reconcile", ["import", "net", "--azure", "s/g", "--no-such-option"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("Unknown option '--no-such-option'"), "\(run.stderr)")
    }

    @Test(arguments: [
        ("r1=u@h", NamedArgument.Parts(name: "r1", value: "u@h", before: "u", after: "h")),
        ("p=a@b@c", NamedArgument.Parts(name: "p", value: "a@b@c", before: "a@b", after: "c")),
        ("n@x=a=b", NamedArgument.Parts(name: "n@x", value: "a=b", before: nil, after: nil)),
        ("=", NamedArgument.Parts(name: "", value: "", before: nil, after: nil)),
    ])
    func aNamedArgumentSplitsAtTheFirstEqualsAndTheLastAt(_ text: String, _ parts: NamedArgument.Parts) throws {
        let argument = try #require(NamedArgument(text))
        #expect(
            NamedArgument.Parts(
                name: argument.name,
                value: argument.value,
                before: argument.splitAtLastAt?.before,
                after: argument.splitAtLastAt?.after
            ) == parts
        )
        #expect(NamedArgument("no-equals") == nil)
    }
}

extension NamedArgument {
    /// What a `NamedArgument` splits into, comparable.
    struct Parts: Equatable, Sendable {
        var name: String
        var value: String
        var before: String?
        var after: String?
    }
}
