internal import Foundation
public import Reconciler
public import Spec
internal import Synchronization

/// State in an Azure Storage container (docs/state.md, "Azure Blob Storage").
///
/// For a state named BLOB in CONTAINER:
/// - `BLOB`: the snapshot, a block blob written with `If-Match` on the ETag this run read
///   (`If-None-Match: *` for the first), after a commit checks its lineage and serial;
///   `BLOB.backup`: the one before it;
/// - `BLOB.journal`: an append blob, one JSON line per `record`, each appended at the position
///   this run expects (`x-ms-blob-condition-appendpos`), so another writer's line is detected;
/// - `BLOB.key`: the fingerprint key (secrets are stored only as fingerprints keyed by it);
/// - `BLOB.lock`: the lock, a 60 s lease renewed every 20 s while the run holds it, so a dead
///   runner's lock expires by itself; its metadata names the holder.
public final class AzureBlobStateBackend: StateBackend, Sendable {
    let client: AzureBlobClient
    public let container: String
    public let blob: String
    /// Where the state is, for messages: `azblob://ACCOUNT/CONTAINER/BLOB`.
    public let location: String

    /// What this run last saw of the blobs, and the lock it holds.
    private struct Run {
        /// The snapshot's ETag when this run last read or wrote it.
        var snapshotETag: String?
        /// The journal's length as this run last saw it (nil: not read yet).
        var journalLength: Int?
        var lease: String?
        var renewal: (any DispatchSourceTimer)?
    }
    private let run = Mutex(Run())

    static let leaseSeconds = 60
    static let renewEvery = 20

    init(client: AzureBlobClient, container: String, blob: String) {
        self.client = client
        self.container = container
        self.blob = blob
        location = "azblob://\(client.account)/\(container)/\(blob)"
    }

    var snapshotPath: String { "/\(container)/\(blob)" }
    var journalPath: String { snapshotPath + ".journal" }
    var keyPath: String { snapshotPath + ".key" }
    var lockPath: String { snapshotPath + ".lock" }

    private struct JournalEntry: Codable {
        var address: ResourceAddress
        var resource: StateResource?
    }

    // MARK: Snapshot and journal

    public func load() throws -> State? {
        let answer = try client.send("GET", snapshotPath)
        guard answer.status == 200 else {
            guard answer.status == 404 else { throw failure("read \(location)", answer) }
            if try exists(journalPath) {
                throw StateError.corrupt(
                    "\(location).journal exists without \(location): the snapshot it follows is gone; restore it "
                        + "from \(location).backup (or a copy), then run again"
                )
            }
            run.withLock { $0.snapshotETag = nil }
            return nil
        }
        var state = try decodeSnapshot(answer.body)
        run.withLock { $0.snapshotETag = answer.headers["etag"] }
        let journal = try client.send("GET", journalPath)
        if journal.status == 200 {
            try replay(journal.body, into: &state)
            run.withLock { $0.journalLength = journal.body.count }
        } else if journal.status != 404 {
            throw failure("read \(location).journal", journal)
        }
        return state
    }

    private func decodeSnapshot(_ data: Data) throws -> State {
        struct Header: Decodable { var formatVersion: Int? }
        if let version = (try? JSONDecoder().decode(Header.self, from: data))?.formatVersion,
            version != State.formatVersion
        {
            throw StateError.corrupt(
                "\(location) has state format \(version); this reconcile reads \(State.formatVersion)"
            )
        }
        do {
            return try JSONDecoder().decode(State.self, from: data)
        } catch {
            throw StateError.corrupt("\(location) is damaged (\(error)); restore it from \(location).backup")
        }
    }

    /// Applies the journal's lines in order; only a last line without its newline (an append
    /// cut short) is ignored, a bad line before others is damage.
    private func replay(_ journal: Data, into state: inout State) throws {
        var lines = journal.split(separator: 0x0A, omittingEmptySubsequences: false)
        lines.removeLast()
        for (index, line) in lines.enumerated() where !line.isEmpty {
            guard let entry = try? JSONDecoder().decode(JournalEntry.self, from: Data(line)) else {
                throw StateError.corrupt(
                    "\(location).journal line \(index + 1) does not decode, and \(lines.count - index - 1) were "
                        + "recorded after it; download the journal, remove that line, upload it and run `reconcile plan`"
                )
            }
            state[entry.address] = entry.resource
        }
    }

