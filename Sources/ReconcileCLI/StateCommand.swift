import ArgumentParser
import Foundation
import Reconciler
import Spec

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Inspect and repair the state.",
        discussion: """
            Examples:
              reconcile state list examples/s2s-cisco891-pppoe
              reconcile state show azure:virtualNetworks/hub-vnet --state-dir examples/s2s-cisco891-pppoe/.reconcile
              reconcile state unlock examples/s2s-cisco891-pppoe
              reconcile state new-key examples/s2s-cisco891-pppoe
              reconcile state migrate examples/s2s-cisco891-pppoe --to postgres://netops@db.example/netops?sslmode=verify-full
            """,
        subcommands: [List.self, Show.self, Remove.self, Unlock.self, NewKey.self, Migrate.self]
    )

    /// The state directory from a spec path or --state-dir.
    struct Location: ParsableArguments {
        @Option(help: "The state directory (default: .reconcile/ inside the spec directory).")
        var stateDir: String?

        @Argument(help: "The spec directory whose state to use (default: the current directory).")
        var spec: String?

        @Option(name: .customLong("spec"), help: "The same as the spec argument.")
        var specOption: String?

        @Option(help: "Where the state lives, over the spec's StateBackend: postgres://…, azblob://… or file://DIR.")
        var backend: String?

        func validate() throws {
            if spec != nil && specOption != nil {
                throw ValidationError("give the spec directory once: as an argument or with --spec")
            }
        }

        /// The spec's backend (its StateBackend's URL read with the grants of RECONCILE_ALLOWED_SECRETS).
        func chosen() throws -> any StateBackend {
            let path = spec ?? specOption ?? "."
            let topology = FileManager.default.fileExists(atPath: path) ? SpecLoader.load(path).topology : nil
            let environment = ProcessInfo.processInfo.environment
            return try StateBackendFactory.chosen(
                option: backend,
                local: StateOptions.directory(stateDir, for: path),
                explicitDirectory: stateDir != nil,
                topology: topology,
                resolver: SecretResolver(
                    specRoot: topology?.root ?? path,
                    environment: environment,
                    granted: SecretResolver.grants(options: [], environment: environment)
                )
            )
        }

        func load() throws -> State {
            let backend = try chosen()
            do {
                guard let state = try backend.load() else {
                    Output.err("error: there is no state in \(StateBackendFactory.name(of: backend))\n")
                    throw ExitCode(1)
                }
                return state
            } catch let error as StateError {
                Output.err("error: \(error)\n")
                throw ExitCode(1)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the resources in state.")
        @OptionGroup var location: Location

        func run() throws {
            let state = try location.load()
            Output.out("# lineage \(state.lineage), serial \(state.serial)\n")
            for resource in state.sorted { Output.out("\(resource.address)\n") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one resource's state (secrets as fingerprints)."
        )
        @Argument(help: "The resource id.") var id: String
        @OptionGroup var location: Location

        func run() throws {
            let state = try location.load()
            guard let address = ResourceAddress(id), let resource = state[address] else {
                Output.err("error: \(id) is not in the state\n")
                throw ExitCode(1)
            }
            Output.out(JSONOutput.encode(resource))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Forget a resource without deleting it (it becomes unmanaged)."
        )
        @Argument(help: "The resource id.") var id: String
        @OptionGroup var location: Location

        func run() throws {
            var state = try location.load()
            guard let address = ResourceAddress(id), state[address] != nil else {
                Output.err("error: \(id) is not in the state\n")
                throw ExitCode(1)
            }
            let backend = try location.chosen()
            do {
                let held = try HeldLock.acquire(backend, command: "reconcile state rm \(id)")
                defer { held.release() }
                state[address] = nil
                state.serial += 1
                try backend.commit(state)
            } catch let error as StateError {
                Output.err("error: \(error)\n")
                throw ExitCode(1)
            }
            Output.out("Removed \(id) from the state; it still exists and is no longer managed.\n")
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Break a lock left by a run that no longer exists.",
            discussion: "Refuses while the holder is still running, unless --force."
        )
        @OptionGroup var location: Location
        @Flag(help: "Break the lock even though its holder may still be running.") var force = false

        func run() throws {
            let backend = try location.chosen()
            guard let holder = try? backend.lockHolder() else {
                Output.out("The state is not locked.\n")
                return
            }
            let stale = LocalStateBackend.isStale(holder) || backend.lockEnded(holder)
            guard stale || force else {
                Output.err(
                    "error: the lock is held by \(holder.holder)@\(holder.host), pid \(holder.pid) ('\(holder.command)'), "
                        + "which may still be running; wait for it, or pass --force\n"
                )
                throw ExitCode(1)
            }
            guard (try? backend.breakLock(ifHeldBy: holder)) == true else {
                Output.err("error: the lock changed hands while it was being broken; look again\n")
                throw ExitCode(1)
            }
            Output.out(
                "Broke the \(stale ? "stale " : "")lock of pid \(holder.pid) on \(holder.host) ('\(holder.command)', since \(holder.time)).\n"
            )
        }
    }

    struct NewKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-key",
            abstract: "Make a new fingerprint key when state.key was lost or damaged.",
            discussion: """
                Restore state.key from a copy if you can. With a new key every secret's \
                fingerprint reads as changed: the next plan shows each secret as an update, and \
                apply sends each again. A damaged key is kept as state.key.damaged; a good key is \
                never replaced.
                """
        )
        @OptionGroup var location: Location

        func run() throws {
            guard let backend = try location.chosen() as? LocalStateBackend else {
                Output.err(
                    "error: new-key makes a key for local state only; a shared backend keeps its key in its store\n"
                )
                throw ExitCode(1)
            }
            do {
                let held = try HeldLock.acquire(backend, command: "reconcile state new-key")
                defer { held.release() }
                try backend.newFingerprintKey()
            } catch let error as StateError {
                Output.err("error: \(error)\n")
                throw ExitCode(1)
            }
            Output.out(
                "Made a new key in \(backend.directory)/state.key; the next apply sends every secret again.\n"
            )
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the state, with its lineage and fingerprint key, to another backend.",
            discussion: """
                The source is the spec's backend (or --backend / --state-dir); the target is --to \
                (postgres://…, azblob://… or file://DIR). Both are locked while the state is copied. \
                A target that already holds a state of another lineage is refused. Afterwards, point \
                the spec's StateBackend (or --backend) at the target.
                """
        )
        @OptionGroup var location: Location
        @Option(help: "The target backend's URL.") var to: String

        func run() throws {
            let source = try location.chosen()
            let target: any StateBackend
            do {
                target = try StateBackendFactory.backend(
                    url: to,
                    local: StateOptions.directory(location.stateDir, for: location.spec ?? location.specOption ?? ".")
                )
            } catch {
                Output.err("error: --to: \(error)\n")
                throw ExitCode(1)
            }
            do {
                let held = try HeldLock.acquire(source, command: "reconcile state migrate")
                defer { held.release() }
                guard let state = try source.load() else {
                    Output.err("error: there is no state in \(StateBackendFactory.name(of: source)) to migrate\n")
                    throw ExitCode(1)
                }
                let targetHeld = try HeldLock.acquire(target, command: "reconcile state migrate")
                defer { targetHeld.release() }
                if let existing = try target.load(), !existing.lineage.isEmpty, existing.lineage != state.lineage {
                    Output.err(
                        "error: \(StateBackendFactory.name(of: target)) already holds another state (lineage "
                            + "\(existing.lineage), not \(state.lineage)); nothing was copied\n"
                    )
                    throw ExitCode(1)
                }
                try target.adoptFingerprintKey(try source.fingerprintKey())
                try target.commit(state)
                Output.out(
                    "Copied \(state.resources.count) resources (lineage \(state.lineage), serial \(state.serial)) from "
                        + "\(StateBackendFactory.name(of: source)) to \(StateBackendFactory.name(of: target)).\n"
                        + "Point the spec's StateBackend (or --backend) at the new one; the old one is left as it was.\n"
                )
            } catch let error as StateError {
                Output.err("error: \(error)\n")
                throw ExitCode(1)
            }
        }
    }
}
