import BuiltInProviders
import CYAML
import Foundation
import Spec

// Benchmarks for the spec pipeline. Run in release:
//
//   swift run -c release bench [--sites 1000] [--iterations 5]
//   swift run -c release bench --profile-load | --profile-lower   (loops for `perf record`)
//   swift run -c release bench --write DIR     (writes the generated spec, for the CLI)
//   swift run -c release bench --engine        (plan 10,000 resources; apply 1,000 at 50 ms)
//   swift run -c release bench --azure         (refresh 5,000 resources against the Azure model)
//   swift run -c release bench --drift [--sites 1000]   (drift of the generated spec against the lab)
//   swift run -c release bench --routes [--sites 1000]  (routing analysis: every site's egress and reach)
//   swift run -c release bench --cost [--sites 1000]    (cost and pool allocation against validate)
//   swift run -c release bench --state [postgres://…]   (apply and state through PostgreSQL and Blob vs local)
//   swift run -c release bench --chaos [--trials 50] [--seed 1]   (apply killed at random, with faults, converging;
//                                              needs `swift build -c release --product reconcile` first)
//   swift run -c release bench --ios RUNNING INTENDED [--out FILE]   (bench/ios_remediation.py runs it)
//
// Generates a spec of N sites (each a Site, a CiscoRouter over PPPoE and a VpnConnection,
// spread over VNets of 100 sites each), then times in the same run:
//   baseline  libyaml's raw event parse of the same bytes (no tree, no strings)
//   pipeline  load (tree + decode) + validate + lower, from the same bytes in memory
// and reports the median of each, their ratio, and the peak resident memory.

struct Options {
    var sites = 1000
    var iterations = 5

    init(_ arguments: [String]) {
        var i = 1
        while i < arguments.count {
            if arguments[i] == "--sites", i + 1 < arguments.count {
                sites = Int(arguments[i + 1]) ?? sites
                i += 1
            }
            if arguments[i] == "--iterations", i + 1 < arguments.count {
                iterations = Int(arguments[i + 1]) ?? iterations
                i += 1
            }
            i += 1
        }
    }
}

/// The generated spec, one file per site plus the Azure side, as users lay specs out.
///
/// With `planning`, the VNets take their addresses from an AddressPool and every site and
/// router declares costs (`bench --cost`).
func generate(sites: Int, planning: Bool = false) -> [(String, [UInt8])] {
    var files: [(String, [UInt8])] = []
    let vnets = (sites + 99) / 100
    var azure = """
        apiVersion: reconcile/v1
        kind: AzureScope
        metadata: {name: bench}
        spec: {subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg-bench, location: japaneast, endpoint: lab}

        """
    if planning {
        azure += """
            ---
            apiVersion: reconcile/v1
            kind: AddressPool
            metadata: {name: azure}
            spec: {prefixes: [10.0.0.0/8]}

            """
    }
    for v in 0..<vnets {
        let space = planning ? "{fromPool: azure, size: 16}" : "10.\(v).0.0/16"
        let app = planning ? "{size: 24}" : "10.\(v).1.0/24"
        let gatewaySubnet = planning ? "{}" : "10.\(v).255.0/27"
        azure += """
            ---
            apiVersion: reconcile/v1
            kind: VirtualNetwork
            metadata: {name: vnet-\(v)}
            spec:
              addressSpace: [\(space)]
              subnets:
                - {name: app, prefix: \(app)}
                - {name: GatewaySubnet, prefix: \(gatewaySubnet)}
            ---
            apiVersion: reconcile/v1
            kind: VirtualNetworkGateway
            metadata: {name: vpngw-\(v)}
            spec: {virtualNetwork: vnet-\(v), gatewayType: Vpn, vpnType: RouteBased, sku: VpnGw5AZ}

            """
    }
    files.append(("bench/azure.yaml", Array(azure.utf8)))
    for s in 0..<sites {
        let name = "site-\(s)"
        let lan = "172.\(16 + s / 256).\(s % 256)"
        let text = """
            apiVersion: reconcile/v1
            kind: Site
            metadata: {name: \(name), labels: {region: r\(s % 7)}}
            spec:
              publicIp: 203.\(s / 256).\(s % 256).10
              addressSpace: [\(lan).0/24]
              behindNat: false
              device: rtr-\(s)\(planning ? "\n  costs: [{item: ISP line, monthly: 3240, currency: JPY}]" : "")
            ---
            apiVersion: reconcile/v1
            kind: VpnConnection
            metadata: {name: conn-\(s)}
            spec:
              gateway: vpngw-\(s / 100)
              site: \(name)
              protocol: IKEv2
              sharedKey: {fromEnv: PSK_\(s)}
              routing: Static
              ipsecPolicy:
                ikeEncryption: AES256
                ikeIntegrity: SHA256
                dhGroup: DHGroup14
                ipsecEncryption: AES256
                ipsecIntegrity: SHA256
                pfsGroup: PFS14
                saLifetimeSeconds: 27000
                saDataSizeKilobytes: 102400000
            ---
            apiVersion: reconcile/v1
            kind: CiscoRouter
            metadata: {name: rtr-\(s)}
            spec:
              platform: ios
              model: C891FJ-K9
              software: "15.4(1)T1"
              management:
                lab: true
                username: netops
                password: {fromEnv: RTR_PASSWORD}
                enableSecret: {fromEnv: RTR_ENABLE}
              system:
                hostname: rtr-\(s)
                domainName: example.co.jp
                timezone: {name: JST, offsetHours: 9}
                ntpServers: [{address: 192.0.2.123, prefer: true}, {address: 192.0.2.124}]
                loggingBufferSize: 32768
                sshAllowedFrom: [\(lan).0/24]
              wan:
                interface: GigabitEthernet8
                pppoe:
                  dialer: 1
                  mtu: 1454
                  chap: {hostname: user\(s)@isp.example, password: {fromEnv: PPP_PASSWORD}}
              lan:
                interface: Vlan1
                address: \(lan).1/24
              nat:
                overload: [\(lan).0/24]
              tunnel:
                tcpAdjustMss: 1350
                interfaceNumber: 1
            \(planning ? "  costs: [{item: router, once: 100000, currency: JPY}]\n" : "")
            """
        files.append(("bench/sites/\(name).yaml", Array(text.utf8)))
    }
    return files
}

