import Foundation
import TestSupport
import Testing

/// End-to-end: the built `reconcile` binary, as users and CI run it.
@Suite("reconcile CLI")
struct CLITests {
    @Test func validateExitsZeroOnAValidSpec() throws {
        let run = try Fixture.reconcile(["validate", "examples/s2s-cisco891-pppoe"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("valid (4 files, 18 resources)"))
        // The seed's pinned legacy crypto warns by rule id and still validates.
        for rule in ["crypto-weak-integrity", "crypto-weak-dh-group", "crypto-no-pfs"] {
            #expect(run.stderr.contains("warning[\(rule)]"))
        }
        #expect(!run.stderr.contains("error["))
    }

    @Test func validateExitsOneWithFileLineColumnDiagnostics() throws {
        let run = try Fixture.reconcile(["validate", "examples/invalid/12-gateway-subnet-too-small.yaml"])
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.first?.hasPrefix(
                "examples/invalid/12-gateway-subnet-too-small.yaml:21:37: error[gateway-subnet-size]: "
            ) == true
        )
        // The source line and a caret under column 37.
        // " 21 | <source>" then "    | <36 spaces>^": the caret sits under column 37.
        #expect(lines.count > 2 && lines[1].hasPrefix(" 21 | "))
        #expect(lines.count > 2 && lines[2] == "    | " + String(repeating: " ", count: 36) + "^")
        #expect(run.stderr.contains("hint: "))
        #expect(run.stderr.contains("1 error, 0 warnings"))
    }

    @Test func validateJSONIsMachineReadable() throws {
        let run = try Fixture.reconcile(["validate", "examples/invalid/02-duplicate-key.yaml", "--format", "json"])
        #expect(run.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["errors"] as? Int == 1)
        let first = (object?["diagnostics"] as? [[String: Any]])?.first
        #expect(first?["rule"] as? String == "yaml-duplicate-key")
        let location = first?["location"] as? [String: Any]
        #expect(location?["line"] as? Int == 21)
        #expect(location?["column"] as? Int == 3)
    }

    @Test func warningsDoNotFailValidation() throws {
        let run = try Fixture.reconcile(["validate", "examples/invalid/23-site-behind-nat.yaml"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning[site-behind-nat]"))
    }

    @Test(arguments: ["json", "dot", "mermaid"])
    func graphPrintsEachFormat(_ format: String) throws {
        let run = try Fixture.reconcile(["graph", "examples/vwan-internet-via-azure", "--format", format])
        #expect(run.status == 0)
        switch format {
        case "json": #expect(run.stdout.contains("\"address\" : \"azure:virtualHubs/japan-hub\""))
        case "dot": #expect(run.stdout.hasPrefix("digraph reconcile {"))
        default: #expect(run.stdout.hasPrefix("flowchart LR"))
        }
    }

    @Test func graphOfAnInvalidSpecFails() throws {
        let run = try Fixture.reconcile(["graph", "examples/invalid/07-missing-reference.yaml"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("error[ref-missing]"))
    }

    @Test(arguments: ["validate", "plan", "diff", "apply", "destroy", "state", "lab", "graph", "schema", "rules"])
    func everyCommandHasHelpWithAnExample(_ command: String) throws {
        let run = try Fixture.reconcile([command, "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Example"))
    }

    @Test func secretValuesNeverReachOutput() throws {
        let secret = "Sup3r-S3cret-Psk-\(UUID().uuidString)"
        let env = ["TOKYO_PSK": secret, "RTR_PASSWORD": secret, "RTR_ENABLE": secret, "PPP_PASSWORD": secret]
        for arguments in [
            ["validate", "examples/s2s-cisco891-pppoe", "--format", "json"],
            ["graph", "examples/s2s-cisco891-pppoe"],
            ["graph", "examples/s2s-cisco891-pppoe", "--format", "dot"],
        ] {
            let run = try Fixture.reconcile(arguments, environment: env)
            #expect(run.status == 0)
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
        }
        let graph = try Fixture.reconcile(["graph", "examples/s2s-cisco891-pppoe"], environment: env)
        #expect(graph.stdout.contains("\"$secret\" : \"env:TOKYO_PSK\""))
    }

    @Test func aPlaintextSecretIsNotEchoedInItsOwnDiagnostic() throws {
        for format in ["text", "json"] {
            let run = try Fixture.reconcile([
                "validate", "examples/invalid/08-plaintext-secret.yaml", "--format", format,
            ])
            #expect(run.status == 1)
            #expect(run.stdout.contains("secret-plaintext") || run.stderr.contains("secret-plaintext"))
            #expect(!run.stdout.contains("Tokyo-PSK-2024!") && !run.stderr.contains("Tokyo-PSK-2024!"))
        }
    }

    @Test func outputIsTheSameBytesEveryRun() throws {
        let first = try Fixture.reconcile(["graph", "examples/routeserver-nva-default-route"])
        let second = try Fixture.reconcile(["graph", "examples/routeserver-nva-default-route"])
        #expect(first.stdout == second.stdout)
        #expect(!first.stdout.isEmpty)
    }
}
