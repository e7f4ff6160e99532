import Foundation
import TestSupport
import Testing

/// The CI pipelines of `examples/ci/`, read with a YAML parser, and their commands run as two
/// runners would run them.
///
/// Each runner is a `git clone` of one repository in a directory of its own; the two share only
/// the PostgreSQL state (`RECONCILE_TEST_PG_URL`, `scripts/test-postgres.sh start`) and one lab
/// world (`RECONCILE_LAB_DIR`). The scripts are taken from the pipeline files, not copied here,
/// and run by bash as each CI system runs them.
@Suite("CI pipelines on two runners", .serialized)
struct PipelineTests {
    /// A CI system, by its file in `examples/ci/`.
    enum System: String, CaseIterable, CustomTestStringConvertible {
        case github = "github-actions.yml"
        case gitlab = "gitlab-ci.yml"
        case azure = "azure-pipelines.yml"

        var testDescription: String { rawValue }

        /// How the system runs a script: GitHub's `bash -e {0}` with pipefail, GitLab's
        /// errexit and pipefail, Azure Pipelines' Bash task as it is (its scripts set -e).
        var shell: [String] {
            switch self {
            case .github: ["--noprofile", "--norc", "-eo", "pipefail", "-c"]
            case .gitlab: ["-eo", "pipefail", "-c"]
            case .azure: ["--noprofile", "--norc", "-c"]
            }
        }

        /// The environment that names this runner's CI job, as the system sets it.
        func job(_ id: Int) -> [String: String] {
            switch self {
            case .github: ["GITHUB_RUN_ID": "\(id)", "GITHUB_JOB": "apply"]
            case .gitlab: ["CI_JOB_ID": "\(id)"]
            case .azure: ["BUILD_BUILDID": "\(id)"]
            }
        }

        /// How the state lock names that job (`LockInfo.ciJob`).
        func jobName(_ id: Int) -> String {
            switch self {
            case .github: "github \(id)/apply"
            case .gitlab: "gitlab \(id)"
            case .azure: "azure-pipelines \(id)"
            }
        }
    }

    /// What the tests take from a pipeline file: its variables and the scripts of its jobs.
    struct Pipeline {
        var document: [String: Any]
        var variables: [String: String]
        /// Validate, plan and cost (the pull request's job).
        var plan: String
        /// Apply the saved plan or plan again, then diff (the merge's job).
        var apply: String
        /// Drift with its reports (the scheduled job).
        var drift: String
    }