/// libyaml's event parse alone: what any YAML reader must at least do.
func rawParse(_ files: [(String, [UInt8])]) -> Int {
    var events = 0
    for (_, bytes) in files {
        var parser = yaml_parser_t()
        yaml_parser_initialize(&parser)
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                events += 1
                if done { break }
            }
        }
        yaml_parser_delete(&parser)
    }
    return events
}

/// Peak resident memory of this process image, from VmHWM: getrusage's maxrss survives
/// execve, so under `swift run` it would report the build tool's peak instead.
func peakResidentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kilobytes / 1024
}

/// The median time of `body`.
///
/// Each run's result is freed after its clock stops, so freeing
/// is not timed (the CLI exits without freeing) and every run, like the baseline's, reuses a
/// warm heap.
func measure<T>(_ iterations: Int, _ body: () -> T) -> Duration {
    let clock = ContinuousClock()
    var samples: [Duration] = []
    for _ in 0..<iterations {
        var result: T?
        samples.append(clock.measure { result = body() })
        withExtendedLifetime(result) {}
        result = nil
    }
    return samples.sorted()[samples.count / 2]
}

func ms(_ d: Duration) -> String {
    let value = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    return String(format: "%.1f ms", value)
}

let options = Options(CommandLine.arguments)
if CommandLine.arguments.contains("--azure") {
    // The Azure provider (issue: Azure provider and model): refresh of 5,000 resources.
    AzureBench.refresh(resources: 5000)
    exit(0)
}
if let flag = CommandLine.arguments.firstIndex(of: "--ios"), flag + 2 < CommandLine.arguments.count {
    // The Cisco remediation engine against hier_config's (bench/ios_remediation.py).
    let out = CommandLine.arguments.firstIndex(of: "--out").flatMap {
        $0 + 1 < CommandLine.arguments.count ? CommandLine.arguments[$0 + 1] : nil
    }
    IOSBench.remediate(
        running: CommandLine.arguments[flag + 1],
        intended: CommandLine.arguments[flag + 2],
        iterations: options.iterations,
        out: out
    )
    exit(0)
}
if CommandLine.arguments.contains("--chaos") {
    // Crash consistency (issue: hardening): apply killed at random and converging again.
    var trials = 50
    var seed: UInt64 = 1
    if let i = CommandLine.arguments.firstIndex(of: "--trials"), i + 1 < CommandLine.arguments.count {
        trials = Int(CommandLine.arguments[i + 1]) ?? trials
    }
    if let i = CommandLine.arguments.firstIndex(of: "--seed"), i + 1 < CommandLine.arguments.count {
        seed = UInt64(CommandLine.arguments[i + 1]) ?? seed
    }
    ChaosBench.run(trials: trials, seed: seed)
    exit(0)
}
if CommandLine.arguments.contains("--engine") {
    // The engine (issue: reconcile engine): plan 10,000 resources; apply 1,000 at 50 ms.
    print("peak memory is reported for this process image (VmHWM)")
    EngineBench.plan(resources: 10_000, iterations: options.iterations)
    print(String(format: "memory    peak resident after planning %.0f MB (target < 300 MB)", peakResidentMB()))
    EngineBench.apply(resources: 1000, latency: .milliseconds(50), parallelism: 10)
    exit(0)
}
if let flag = CommandLine.arguments.firstIndex(of: "--state") {
    // Shared state (issue: team state): PostgreSQL and Blob storage against the local backend.
    let url =
        flag + 1 < CommandLine.arguments.count
        ? CommandLine.arguments[flag + 1] : ProcessInfo.processInfo.environment["RECONCILE_TEST_PG_URL"] ?? ""
    guard url.hasPrefix("postgres") else {
        print("bench --state needs a PostgreSQL URL (or RECONCILE_TEST_PG_URL): scripts/test-postgres.sh start")
        exit(1)
    }
    StateBench.run(postgres: url)
    exit(0)
}
if CommandLine.arguments.contains("--cost") {
    // Planning (issue: cost and addresses): cost and pool allocation against validate.
    CostBench.run(sites: options.sites, iterations: options.iterations)
    exit(0)
}
let files = generate(sites: options.sites)
if let flag = CommandLine.arguments.firstIndex(of: "--lab-world"), flag + 1 < CommandLine.arguments.count {
    // The lab for `--drift`, in a process of its own.
    DriftBench.serve(CommandLine.arguments[flag + 1], sites: options.sites)
    exit(0)
}
if CommandLine.arguments.contains("--routes") {
    // Routing analysis (issue: routing analysis): every site's egress and reachability.
    RoutesBench.run(sites: options.sites, files: files, iterations: options.iterations)
    exit(0)
}
if CommandLine.arguments.contains("--drift") {
    // Drift (issue: drift detection): the generated spec applied to the lab, then drifted.
    DriftBench.run(sites: options.sites, files: files)
    exit(0)
}
if let flag = CommandLine.arguments.firstIndex(of: "--write"), flag + 1 < CommandLine.arguments.count {
    // Writes the generated spec to a directory, e.g. to time `reconcile validate` on it.
    let directory = CommandLine.arguments[flag + 1]
    for (path, bytes) in files {
        let target = directory + "/" + path.dropFirst("bench/".count)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        guard FileManager.default.createFile(atPath: target, contents: Data(bytes)) else {
            print("cannot write \(target)")
            exit(1)
        }
    }
    print("wrote \(files.count) files to \(directory)")
    exit(0)
}
if CommandLine.arguments.contains("--profile-load") {
    var count = 0
    for _ in 0..<20 { count += SpecLoader.load(files: files, root: "bench").files.count }
    print(count)
    exit(0)
}
if CommandLine.arguments.contains("--profile-lower") {
    // A loop for `perf record`: lowering alone, many times.
    let topology = SpecLoader.load(files: files, root: "bench").topology
    var count = 0
    for _ in 0..<40 { count += Lowering.lower(topology, lowering: BuiltIn.lowering).resources.count }
    print(count)
    exit(0)
}
let bytes = files.reduce(0) { $0 + $1.1.count }
print("spec: \(options.sites) sites, \(files.count) files, \(bytes / 1024) KiB; median of \(options.iterations) runs")

