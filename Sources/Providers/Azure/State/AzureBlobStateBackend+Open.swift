internal import Foundation
internal import Synchronization

/// Where an Azure Blob state lives, and how a run reaches it.
extension AzureBlobStateBackend {
    /// The Blob endpoint: Azure's public cloud, the lab's Blob listener, or a URL (Azurite, a sovereign cloud).
    public enum Endpoint: Sendable, Equatable {
        case publicCloud
        case lab
        case url(String)

        public init(_ text: String) {
            switch text {
            case "", "public": self = .publicCloud
            case "lab": self = .lab
            default: self = .url(text)
            }
        }
    }

    /// Opens `azblob://ACCOUNT/CONTAINER/BLOB[?endpoint=public|lab|URL]` (what `--backend` takes).
    ///
    /// The credential comes from `environment`: `AZURE_STORAGE_CONNECTION_STRING` (SharedKey, or its
    /// SharedAccessSignature), else `AZURE_STORAGE_SAS_TOKEN`, else the ARM credential chain with a
    /// token for `https://storage.azure.com/` (the lab accepts any token). `lab` gives the lab's
    /// Blob endpoint (`http://127.0.0.1:PORT`), asked for only when the endpoint is `lab`.
    public static func open(
        url text: String,
        environment: [String: String],
        lab: (() throws -> String)?
    ) throws -> AzureBlobStateBackend {
        guard let components = URLComponents(string: text), components.scheme == "azblob",
            let account = components.host, !account.isEmpty
        else { throw AzureBlobError.badURL("expected azblob://ACCOUNT/CONTAINER/BLOB") }
        let parts = components.path.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw AzureBlobError.badURL("expected azblob://\(account)/CONTAINER/BLOB: it names no container and blob")
        }
        let endpoint = components.queryItems?.first { $0.name == "endpoint" }?.value.map(Endpoint.init)
        return try open(
            account: account,
            container: parts[0],
            blob: parts[1],
            endpoint: endpoint,
            environment: environment,
            lab: lab
        )
    }

    /// Opens the state BLOB in CONTAINER of ACCOUNT (the `azureBlob` fields of a StateBackend
    /// spec); an endpoint of nil is a connection string's BlobEndpoint, else the public cloud.
    public static func open(
        account: String,
        container: String,
        blob: String,
        endpoint: Endpoint?,
        environment: [String: String],
        lab: (() throws -> String)?
    ) throws -> AzureBlobStateBackend {
        let connection = environment["AZURE_STORAGE_CONNECTION_STRING"].map(Self.connectionString) ?? [:]
        if let named = connection["AccountName"], named != account {
            throw AzureBlobError.noCredential(
                "AZURE_STORAGE_CONNECTION_STRING is for the account \(named), not \(account)"
            )
        }
        let base: String
        switch endpoint ?? connection["BlobEndpoint"].map(Endpoint.url) ?? .publicCloud {
        case .publicCloud: base = "https://\(account).blob.core.windows.net"
        case .lab:
            guard let lab else {
                throw AzureBlobError.badURL("endpoint lab, but this command runs no lab")
            }
            base = try lab() + "/" + account
        case .url(let url):
            base = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let auth: AzureBlobClient.Auth
        if let key = connection["AccountKey"] {
            auth = .sharedKey(key)
        } else if let sas = connection["SharedAccessSignature"] ?? environment["AZURE_STORAGE_SAS_TOKEN"] {
            auth = .sas(sas.hasPrefix("?") ? String(sas.dropFirst()) : sas)
        } else if endpoint == .lab {
            auth = .bearer({ "lab" })
        } else {
            let credential = AzureCredential(resource: "https://storage.azure.com")
            auth = .bearer({ try Self.blocking { try await credential.token() } })
        }
        return AzureBlobStateBackend(
            client: AzureBlobClient(endpoint: base, account: account, auth: auth),
            container: container,
            blob: blob
        )
    }

    /// `Name=value;…` as a dictionary (values may hold `=`, as keys and SAS do).
    static func connectionString(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { result[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1] }
        }
        return result
    }

    /// Runs async work to completion on a thread that waits for it.
    ///
    /// The credential chain is async, the state protocol is not; this runs once an hour at most
    /// (the credential caches its token).
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result = await Result { try await body() }
            box.value.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        guard let value = box.value.withLock({ $0 }) else { throw AzureBlobError.noCredential("no token") }
        return try value.get()
    }
}

/// Hands a result from the task to the thread waiting for it.
private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
}

extension Result where Failure == any Error {
    fileprivate init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension AzureBlobStateBackend: CustomStringConvertible {
    /// `azblob://ACCOUNT/CONTAINER/BLOB`: where the state is, never a credential.
    public var description: String { location }
}