    static let pgURL = ProcessInfo.processInfo.environment["RECONCILE_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// A YAML file as JSON values, read by PyYAML (`pip install pyyaml`).
    static func yaml(_ path: String) throws -> [String: Any] {
        try #require(Fixture.pythonHas("yaml"), "python3 cannot import yaml: pip install pyyaml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path,
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(path) is not YAML")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Every mapping in `value`, depth first (steps sit at different depths in each system).
    static func mappings(_ value: Any) -> [[String: Any]] {
        if let map = value as? [String: Any] { return [map] + map.values.flatMap(mappings) }
        if let list = value as? [Any] { return list.flatMap(mappings) }
        return []
    }

    /// A job's script: GitHub and Azure steps by name, joined; GitLab's job `script` lines.
    static func script(_ document: [String: Any], _ system: System, job: String, steps: [String]) throws -> String {
        switch system {
        case .gitlab:
            let lines = try #require((document[job] as? [String: Any])?["script"] as? [String], "job \(job)")
            return lines.joined(separator: "\n")
        case .github:
            let jobs = try #require(document["jobs"] as? [String: Any])
            let all = try #require((jobs[job] as? [String: Any])?["steps"] as? [[String: Any]], "job \(job)")
            return try steps.map { name in
                try #require(all.first { $0["name"] as? String == name }?["run"] as? String, "step \(name)")
            }.joined(separator: "\n")
        case .azure:
            let all = mappings(document["stages"] ?? [])
            return try steps.map { name in
                try #require(all.first { $0["displayName"] as? String == name }?["bash"] as? String, "step \(name)")
            }.joined(separator: "\n")
        }
    }

    static func load(_ system: System) throws -> Pipeline {
        let document = try yaml(Fixture.path("examples/ci/\(system.rawValue)"))
        var variables: [String: String] = [:]
        switch system {
        case .github:
            for (key, value) in document["env"] as? [String: Any] ?? [:] { variables[key] = "\(value)" }
        case .gitlab:
            for (key, value) in document["variables"] as? [String: Any] ?? [:] { variables[key] = "\(value)" }
        case .azure:
            for entry in document["variables"] as? [[String: Any]] ?? [] {
                if let name = entry["name"] as? String, let value = entry["value"] { variables[name] = "\(value)" }
            }
        }
        let jobs: (plan: String, apply: String, drift: String) =
            system == .azure ? ("", "", "") : ("plan", "apply", "drift")
        return Pipeline(
            document: document,
            variables: variables,
            plan: try script(document, system, job: jobs.plan, steps: ["Validate", "Plan"]),
            apply: try script(document, system, job: jobs.apply, steps: ["Apply"]),
            drift: try script(document, system, job: jobs.drift, steps: ["Drift"])
        )
    }

    /// Each file parses, and its jobs hold what the pipelines promise: the plan with its cost
    /// as Markdown, the stale-plan fallback, one apply at a time, both drift reports.
    @Test(arguments: System.allCases)
    func theFileIsYAMLWithEveryJob(_ system: System) throws {
        let pipeline = try Self.load(system)
        #expect(pipeline.variables["SPEC"] == "network")
        let grant = Set((pipeline.variables["RECONCILE_ALLOWED_SECRETS"] ?? "").split(separator: ",").map(String.init))
        #expect(
            grant == [
                "RECONCILE_PG_URL", "TOKYO_PSK", "RTR_PASSWORD", "RTR_ENABLE", "PPP_PASSWORD", "DRIFT_HOOK_SECRET",
            ]
        )
        #expect(pipeline.plan.contains(#"reconcile validate "$SPEC""#))
        #expect(pipeline.plan.contains(#"reconcile plan "$SPEC" --out plan.json --format markdown > plan.md"#))
        #expect(pipeline.plan.contains(#"reconcile cost "$SPEC" --format markdown >> plan.md"#))
        #expect(pipeline.apply.contains("reconcile apply plan.json"))
        #expect(pipeline.apply.contains("the saved plan no longer applies"))
        #expect(pipeline.apply.contains(#"reconcile apply "$SPEC" --auto-approve"#))
        #expect(pipeline.drift.contains("--report junit=drift.xml --report html=drift.html"))
        let text = try String(contentsOfFile: Fixture.path("examples/ci/\(system.rawValue)"), encoding: .utf8)
        #expect(text.contains("--static-swift-stdlib") || text.contains("scripts/install.sh"))
        let document = pipeline.document
        switch system {
        case .github:
            let jobs = try #require(document["jobs"] as? [String: Any])
            let apply = try #require(jobs["apply"] as? [String: Any])
            let group = try #require(apply["concurrency"] as? [String: Any])
            #expect(group["group"] as? String == "reconcile-apply")
            #expect(group["cancel-in-progress"] as? Bool == false)
            #expect(text.contains(#"cat plan.md >> "$GITHUB_STEP_SUMMARY""#))
            #expect(text.contains("gh pr comment"))
            #expect(text.contains("actions/cache@v4") && text.contains("mikepenz/action-junit-report"))
        case .gitlab:
            #expect((document["apply"] as? [String: Any])?["resource_group"] as? String == "reconcile-apply")
            let reports = ((document["drift"] as? [String: Any])?["artifacts"] as? [String: Any])?["reports"]
            #expect((reports as? [String: Any])?["junit"] as? String == "drift.xml")
            #expect(text.contains("merge_requests/$CI_MERGE_REQUEST_IID/notes"))
        case .azure:
            #expect(document["lockBehavior"] as? String == "sequential")
            let deployment = Self.mappings(document).first { $0["deployment"] as? String == "apply" }
            #expect(deployment?["environment"] as? String == "network-production")
            #expect(text.contains("PublishTestResults@2") && text.contains("Cache@2"))
            #expect(text.contains("pullRequests/$(System.PullRequest.PullRequestId)/threads"))
        }
    }
}

/// Two runners, one repository: the pull request's plan, the merge's apply, the schedule's
/// drift, with the lock and stale plans as they meet in CI.
@Suite(
    "CI pipelines on two runners, with shared PostgreSQL state and one lab",
    .serialized,
    .enabled(
        if: PipelineTests.pgURL != nil || PipelineTests.inCI,
        "RECONCILE_TEST_PG_URL is not set: run `eval \"$(bash scripts/test-postgres.sh start)\"` for these tests"
    )
)
struct TwoRunnerTests {
    /// How a script ended, and what it printed.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A runner: its clone of the repository, and the environment its CI system gives it.
    struct Runner {
        let directory: URL
        var environment: [String: String]
        let system: PipelineTests.System