// Memory first, from one run, before timing keeps several results alive.
let once = SpecPipeline.process(SpecLoader.load(files: files, root: "bench"), lowering: BuiltIn.lowering)
let peakAfterOneRun = peakResidentMB()
var events = 0
let baseline = measure(options.iterations) { () -> Int in
    events = rawParse(files)
    return events
}
var resources = 0
var diagnostics = 0
let pipeline = measure(options.iterations) { () -> ValidatedSpec in
    let result = SpecPipeline.process(SpecLoader.load(files: files, root: "bench"), lowering: BuiltIn.lowering)
    resources = result.graph?.resources.count ?? 0
    diagnostics = result.diagnostics.count
    return result
}
let ratio =
    Double(pipeline.components.attoseconds + pipeline.components.seconds * 1_000_000_000_000_000_000)
    / Double(baseline.components.attoseconds + baseline.components.seconds * 1_000_000_000_000_000_000)
var tree = 0
let yaml = measure(options.iterations) { () -> [[YAMLDocument]] in
    let trees = files.map { YAMLReader.read($0.1, file: $0.0).documents }
    tree = trees.reduce(0) { $0 + $1.count }
    return trees
}
let loaded = SpecLoader.load(files: files, root: "bench")
let load = measure(options.iterations) { SpecLoader.load(files: files, root: "bench") }
let validate = measure(options.iterations) { SpecPipeline.check(loaded.topology, lowering: BuiltIn.lowering) }
let lower = measure(options.iterations) { Lowering.lower(loaded.topology, lowering: BuiltIn.lowering) }
let lowered = Lowering.lower(loaded.topology, lowering: BuiltIn.lowering)
let regraph = measure(options.iterations) { DesiredGraph(lowered.resources.reversed()) }
let order = measure(options.iterations) { lowered.hasCycle }
print(
    "phases    yaml tree \(ms(yaml)) (\(tree) documents), load incl. tree \(ms(load)), validate \(ms(validate)), lower \(ms(lower)) (graph index \(ms(regraph))), order \(ms(order))"
)
print("baseline  libyaml raw event parse      \(ms(baseline))  (\(events) events)")
print("pipeline  load + validate + lower      \(ms(pipeline))  (\(resources) resources, \(diagnostics) diagnostics)")
print(String(format: "ratio     pipeline / baseline        %.2fx  (target < 3x)", ratio))
print(
    String(
        format: "memory    peak resident, one run     %.0f MB  (target < 300 MB; %d resources)",
        peakAfterOneRun,
        once.graph?.resources.count ?? 0
    )
)
if diagnostics > 0 || resources == 0 {
    print("warning: the generated spec is not clean; figures do not measure the intended work")
    exit(1)
}
