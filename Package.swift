// swift-tools-version: 6.1
import PackageDescription

/// Targets are listed layer by layer; each depends only on the layers above it
/// (docs/architecture.md: CYAML ◀─ Spec ◀─ Reconciler ◀─ Providers ◀─ CLI, Drift and the state
/// backends beside Providers).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "reconcile",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reconcile", targets: ["reconcile"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssh", from: "0.15.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libyaml, the system library (Debian: libyaml-dev, pkg-config yaml-0.1).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // The spec language: YAML with source marks, typed model, validation, lowering.
        .target(
            name: "Spec",
            dependencies: [
                "CYAML",
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // The engine: provider protocol, plan, apply, state, locking, saved plans.
        .target(
            name: "Reconciler",
            dependencies: [
                "Spec",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // The tunnel model: what must agree for a tunnel to come up, from both ends' facts (the
        // lab's routers negotiate with it), and `reconcile verify`, which gathers those facts
        // from whichever providers offer them (`TunnelCloudFacts`, `SiteRouterFacts`). It names
        // no provider.
        .target(
            name: "Verify",
            dependencies: ["Spec", "Reconciler"],
            swiftSettings: swiftSettings
        ),
        // The local Azure model: an ARM-compatible emulator of the networking resources.
        .target(
            name: "AzureModel",
            dependencies: [
                "Spec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                // The Blob service: SharedKey's HMAC, and a listener of its own (Blob/BlobServer.swift).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Providers/AzureModel",
            swiftSettings: swiftSettings
        ),
        // The Azure provider: an ARM REST client and the mapping of graph resources to ARM.
        .target(
            name: "Azure",
            dependencies: [
                "Spec",
                "Reconciler",
                "Verify",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/Providers/Azure",
            // The price file is embedded by Pricing/AzurePrices+Data.swift (scripts/azure-prices.py).
            exclude: ["Commands", "Pricing/azure-prices.json", "Pricing/README.md"],
            swiftSettings: swiftSettings
        ),
        // The options the Azure provider brings to `reconcile import` (`--azure`, `--endpoint`).
        .target(
            name: "AzureCommands",
            dependencies: [
                "Azure", "Spec", "Reconciler", "ReconcileCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Providers/Azure/Commands",
            swiftSettings: swiftSettings
        ),
        // The Cisco IOS side: the running-config parser and printer, remediation, rendering
        // (the SSH transport and the simulator follow in the Cisco issue).
        .target(
            name: "Cisco",
            dependencies: [
                "Spec",
                "Reconciler",
                "Verify",
                .product(name: "Crypto", package: "swift-crypto"),
                // scrypt, for IOS's type 9 secrets.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/Providers/Cisco",
            exclude: ["Commands"],
            swiftSettings: swiftSettings
        ),
        // The commands the Cisco provider brings: `reconcile render` and `reconcile ios`, and its
        // options for `reconcile import` (`--router` and the routers' login).
        .target(
            name: "CiscoCommands",
            dependencies: [
                "Cisco", "Spec", "Reconciler", "ReconcileCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Providers/Cisco/Commands",
            swiftSettings: swiftSettings
        ),
        // The IOS simulator: a router's CLI (modes, prompts, configuration commands that
        // change a real config tree, show commands) behind a swift-nio-ssh server.
        .target(
            name: "IOSSimulator",
            dependencies: [
                "Cisco",
                "Spec",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
            ],
            path: "Sources/Providers/IOSSimulator",
            swiftSettings: swiftSettings
        ),
        // Drift: what changed out of band, classified against the spec and the last apply;
        // its reports, the scheduled loop and the webhook. Providers only through Reconciler.
        .target(
            name: "Drift",
            dependencies: [
                "Spec",
                "Reconciler",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // The built-in providers' lowering, together: for the executable, the harness and the benchmarks.
        .target(
            name: "BuiltInProviders",
            dependencies: ["Spec", "Azure", "Cisco"],
            swiftSettings: swiftSettings
        ),
        // Shared state in PostgreSQL: snapshot, journal and lock rows, with an advisory lock
        // held by the run's session (docs/state.md).
        .target(
            name: "PostgresState",
            dependencies: [
                "Reconciler",
                "Spec",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Backends/Postgres",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // A provider that runs out of process: an executable speaking the plugin protocol
        // (docs/plugin-protocol.md) over stdio, started, fed and stopped by this host.
        .target(
            name: "PluginProvider",
            dependencies: ["Spec", "Reconciler", "Verify"],
            path: "Sources/Providers/Plugin",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // The lab: the Azure model and the simulated routers, started together and linked so
        // a tunnel comes up only when both ends agree.
        .target(
            name: "Lab",
            dependencies: ["Spec", "Cisco", "IOSSimulator", "AzureModel", "Azure", "Verify"],
            path: "Sources/Providers/Lab",
            exclude: ["Commands"],
            swiftSettings: swiftSettings
        ),
        // The command the lab brings: `reconcile lab` (serve, cli, line, reset).
        .target(
            name: "LabCommands",
            dependencies: [
                "Lab", "AzureModel", "Cisco", "IOSSimulator", "Spec", "Reconciler", "ReconcileCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Providers/Lab/Commands",
            swiftSettings: swiftSettings
        ),
        // The commands, with the provider registry injected (the CLI and the test harness).
        .target(
            name: "ReconcileCLI",
            dependencies: [
                "Spec",
                "Reconciler",
                "Verify",
                "Drift",
                "PostgresState",
                "PluginProvider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "reconcile",
            dependencies: [
                "ReconcileCLI", "Reconciler", "Spec", "Azure", "AzureModel", "Cisco", "Lab", "PostgresState",
                "BuiltInProviders", "AzureCommands", "CiscoCommands", "LabCommands",
            ],
            swiftSettings: swiftSettings,
            plugins: ["BuildInfo"]
        ),
        // Stamps the executable with its git commit (`reconcile --version`).
        .plugin(name: "BuildInfo", capability: .buildTool(), path: "Plugins/BuildInfo"),
        // Benchmarks (run in release: `swift run -c release bench`).
        .executableTarget(
            name: "bench",
            dependencies: [
                "Spec", "CYAML", "Reconciler", "Azure", "AzureModel", "Cisco", "Lab", "Drift", "Verify",
                "PostgresState", "BuiltInProviders",
            ],
            swiftSettings: swiftSettings
        ),
        // A provider for engine tests: a JSON "world" on disk with injected delays, failures
        // and crashes; and the real commands wired to it, for tests that run processes.
        .target(
            name: "TestProvider",
            dependencies: ["Spec", "Reconciler"],
            path: "Tests/TestProvider",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "reconcile-harness",
            dependencies: ["ReconcileCLI", "TestProvider", "Azure", "Lab", "BuiltInProviders"],
            path: "Tests/Harness",
            swiftSettings: swiftSettings
        ),
        // Fuzzing (`.ci/fuzz`): what each fuzzer runs on an input, shared with the regression
        // test that replays Tests/Fuzz/Regressions, and the driver (libFuzzer when built with
        // `-sanitize=fuzzer -DLIBFUZZER`, else a seeded random mutator).
        .target(
            name: "FuzzTargets",
            dependencies: ["Spec", "Cisco", "BuiltInProviders"],
            path: "Tests/Fuzz/Targets",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "reconcile-fuzz",
            dependencies: ["FuzzTargets"],
            path: "Tests/Fuzz/Driver",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        // The boundary between the core and the providers, from Package.swift and the imports.
        .testTarget(
            name: "ArchitectureTests",
            dependencies: ["TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: [
                "BuiltInProviders",
                "Spec", "Reconciler", "TestProvider", "TestSupport", "ReconcileCLI",
                "PostgresState", "AzureCommands", "CiscoCommands", "LabCommands", "Azure", "Cisco",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AzureTests",
            dependencies: [
                "BuiltInProviders",
                "Spec", "Reconciler", "Azure", "AzureModel", "TestSupport",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Scripts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CiscoTests",
            dependencies: [
                "BuiltInProviders",
                "Cisco", "IOSSimulator", "Spec", "Reconciler", "Azure", "AzureModel", "Verify", "TestSupport",
            ],
            exclude: ["Corpus", "Golden", "Scripts", "Show"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftTests",
            dependencies: [
                "BuiltInProviders",
                "Drift", "Spec", "Reconciler", "TestSupport", "Cisco",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Golden", "Scripts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LabTests",
            dependencies: [
                "BuiltInProviders", "AzureModel", "Cisco", "IOSSimulator", "Lab", "Spec", "Verify", "TestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PluginTests",
            dependencies: ["PluginProvider", "Spec", "Reconciler", "Verify", "TestSupport", "Azure"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpecTests",
            dependencies: [
                "BuiltInProviders", "Spec", "TestSupport", "FuzzTargets", "Azure", "Cisco",
            ],
            exclude: ["Golden", "Scripts"],
            swiftSettings: swiftSettings
        ),
    ]
)