        /// Runs a script of the pipeline as the CI system would, in the clone's root; what it
        /// printed goes to files (never a full pipe) and is returned.
        func run(_ script: String, label: String, extra: [String: String] = [:]) throws -> Run {
            let process = try start(script, label: label, extra: extra)
            process.waitUntilExit()
            return finished(process, label: label)
        }

        func start(_ script: String, label: String, extra: [String: String] = [:]) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = system.shell + [script]
            process.currentDirectoryURL = directory
            process.environment = environment.merging(extra) { _, b in b }
            for stream in ["out", "err"] {
                #expect(FileManager.default.createFile(atPath: log(label, stream), contents: nil), "the log file")
            }
            process.standardOutput = FileHandle(forWritingAtPath: log(label, "out"))
            process.standardError = FileHandle(forWritingAtPath: log(label, "err"))
            process.standardInput = FileHandle.nullDevice
            try process.run()
            return process
        }

        func finished(_ process: Process, label: String) -> Run {
            Run(
                status: process.terminationStatus,
                stdout: (try? String(contentsOfFile: log(label, "out"), encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: log(label, "err"), encoding: .utf8)) ?? ""
            )
        }

        func log(_ label: String, _ stream: String) -> String {
            directory.deletingLastPathComponent().path + "/\(directory.lastPathComponent)-\(label).\(stream)"
        }

        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
    }

