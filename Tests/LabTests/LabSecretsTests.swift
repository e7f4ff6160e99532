import Foundation
import TestSupport
import Testing

/// Secrets through the real `reconcile` binary against the lab:
/// masked by value on every output path, refused when IOS cannot take them, read only from
/// where the spec may read, checked before anything is read or sent, and kept private on disk.
@Suite("Secrets against the lab", .serialized)
struct LabSecretsTests {
    static let psk = "lab psk with spaces 1"

    /// The fragments of `psk` that must never be printed or written: the value and its words
    /// of four characters or more (shorter ones, `lab`, `psk`, `1`, occur in ordinary output).
    static let fragments = [psk, "psk with spaces 1", "with spaces", "spaces"]

    static func expectNoSecret(_ text: String, _ what: String) {
        for fragment in fragments {
            #expect(!text.contains(fragment), "\(what) shows '\(fragment)':\n\(text)")
        }
    }

    /// A pre-shared key with spaces: the IOS grammar once masked its first word only.
    @Test func aSecretWithSpacesAppearsInNoOutput() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        let env = ["TOKYO_PSK": Self.psk]
        let apply = try ws.run(["apply", "spec", "--auto-approve"], environment: env)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        Self.expectNoSecret(apply.stdout + apply.stderr, "apply")
        // The router's key changed out of band (to another with spaces): plan shows the lines
        // that put the spec's key back.
        let typed = try ws.run(
            [
                "lab", "cli", "spec", "tokyo-rtr1", "configure terminal", "crypto ikev2 keyring azure-keyring",
                "peer azure", "pre-shared-key \(Self.psk) out of band", "end",
                "show running-config | section keyring",
            ],
            environment: env
        )
        #expect(typed.status == 0, "\(typed.stderr)")
        Self.expectNoSecret(typed.stdout + typed.stderr, "lab cli")
        #expect(!typed.stdout.contains("out of band"), "\(typed.stdout)")
        for format in ["text", "json", "markdown"] {
            let plan = try ws.run(
                ["plan", "spec", "--format", format, "--out", "saved-\(format).json"],
                environment: env
            )
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("keyring"), "\(plan.stdout)")
            Self.expectNoSecret(plan.stdout + plan.stderr, "plan --format \(format)")
            let saved = try String(contentsOf: ws.root.appendingPathComponent("saved-\(format).json"), encoding: .utf8)
            Self.expectNoSecret(saved, "the saved plan")
        }
        let drift = try ws.run(
            [
                "drift", "spec", "--report", "json=reports/drift.json", "--report", "markdown=reports/drift.md",
                "--report", "html=reports/drift.html", "--report", "junit=reports/drift.xml",
            ],
            environment: env
        )
        #expect(drift.status == 2, "\(drift.stdout)\(drift.stderr)")
        Self.expectNoSecret(drift.stdout + drift.stderr, "drift")
        for name in ["drift.json", "drift.md", "drift.html", "drift.xml"] {
            let report = try String(contentsOf: ws.root.appendingPathComponent("reports/\(name)"), encoding: .utf8)
            Self.expectNoSecret(report, name)
        }
        let history = try String(
            contentsOf: ws.spec.appendingPathComponent(".reconcile/drift-history.jsonl"),
            encoding: .utf8
        )
        Self.expectNoSecret(history, "the drift history")
        let repair = try ws.run(["apply", "spec", "--auto-approve"], environment: env)
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        Self.expectNoSecret(repair.stdout + repair.stderr, "the repairing apply")
        let verify = try ws.run(["verify", "spec"], environment: env)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        Self.expectNoSecret(verify.stdout + verify.stderr, "verify")
    }

    /// A line break would end the IOS command early and send the rest as a command.
    @Test(arguments: [
        ("alpha-part\nbeta-part", "contains a line break"),
        ("what-now?", "contains '?'"),
        (" padded-key", "begins or ends with a space"),
        ("clé-secrète", "non-ASCII"),
    ])
    func aSecretIOSCannotTakeIsRefusedNamingTheVariable(value: String, why: String) throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        let plan = try ws.run(["plan", "spec"], environment: ["TOKYO_PSK": value])
        #expect(plan.status == 1)
        #expect(plan.stderr.contains("connection.yaml:13:14: error[secret-value]"), "\(plan.stderr)")
        #expect(plan.stderr.contains("env:TOKYO_PSK") && plan.stderr.contains(why), "\(plan.stderr)")
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            #expect(!plan.stderr.contains(word) && !plan.stdout.contains(word), "the value was printed")
        }
        #expect(!FileManager.default.fileExists(atPath: ws.spec.appendingPathComponent(".reconcile/lab").path))
    }

    /// `fromFile` reads only below the spec directory, whatever the path or symlink says.
    @Test(arguments: ["/etc/passwd", "../../../../../../etc/passwd", "link-to-passwd"])
    func aSecretFileOutsideTheSpecIsRefused(path: String) throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        try FileManager.default.createSymbolicLink(
            atPath: ws.spec.appendingPathComponent("link-to-passwd").path,
            withDestinationPath: "/etc/passwd"
        )
        try ws.edit("connection.yaml") {
            $0.replacingOccurrences(of: "{fromEnv: TOKYO_PSK}", with: "{fromFile: \(path)}")
        }
        let plan = try ws.run(["plan", "spec"])
        #expect(plan.status == 1)
        #expect(plan.stderr.contains("connection.yaml:13:14: error[secret-outside-spec]"), "\(plan.stderr)")
        #expect(plan.stderr.contains("from file \(path),"), "\(plan.stderr)")
        #expect(!plan.stderr.contains("root:"), "a line of /etc/passwd was printed")
    }

    /// The spec names a variable; only the run's grant lets it read one.
    @Test func anUngrantedVariableIsRefusedAndAGrantFromOutsideTheSpecAllowsIt() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        let others = "RTR_PASSWORD RTR_ENABLE PPP_PASSWORD"
        let refused = try ws.run(["plan", "spec"], environment: ["RECONCILE_ALLOWED_SECRETS": others])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("connection.yaml:13:14: error[secret-not-granted]"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-secret TOKYO_PSK"), "\(refused.stderr)")
        #expect(!refused.stderr.contains(LabWorkspace.secrets["TOKYO_PSK"] ?? "-"))
        let granted = try ws.run(
            ["plan", "spec", "--allow-secret", "TOKYO_PSK"],
            environment: ["RECONCILE_ALLOWED_SECRETS": others]
        )
        #expect(granted.status == 0, "\(granted.stderr)")
    }

    /// With variables unset, plan, diff and apply stop before reading or changing anything,
    /// naming every one (it used to plan a key change and fail halfway through the apply).
    @Test func missingVariablesStopPlanDiffAndApplyBeforeAnything() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        try ws.edit("connection.yaml") { $0.replacingOccurrences(of: "TOKYO_PSK", with: "RECONCILE_TEST_UNSET_PSK") }
        try ws.edit("onprem.yaml") { $0.replacingOccurrences(of: "PPP_PASSWORD", with: "RECONCILE_TEST_UNSET_PPP") }
        let grant = [
            "RECONCILE_ALLOWED_SECRETS": "RECONCILE_TEST_UNSET_PSK,RECONCILE_TEST_UNSET_PPP,RTR_PASSWORD,RTR_ENABLE"
        ]
        for command in [["plan", "spec"], ["diff", "spec"], ["apply", "spec", "--auto-approve"]] {
            let run = try ws.run(command, environment: grant)
            #expect(run.status == 1, "\(command): \(run.stdout)")
            for (variable, at) in [
                ("RECONCILE_TEST_UNSET_PSK", "connection.yaml:13:14"),
                ("RECONCILE_TEST_UNSET_PPP", "onprem.yaml:45:52"),
            ] {
                #expect(run.stderr.contains("\(at): error[secret-missing]"), "\(command): \(run.stderr)")
                #expect(run.stderr.contains("environment variable \(variable), which is not set"), "\(run.stderr)")
            }
            #expect(run.stdout.isEmpty, "\(command) printed a plan: \(run.stdout)")
            #expect(!FileManager.default.fileExists(atPath: ws.spec.appendingPathComponent(".reconcile").path))
        }
    }

    /// Device configs hold the PSK and login secrets: only their owner reads them.
    @Test func theLabAndStateArePrivateOnDisk() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let state = ws.spec.appendingPathComponent(".reconcile").path
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        }
        for directory in [state, state + "/lab", state + "/lab/devices"] {
            #expect(try mode(directory) == 0o700, "\(directory)")
        }
        for file in [state + "/lab/devices/tokyo-rtr1.cfg", state + "/state.json"] {
            #expect(try mode(file) == 0o600, "\(file)")
        }
    }
}
