internal import Foundation
public import Reconciler

/// The lock: a lease on `BLOB.lock` and, in the blob's metadata, who holds it.
extension AzureBlobStateBackend {
    public func lock(_ info: LockInfo) throws {
        try ensureContainer()
        let made = try client.send("PUT", lockPath, headers: ["x-ms-blob-type": "BlockBlob", "if-none-match": "*"])
        guard made.status == 201 || made.code == "BlobAlreadyExists" || made.code == "LeaseIdMissing" else {
            throw failure("create \(location).lock", made)
        }
        let acquired = try client.send(
            "PUT",
            lockPath,
            query: [("comp", "lease")],
            headers: ["x-ms-lease-action": "acquire", "x-ms-lease-duration": "\(Self.leaseSeconds)"]
        )
        guard acquired.status == 201, let id = acquired.headers["x-ms-lease-id"] else {
            if acquired.code == "LeaseAlreadyPresent" || acquired.code == "LeaseIsBreakingAndCannotBeAcquired" {
                let holder =
                    try lockHolder()
                    ?? LockInfo(holder: "unknown", host: "unknown", pid: -1, time: "?", command: "?")
                throw StateError.locked(holder, stale: false)
            }
            throw failure("lease \(location).lock", acquired)
        }
        heldLease = id
        var headers = ["x-ms-lease-id": id]
        for (name, value) in Self.metadata(info) { headers["x-ms-meta-" + name] = value }
        let named = try client.send("PUT", lockPath, query: [("comp", "metadata")], headers: headers)
        guard named.status == 200 else {
            try? unlock()
            throw failure("name the holder in \(location).lock", named)
        }
        startRenewal(id)
    }

    /// Renews the lease every 20 s on a queue of its own until `unlock` (a lease lasts 60 s: two
    /// renewals may fail before another run can take the lock).
    private func startRenewal(_ id: String) {
        let client = self.client
        let path = lockPath
        setRenewal {
            _ = try? client.send(
                "PUT",
                path,
                query: [("comp", "lease")],
                headers: ["x-ms-lease-action": "renew", "x-ms-lease-id": id]
            )
        }
    }

    public func unlock() throws {
        setRenewal(nil)
        guard let id = heldLease else {
            // Not this process's lease (`state unlock`): break whoever holds it.
            return try breakLease(etag: nil)
        }
        let answer = try client.send(
            "PUT",
            lockPath,
            query: [("comp", "lease")],
            headers: ["x-ms-lease-action": "release", "x-ms-lease-id": id]
        )
        heldLease = nil
        guard answer.status == 200 || answer.status == 404 || answer.code == "LeaseIdMismatchWithLeaseOperation" else {
            throw failure("release the lease on \(location).lock", answer)
        }
    }

    public func lockHolder() throws -> LockInfo? {
        try holderAndETag()?.holder
    }

    /// Breaks the lease only if the lock blob still names `holder`: the break is conditional on
    /// the ETag of the blob read, and the metadata changes whenever someone else takes the lock.
    public func breakLock(ifHeldBy holder: LockInfo) throws -> Bool {
        guard let (current, etag) = try holderAndETag(), current == holder else { return false }
        do {
            try breakLease(etag: etag)
        } catch StateError.notLocked {
            return false
        }
        return true
    }

    private func breakLease(etag: String?) throws {
        var headers = ["x-ms-lease-action": "break", "x-ms-lease-break-period": "0"]
        if let etag { headers["if-match"] = etag }
        let answer = try client.send("PUT", lockPath, query: [("comp", "lease")], headers: headers)
        if answer.status == 412 || answer.code == "LeaseNotPresentWithLeaseOperation" || answer.status == 404 {
            throw StateError.notLocked
        }
        guard answer.status == 202 else { throw failure("break the lease on \(location).lock", answer) }
    }

    /// Who holds the lease now, from the lock blob's metadata, and the blob's ETag; nil when no
    /// lease is held (none taken, released, expired or broken).
    private func holderAndETag() throws -> (holder: LockInfo, etag: String)? {
        let answer = try client.send("HEAD", lockPath)
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw failure("read \(location).lock", answer) }
        guard ["leased", "breaking"].contains(answer.headers["x-ms-lease-state"] ?? "") else { return nil }
        let value = { (name: String) in answer.headers["x-ms-meta-" + name]?.removingPercentEncoding }
        let holder = LockInfo(
            holder: value("holder") ?? "unknown",
            host: value("host") ?? "unknown",
            pid: value("pid").flatMap { Int32($0) } ?? -1,
            time: value("time") ?? "?",
            command: value("command") ?? "?",
            ciJob: value("cijob")
        )
        return (holder, answer.headers["etag"] ?? "*")
    }

    /// The holder as metadata: ASCII values (percent-encoded), as Storage requires.
    static func metadata(_ info: LockInfo) -> [String: String] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:/@ ")
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        var metadata = [
            "holder": encode(info.holder), "host": encode(info.host), "pid": "\(info.pid)", "time": encode(info.time),
            "command": encode(info.command),
        ]
        if let job = info.ciJob { metadata["cijob"] = encode(job) }
        return metadata
    }
}
