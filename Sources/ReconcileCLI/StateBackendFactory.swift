import ArgumentParser
import Foundation
import PostgresState
public import Reconciler
public import Spec

/// Opens a state backend a provider brings, for one URL scheme (`azblob`): the URL, the
/// environment to read credentials from, and the run's state directory (where a lab keeps its
/// world, for a URL that asks for the lab's endpoint).
public typealias StateBackendOpener =
    @Sendable (_ url: String, _ environment: [String: String], _ stateDirectory: String) throws -> any StateBackend

/// The one place a run's state backend is chosen (docs/state.md).
///
/// In order: `--backend URL` for this run; `--state-dir DIR`; the spec's StateBackend; else
/// `.reconcile/` beside the spec.
public enum StateBackendFactory {
    /// A backend for a URL: `postgres://…` (libpq form), `azblob://ACCOUNT/CONTAINER/BLOB` or
    /// `file://DIR`.
    ///
    /// Errors never repeat the URL (it may hold a password).
    static func backend(url: String, schema: String? = nil, local: String) throws(StateError) -> any StateBackend {
        let scheme = url.firstRange(of: "://").map { url[..<$0.lowerBound].lowercased() } ?? ""
        if let opener = Reconcile.wiring.stateBackends[scheme] {
            do {
                return try opener(url, ProcessInfo.processInfo.environment, local)
            } catch let error as StateError {
                throw error
            } catch {
                throw .io("\(error)")
            }
        }
        switch scheme {
        case "postgres", "postgresql":
            do {
                return PostgresStateBackend(location: try PostgresLocation(url: url, schema: schema ?? "reconcile"))
            } catch {
                throw .io(error.description)
            }
        case "azblob":
            throw .io("azblob:// is not available in this build (no provider registers it)")
        case "file":
            let directory = String(url.dropFirst("file://".count))
            guard !directory.isEmpty else { throw .io("file:// names no directory (file:///path/to/state)") }
            return LocalStateBackend(directory: directory)
        default:
            throw .io("the state backend URL must start with postgres://, azblob:// or file://")
        }
    }

    /// The backend of a run: `local` is the state directory (`--state-dir`, or the default one),
    /// `explicitDirectory` whether `--state-dir` named it; `topology` is the loaded spec, whose
    /// StateBackend's URL is read through `resolver` (the run's grants).
    public static func backend(
        option: String?,
        local: String,
        explicitDirectory: Bool,
        topology: Topology?,
        resolver: SecretResolver? = nil
    ) throws(StateError) -> any StateBackend {
        if let option { return try backend(url: option, local: local) }
        if !explicitDirectory, let settings = topology?.stateBackend {
            switch settings.spec.location {
            case .postgres(let url, let schema):
                let resolver = resolver ?? SecretResolver(specRoot: topology?.root ?? ".")
                let value: String
                do {
                    value = try resolver.resolve(url)
                } catch {
                    throw .io("StateBackend '\(settings.name)': \(error.diagnostic.message)")
                }
                return try backend(url: value, schema: schema, local: local)
            case .azureBlob(let account, let container, let blob, let endpoint):
                let query = endpoint.map {
                    "?endpoint=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)
                }
                return try backend(url: "azblob://\(account)/\(container)/\(blob)" + (query ?? ""), local: local)
            }
        }
        return LocalStateBackend(directory: local)
    }

    /// The same, printing a failure and exiting 1.
    static func chosen(
        option: String?,
        local: String,
        explicitDirectory: Bool,
        topology: Topology?,
        resolver: SecretResolver? = nil
    ) throws -> any StateBackend {
        do {
            return try backend(
                option: option,
                local: local,
                explicitDirectory: explicitDirectory,
                topology: topology,
                resolver: resolver
            )
        } catch {
            Output.err("error: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// A backend's place in words, never with a password.
    static func name(of backend: any StateBackend) -> String {
        switch backend {
        case let local as LocalStateBackend: return local.directory
        case let postgres as PostgresStateBackend: return "\(postgres.location)"
        case let described as CustomStringConvertible: return described.description
        default: return "\(type(of: backend))"
        }
    }

    /// A command line fit for the lock and messages: the value of `--backend` and `--to` (a URL
    /// that may hold a password) is replaced by its scheme alone.
    static func redacted(_ arguments: some Sequence<String>) -> String {
        var hideNext = false
        return arguments.map { argument in
            defer { hideNext = argument == "--backend" || argument == "--to" }
            if hideNext { return Self.scheme(of: argument) }
            for option in ["--backend=", "--to="] where argument.hasPrefix(option) {
                return option + Self.scheme(of: String(argument.dropFirst(option.count)))
            }
            return argument
        }.joined(separator: " ")
    }

    private static func scheme(of url: String) -> String {
        (url.firstRange(of: "://").map { String(url[..<$0.lowerBound]) } ?? "") + "://…"
    }
}