    public func record(_ address: ResourceAddress, _ resource: StateResource?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = (try? encoder.encode(JournalEntry(address: address, resource: resource))) ?? Data()
        line.append(0x0A)
        var position = run.withLock { $0.journalLength }
        if position == nil {
            let head = try client.send("HEAD", journalPath)
            if head.status == 404 {
                let created = try client.send(
                    "PUT",
                    journalPath,
                    headers: ["x-ms-blob-type": "AppendBlob", "if-none-match": "*"]
                )
                guard created.status == 201 || created.code == "BlobAlreadyExists" else {
                    throw failure("create \(location).journal", created)
                }
                position = created.status == 201 ? 0 : nil
            }
            if position == nil {
                let current = try client.send("GET", journalPath)
                guard current.status == 200 else { throw failure("read \(location).journal", current) }
                // A line cut short by a failed append is not ours to continue: refuse, as replay would.
                if let last = current.body.last, last != 0x0A {
                    throw StateError.corrupt(
                        "\(location).journal ends in a torn line (an append cut short); run `reconcile plan` on a "
                            + "copy to see what it recorded, then remove the torn end"
                    )
                }
                position = current.body.count
            }
        }
        let offset = position ?? 0
        let answer = try client.send(
            "PUT",
            journalPath,
            query: [("comp", "appendblock")],
            headers: ["x-ms-blob-condition-appendpos": "\(offset)"],
            body: line
        )
        guard answer.status == 201 else {
            if answer.code == "AppendPositionConditionNotMet" {
                run.withLock { $0.journalLength = nil }
                throw StateError.io(
                    "\(location).journal changed underneath this run (another writer appended at byte \(offset)); "
                        + "the state lock should prevent that: check `reconcile state` for who else writes this state"
                )
            }
            throw failure("append to \(location).journal", answer)
        }
        run.withLock { $0.journalLength = offset + line.count }
    }

    public func commit(_ state: State) throws {
        try ensureContainer()
        let current = try client.send("GET", snapshotPath)
        let expected = run.withLock { $0.snapshotETag }
        var conditions: [String: String] = [:]
        if current.status == 200 {
            let stored = try decodeSnapshot(current.body)
            guard stored.lineage == state.lineage else {
                throw StateError.io(
                    "\(location) holds another state (lineage \(stored.lineage), not \(state.lineage)); "
                        + "it is not replaced"
                )
            }
            guard stored.serial <= state.serial else {
                throw StateError.io(
                    "\(location) is at serial \(stored.serial), newer than this run's \(state.serial): another run "
                        + "applied meanwhile; run `reconcile plan` again"
                )
            }
            conditions["if-match"] = expected ?? current.headers["etag"] ?? "*"
            let backup = try client.send(
                "PUT",
                snapshotPath + ".backup",
                headers: ["x-ms-blob-type": "BlockBlob", "x-ms-blob-content-type": "application/json"],
                body: current.body
            )
            guard backup.status == 201 else { throw failure("write \(location).backup", backup) }
        } else if current.status == 404 {
            conditions["if-none-match"] = "*"
        } else {
            throw failure("read \(location)", current)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(state) } catch { throw StateError.io("cannot encode the state: \(error)") }
        var headers = conditions
        headers["x-ms-blob-type"] = "BlockBlob"
        headers["x-ms-blob-content-type"] = "application/json"
        let written = try client.send("PUT", snapshotPath, headers: headers, body: data)
        guard written.status == 201 else {
            if written.status == 412 || written.code == "BlobAlreadyExists" {
                throw StateError.io(
                    "\(location) changed since this run read it (\(written.code)); another run wrote it: run "
                        + "`reconcile plan` again"
                )
            }
            throw failure("write \(location)", written)
        }
        run.withLock { $0.snapshotETag = written.headers["etag"] }
        // The snapshot now holds everything the journal did.
        let removed = try client.send("DELETE", journalPath)
        guard removed.status == 202 || removed.status == 404 else {
            throw failure("clear \(location).journal", removed)
        }
        run.withLock { $0.journalLength = nil }
    }

