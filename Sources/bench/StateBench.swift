import Azure
import AzureModel
import Foundation
import PostgresState
import Reconciler
import Spec

/// Shared state backends against the local one, in the same run (`bench --state URL`): apply of
/// 1,000 independent resources at 50 ms each, parallelism 10, journaling every resource; and a
/// whole state of 10,000 resources committed and loaded back through each backend.
enum StateBench {
    static func run(postgres url: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "reconcile-bench-state-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let blobServer: BlobServer
        var opened: [PostgresStateBackend] = []
        /// A fresh schema each time: one state per schema.
        func postgres() -> any StateBackend {
            do {
                let schema = "bench_" + UUID().uuidString.prefix(8).lowercased()
                let backend = PostgresStateBackend(location: try PostgresLocation(url: url, schema: schema))
                opened.append(backend)
                return backend
            } catch {
                print("cannot reach PostgreSQL: \(error)")
                exit(1)
            }
        }
        do {
            blobServer = try BlobServer(service: BlobService(store: BlobStore(root: directory.path + "/blob")))
        } catch {
            print("cannot start the lab's Blob listener: \(error)")
            exit(1)
        }
        defer {
            for backend in opened { backend.close() }
            blobServer.stop()
        }
        func blob(_ name: String) -> any StateBackend {
            do {
                return try AzureBlobStateBackend.open(
                    url: "azblob://devstoreaccount1/bench/\(name).json?endpoint=lab",
                    environment: [:],
                    lab: { blobServer.url }
                )
            } catch {
                print("cannot open the Blob backend: \(error)")
                exit(1)
            }
        }
        let backends: [(String, () -> any StateBackend)] = [
            ("local (fsync)", { LocalStateBackend(directory: directory.path + "/local-\(UUID().uuidString)") }),
            ("postgres", { postgres() }),
            ("azure blob (lab)", { blob("apply-\(UUID().uuidString.prefix(8))") }),
        ]
        print("apply: 1,000 independent resources x 50 ms, parallelism 10, every resource journaled")
        for (name, make) in backends {
            EngineBench.apply(
                resources: 1000,
                latency: .milliseconds(50),
                parallelism: 10,
                backend: make(),
                label: "state in \(name)"
            )
        }
        // A whole state of 10,000 resources, as a large team's would be.
        var state = State(lineage: "bench-state")
        for i in 0..<10_000 {
            let address = ResourceAddress.azure("things/r\(i)")
            state.resources[address.description] = StateResource(
                address: address,
                type: "bench.thing",
                attributes: ["location": "japaneast", "index": .int(i), "tags": .map(["owner": "netops"])],
                outputs: ["id": .string("/subscriptions/s/things/r\(i)")],
                dependencies: []
            )
        }
        print("state: 10,000 resources committed, then loaded back (median of 3)")
        let fresh: [(String, any StateBackend)] = [
            ("local (fsync)", LocalStateBackend(directory: directory.path + "/big")),
            ("postgres", postgres()),
            ("azure blob (lab)", blob("big")),
        ]
        var baseline: (commit: Double, load: Double)?
        for (name, backend) in fresh {
            let before = peakResidentMB()
            let commit = EngineBench.median(3) {
                ContinuousClock().measure {
                    state.serial += 1
                    try? backend.commit(state)
                }
            }
            var loaded = 0
            let load = EngineBench.median(3) {
                ContinuousClock().measure { loaded = (try? backend.load())??.resources.count ?? 0 }
            }
            let times = (EngineBench.seconds(commit), EngineBench.seconds(load))
            baseline = baseline ?? (times.0, times.1)
            print(
                String(
                    format: "  %@ commit %@ (%.1fx local), load %@ (%.1fx local; %d resources), peak %.0f MB (+%.0f)",
                    name.padding(toLength: 17, withPad: " ", startingAt: 0),
                    ms(commit),
                    times.0 / (baseline?.commit ?? 1),
                    ms(load),
                    times.1 / (baseline?.load ?? 1),
                    loaded,
                    peakResidentMB(),
                    peakResidentMB() - before
                )
            )
        }
    }
}