    static func git(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.invalid"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git \(arguments.joined(separator: " "))")
    }

    /// The repository a team keeps: the first example as its spec, state in PostgreSQL through a
    /// StateBackend whose URL is a secret, and the pipeline file where its CI system reads it.
    static func repository(in root: URL, spec: String, schema: String, system: PipelineTests.System) throws -> URL {
        let origin = root.appendingPathComponent("origin")
        let network = origin.appendingPathComponent(spec)
        try FileManager.default.createDirectory(at: network, withIntermediateDirectories: true)
        let example = Fixture.path("examples/s2s-cisco891-pppoe")
        for file in try FileManager.default.contentsOfDirectory(atPath: example) where file.hasSuffix(".yaml") {
            try FileManager.default.copyItem(
                atPath: example + "/" + file,
                toPath: network.appendingPathComponent(file).path
            )
        }
        let backend = """
            apiVersion: reconcile/v1
            kind: StateBackend
            metadata:
              name: team
            spec:
              postgres: {url: {fromEnv: RECONCILE_PG_URL}, schema: \(schema)}

            """
        try Data(backend.utf8).write(to: network.appendingPathComponent("state.yaml"))
        try Data("**/.reconcile/\n".utf8).write(to: origin.appendingPathComponent(".gitignore"))
        try FileManager.default.copyItem(
            atPath: Fixture.path("examples/ci/\(system.rawValue)"),
            toPath: origin.appendingPathComponent(system.rawValue).path
        )
        try git(["init", "-q", "-b", "main"], in: origin)
        try git(["add", "."], in: origin)
        try git(["commit", "-q", "-m", "the network"], in: origin)
        return origin
    }

    @Test(arguments: PipelineTests.System.allCases)
    func twoRunnersShareStateLockAndPlans(_ system: PipelineTests.System) throws {
        let pg = try #require(PipelineTests.pgURL, "CI is set but RECONCILE_TEST_PG_URL is not")
        let pipeline = try PipelineTests.load(system)
        let spec = try #require(pipeline.variables["SPEC"])
        let root = try Fixture.temporaryDirectory("ci-\(system)")
        defer { try? FileManager.default.removeItem(at: root) }
        let schema = "ci_\(system)_" + UUID().uuidString.lowercased().prefix(8)
        let origin = try Self.repository(in: root, spec: spec, schema: schema, system: system)
        let lab = root.appendingPathComponent("lab")

        // What the CI system gives each job: its variables, the secret store's values as
        // environment variables, the binary on PATH; nothing of this test's own CI job.
        var base = ProcessInfo.processInfo.environment
        for name in ["GITHUB_RUN_ID", "GITHUB_JOB", "CI_JOB_ID", "BUILD_BUILDID", "RECONCILE_ALLOWED_SECRETS"] {
            base[name] = nil
        }
        base["NO_COLOR"] = "1"
        base["PATH"] =
            Fixture.binary("reconcile").deletingLastPathComponent().path + ":" + (base["PATH"] ?? "/usr/bin:/bin")
        base.merge(pipeline.variables.filter { !$0.value.contains("${{") }) { _, b in b }
        base.merge(LabWorkspace.secrets) { _, b in b }
        base["RECONCILE_PG_URL"] = pg
        base["RECONCILE_LAB_DIR"] = lab.path

        var runners: [Runner] = []
        for (name, id) in [("a", 101), ("b", 202)] {
            let clone = root.appendingPathComponent(name)
            try Self.git(["clone", "-q", origin.path, clone.path], in: root)
            var environment = base.merging(system.job(id)) { _, b in b }
            environment["GITHUB_STEP_SUMMARY"] = clone.path + "-summary.md"
            runners.append(Runner(directory: clone, environment: environment, system: system))
        }
        let (a, b) = (runners[0], runners[1])

        // The pull request, on both runners: validate, plan --out, cost. B's plan is made before
        // A applies, so it will be stale.
        for runner in [a, b] {
            let plan = try runner.run(pipeline.plan, label: "plan")
            #expect(plan.status == 0, "\(plan.stderr)")
            let markdown = try String(contentsOfFile: runner.file("plan.md"), encoding: .utf8)
            #expect(markdown.contains("### reconcile plan") && markdown.contains("Monthly cost of"), "\(markdown)")
            #expect(FileManager.default.fileExists(atPath: runner.file("plan.json")))
        }
        if system == .github {
            let summary = try String(contentsOfFile: a.directory.path + "-summary.md", encoding: .utf8)
            #expect(summary.contains("### reconcile plan"))
        }

        // The merge on runner A applies its saved plan; the lab's gateway is slowed so that the
        // apply holds the lock while runner B's merge job tries to apply.
        let applying = try a.start(pipeline.apply, label: "apply", extra: ["RECONCILE_LAB_TIME_SCALE": "0.004"])
        defer { if applying.isRunning { applying.terminate() } }
        let deadline = Date().addingTimeInterval(60)
        while applying.isRunning && Date() < deadline {
            let out = (try? String(contentsOfFile: a.log("apply", "out"), encoding: .utf8)) ?? ""
            if out.contains("reconcile will make these changes:") { break }
            usleep(50_000)
        }
        try #require(
            applying.isRunning,
            "A's apply ended before B could meet its lock: \(a.finished(applying, label: "apply"))"
        )
        let refused = try b.run(pipeline.apply, label: "apply-locked")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the state is locked by"), "\(refused.stderr)")
        #expect(refused.stderr.contains("CI job \(system.jobName(101))"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("planning main again"), "a held lock is not a stale plan")
        applying.waitUntilExit()
        let applied = a.finished(applying, label: "apply")
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("No changes"), "the job's diff after apply: \(applied.stdout)")

        // Runner B sees what A applied, through the shared state and lab.
        let diff = try b.run(#"reconcile diff "$SPEC""#, label: "diff")
        #expect(diff.status == 0, "\(diff.stdout)\n\(diff.stderr)")

        // B's plan from before A's apply is refused as stale; the merge job then plans again.
        let stale = try b.run("reconcile apply plan.json", label: "stale")
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("error: the saved plan no longer applies"), "\(stale.stderr)")
        let again = try b.run(pipeline.apply, label: "apply-again")
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stderr.contains("the saved plan no longer applies"))
        #expect(again.stdout.contains("plan is stale: planning main again"), "\(again.stdout)")

        // The schedule, on runner B: no drift, both reports written.
        let drift = try b.run(pipeline.drift, label: "drift")
        #expect(drift.status == 0, "\(drift.stdout)\n\(drift.stderr)")
        let junit = try String(contentsOfFile: b.file("drift.xml"), encoding: .utf8)
        #expect(junit.contains("<testsuite"))
        #expect(try String(contentsOfFile: b.file("drift.html"), encoding: .utf8).contains("<html"))

        // Secrets stay out of everything the jobs kept or printed.
        let password = URLComponents(string: pg)?.password
        let secrets = Array(LabWorkspace.secrets.values) + (password.map { [$0] } ?? [])
        let kept = ["plan.json", "plan.md", "drift.xml", "drift.html", "drift.md"].flatMap { [a.file($0), b.file($0)] }
        let logs = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            $0.hasSuffix(".out") || $0.hasSuffix(".err")
        }.map { root.path + "/" + $0 }
        for path in kept + logs {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for secret in secrets { #expect(!text.contains(secret), "a secret in \(path)") }
        }
    }
}