    // MARK: Fingerprint key

    public func fingerprintKey() throws -> [UInt8] {
        let answer = try client.send("GET", keyPath)
        if answer.status == 200 {
            guard let key = Data(base64Encoded: String(decoding: answer.body, as: UTF8.self)), key.count == 32 else {
                throw StateError.corrupt("\(location).key is not a 32-byte key; restore it from your copy")
            }
            return [UInt8](key)
        }
        guard answer.status == 404 else { throw failure("read \(location).key", answer) }
        if let state = try load(),
            state.resources.values.contains(where: { !Value.map($0.attributes).sensitivePaths().isEmpty })
        {
            throw StateError.corrupt(
                "\(location).key is missing, and \(location) holds secret fingerprints made with it; restore it "
                    + "from your copy"
            )
        }
        try ensureContainer()
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let created = try client.send(
            "PUT",
            keyPath,
            headers: ["x-ms-blob-type": "BlockBlob", "if-none-match": "*"],
            body: Data(Data(key).base64EncodedString().utf8)
        )
        if created.status == 201 { return key }
        // Another run made one first: use theirs.
        guard created.code == "BlobAlreadyExists" else { throw failure("write \(location).key", created) }
        return try fingerprintKey()
    }

    /// Makes `key` the state's fingerprint key when it has none (`state migrate`: the copied
    /// fingerprints were made with it); refuses when the blob holds another.
    public func adoptFingerprintKey(_ key: [UInt8]) throws {
        try ensureContainer()
        let written = try client.send(
            "PUT",
            keyPath,
            headers: ["x-ms-blob-type": "BlockBlob", "if-none-match": "*"],
            body: Data(Data(key).base64EncodedString().utf8)
        )
        guard written.status == 201 || written.code == "BlobAlreadyExists" else {
            throw failure("write \(location).key", written)
        }
        guard try fingerprintKey() == key else {
            throw StateError.io("\(location).key holds another fingerprint key; nothing was copied")
        }
    }

    // MARK: Helpers

    func exists(_ path: String) throws -> Bool {
        let answer = try client.send("HEAD", path)
        guard answer.status == 200 || answer.status == 404 else { throw failure("read \(path)", answer) }
        return answer.status == 200
    }

    func ensureContainer() throws {
        let answer = try client.send("PUT", "/\(container)", query: [("restype", "container")])
        guard answer.status == 201 || answer.code == "ContainerAlreadyExists" else {
            throw failure("create the container \(container)", answer)
        }
    }

    func failure(_ what: String, _ answer: AzureBlobClient.Answer) -> StateError {
        let hint =
            switch answer.status {
            case 401, 403:
                " (check the credential: AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_SAS_TOKEN or a token with "
                    + "the Storage Blob Data Contributor role)"
            default: ""
            }
        return StateError.io("cannot \(what): \(answer.status) \(answer.code)\(hint)")
    }

    // MARK: Lock state, shared with AzureBlobStateBackend+Lock.swift

    var heldLease: String? {
        get { run.withLock { $0.lease } }
        set { run.withLock { $0.lease = newValue } }
    }

    /// Starts (nil: stops) the timer that runs `renew` every 20 s on a queue of its own while the
    /// run holds the lease.
    ///
    /// The timer is made and cancelled under the lock: it is not Sendable on every platform, so it
    /// never leaves the state that owns it; `cancel` only marks it, and nothing here waits.
    func setRenewal(_ renew: (@Sendable () -> Void)?) {
        run.withLock { held in
            held.renewal?.cancel()
            held.renewal = nil
            guard let renew else { return }
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "reconcile.azblob.lease"))
            timer.schedule(deadline: .now() + .seconds(Self.renewEvery), repeating: .seconds(Self.renewEvery))
            timer.setEventHandler(handler: renew)
            timer.resume()
            held.renewal = timer
        }
    }
}
