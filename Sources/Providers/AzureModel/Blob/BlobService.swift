internal import Crypto
public import Foundation

/// One request to the Blob service, as it came off the wire.
public struct BlobRequest: Sendable {
    public var method: String
    /// The path as sent (percent-encoded): SharedKey signs it so.
    public var path: String
    /// The query string as sent, without `?`.
    public var query: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: String, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// The Blob service's answer.
public struct BlobResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
}

/// The subset of Azure Blob Storage's data plane the state backend needs, in Storage's wire format.
///
/// Containers; block and append blobs with ETags and conditional headers; leases; Storage's XML
/// errors (docs/azure-model.md, "Blob storage"). Path-style, as Azurite serves it: `/ACCOUNT/CONTAINER/BLOB`.
public struct BlobService: Sendable {
    /// The lab's account key, for every account name: Azurite's well-known development key, so
    /// tools that know it work unchanged.
    public static let accountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    static let version = "2025-01-05"

    public let store: BlobStore
    let clock: @Sendable () -> Date

    public init(store: BlobStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    /// The request in parts: account, container and blob names decoded, query parameters.
    struct Target {
        var account: String
        var container: String?
        var blob: String?
        var query: [String: String]
    }

    public func handle(_ request: BlobRequest) -> BlobResponse {
        var response = route(request)
        if request.method == "HEAD" { response.body = [] }
        response.headers += [
            ("x-ms-request-id", UUID().uuidString.lowercased()),
            ("x-ms-version", request.headers["x-ms-version"] ?? Self.version),
            ("Date", Self.httpDate(clock())),
            ("Server", "reconcile-lab-blob"),
        ]
        if let id = request.headers["x-ms-client-request-id"] {
            response.headers.append(("x-ms-client-request-id", id))
        }
        return response
    }

    private func route(_ request: BlobRequest) -> BlobResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { $0.removingPercentEncoding ?? String($0) }
        guard let account = segments.first, !account.isEmpty else {
            return Self.error(
                400,
                "InvalidUri",
                "The requested URI does not name an account (/ACCOUNT/CONTAINER/BLOB)."
            )
        }
        let target = Target(
            account: account,
            container: segments.count > 1 && !segments[1].isEmpty ? segments[1] : nil,
            blob: segments.count > 2 ? segments.dropFirst(2).joined(separator: "/") : nil,
            query: Self.parseQuery(request.query)
        )
        guard Self.validAccount(account) else {
            return Self.error(400, "InvalidResourceName", "The specified resource name contains invalid characters.")
        }
        if let failure = authenticate(request, account: account) { return failure }
        do {
            return try store.exclusive {
                if let blob = target.blob, !blob.isEmpty, let container = target.container {
                    return blobOperation(request, target, container: container, blob: blob)
                }
                if let container = target.container {
                    return containerOperation(request, target, container: container)
                }
                if request.method == "GET", target.query["comp"] == "list" { return listContainers(request, target) }
                return Self.error(400, "UnsupportedQueryParameter", "The lab's Blob service lists containers only.")
            }
        } catch {
            return Self.error(500, "InternalError", "The lab's blob store failed: \(error)")
        }
    }

    // MARK: Containers

    private func containerOperation(_ request: BlobRequest, _ target: Target, container: String) -> BlobResponse {
        guard Self.validContainer(container) else {
            return Self.error(400, "InvalidResourceName", "The specified resource name contains invalid characters.")
        }
        let account = target.account
        let existing = store.container(account, container)
        guard target.query["restype"] == "container" else {
            return Self.error(400, "InvalidQueryParameterValue", "Value for one of the query parameters is not valid.")
        }
        switch (request.method, target.query["comp"]) {
        case ("PUT", nil):
            if existing != nil {
                return Self.error(409, "ContainerAlreadyExists", "The specified container already exists.")
            }
            let now = clock()
            let created = BlobStore.Container(created: now, etag: Self.newETag(), metadata: Self.metadata(request))
            do { try store.putContainer(account, container, created) } catch { return Self.storeFailure(error) }
            return BlobResponse(status: 201, headers: Self.validators(created.etag, now), body: [])
        case ("DELETE", nil):
            guard existing != nil else { return Self.containerNotFound }
            do { try store.deleteContainer(account, container) } catch { return Self.storeFailure(error) }
            return BlobResponse(status: 202, headers: [], body: [])
        case ("GET", nil), ("HEAD", nil):
            guard let existing else { return Self.containerNotFound }
            var headers = Self.validators(existing.etag, existing.created)
            headers += [("x-ms-lease-state", "available"), ("x-ms-lease-status", "unlocked")]
            headers += [("x-ms-has-immutability-policy", "false"), ("x-ms-has-legal-hold", "false")]
            headers += existing.metadata.sorted { $0.key < $1.key }.map { ("x-ms-meta-\($0.key)", $0.value) }
            return BlobResponse(status: 200, headers: headers, body: [])
        case ("GET", "list"):
            guard existing != nil else { return Self.containerNotFound }
            return listBlobs(request, target, container: container)
        default:
            return Self.error(
                400,
                "UnsupportedHttpVerb",
                "The lab's Blob service does not serve this container operation."
            )
        }
    }

    private func listContainers(_ request: BlobRequest, _ target: Target) -> BlobResponse {
        let prefix = target.query["prefix"] ?? ""
        var xml = Self.xmlHeader + "<EnumerationResults ServiceEndpoint=\"\(Self.escape(endpoint(request, target)))\">"
        if !prefix.isEmpty { xml += "<Prefix>\(Self.escape(prefix))</Prefix>" }
        xml += "<Containers>"
        for (name, container) in store.containers(target.account) where name.hasPrefix(prefix) {
            xml += "<Container><Name>\(Self.escape(name))</Name><Properties>"
            xml += "<Last-Modified>\(Self.httpDate(container.created))</Last-Modified><Etag>\(container.etag)</Etag>"
            xml += "<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>"
            xml += "<HasImmutabilityPolicy>false</HasImmutabilityPolicy><HasLegalHold>false</HasLegalHold>"
            xml += "</Properties></Container>"
        }
        xml += "</Containers><NextMarker /></EnumerationResults>"
        return Self.xml(200, xml)
    }

    private func listBlobs(_ request: BlobRequest, _ target: Target, container: String) -> BlobResponse {
        let prefix = target.query["prefix"] ?? ""
        let now = clock()
        var xml = Self.xmlHeader + "<EnumerationResults ServiceEndpoint=\"\(Self.escape(endpoint(request, target)))\""
        xml += " ContainerName=\"\(Self.escape(container))\">"
        if !prefix.isEmpty { xml += "<Prefix>\(Self.escape(prefix))</Prefix>" }
        xml += "<Blobs>"
        let withMetadata = target.query["include"]?.split(separator: ",").contains("metadata") ?? false
        for (name, blob, size) in store.blobs(target.account, container, prefix: prefix) {
            let lease = Self.leaseHeaders(blob, now: now)
            xml += "<Blob><Name>\(Self.escape(name))</Name><Properties>"
            xml += "<Creation-Time>\(Self.httpDate(blob.created))</Creation-Time>"
            xml += "<Last-Modified>\(Self.httpDate(blob.lastModified))</Last-Modified><Etag>\(blob.etag)</Etag>"
            xml += "<Content-Length>\(size)</Content-Length>"
            xml += "<Content-Type>\(Self.escape(blob.contentType ?? "application/octet-stream"))</Content-Type>"
            xml += "<BlobType>\(blob.type)</BlobType>"
            xml += "<LeaseStatus>\(lease.status)</LeaseStatus><LeaseState>\(lease.state)</LeaseState>"
            if let duration = lease.duration { xml += "<LeaseDuration>\(duration)</LeaseDuration>" }
            xml += "<ServerEncrypted>true</ServerEncrypted></Properties>"
            if withMetadata {
                xml += "<Metadata>"
                for (key, value) in blob.metadata.sorted(by: { $0.key < $1.key }) {
                    xml += "<\(key)>\(Self.escape(value))</\(key)>"
                }
                xml += "</Metadata>"
            }
            xml += "</Blob>"
        }
        xml += "</Blobs><NextMarker /></EnumerationResults>"
        return Self.xml(200, xml)
    }

    private func endpoint(_ request: BlobRequest, _ target: Target) -> String {
        "http://\(request.headers["host"] ?? "127.0.0.1")/\(target.account)/"
    }

    // MARK: Blobs

    private func blobOperation(_ request: BlobRequest, _ target: Target, container: String, blob name: String)
        -> BlobResponse
    {
        let account = target.account
        guard store.container(account, container) != nil else { return Self.containerNotFound }
        let existing = store.blob(account, container, name)
        let now = clock()
        switch (request.method, target.query["comp"]) {
        case ("PUT", nil):
            return putBlob(request, target, container: container, name: name, existing: existing, now: now)
        case ("PUT", "appendblock"):
            guard var blob = existing else { return Self.blobNotFound }
            guard blob.type == "AppendBlob" else {
                return Self.error(409, "InvalidBlobType", "The blob type is invalid for this operation.")
            }
            if let failure = leaseFailure(request, blob, now: now, write: true) { return failure }
            if let failure = conditionFailure(request, blob, write: true) { return failure }
            let offset = store.data(account, container, name).count
            if let position = request.headers["x-ms-blob-condition-appendpos"], Int(position) != offset {
                return Self.error(
                    412,
                    "AppendPositionConditionNotMet",
                    "The append position condition specified was not met."
                )
            }
            if let maximum = request.headers["x-ms-blob-condition-maxsize"].flatMap(Int.init),
                offset + request.body.count > maximum
            {
                return Self.error(
                    412,
                    "MaxBlobSizeConditionNotMet",
                    "The max blob size condition specified was not met."
                )
            }
            blob.etag = Self.newETag()
            blob.lastModified = now
            blob.appendedBlocks = (blob.appendedBlocks ?? 0) + 1
            do {
                try store.append(account, container, name, request.body)
                try store.putBlob(account, container, name, blob, data: nil)
            } catch { return Self.storeFailure(error) }
            var headers = Self.validators(blob.etag, now)
            headers += [
                ("x-ms-blob-append-offset", "\(offset)"),
                ("x-ms-blob-committed-block-count", "\(blob.appendedBlocks ?? 1)"),
                ("x-ms-request-server-encrypted", "true"),
            ]
            return BlobResponse(status: 201, headers: headers, body: [])
        case ("PUT", "lease"):
            guard let blob = existing else { return Self.blobNotFound }
            if let failure = conditionFailure(request, blob, write: true) { return failure }
            return lease(request, target, container: container, name: name, blob: blob, now: now)
        case ("PUT", "metadata"):
            guard var blob = existing else { return Self.blobNotFound }
            if let failure = leaseFailure(request, blob, now: now, write: true) { return failure }
            if let failure = conditionFailure(request, blob, write: true) { return failure }
            blob.metadata = Self.metadata(request)
            blob.etag = Self.newETag()
            blob.lastModified = now
            do { try store.putBlob(account, container, name, blob, data: nil) } catch {
                return Self.storeFailure(error)
            }
            return BlobResponse(status: 200, headers: Self.validators(blob.etag, now), body: [])
        case ("GET", nil), ("HEAD", nil):
            guard let blob = existing else { return Self.blobNotFound }
            if let failure = leaseFailure(request, blob, now: now, write: false) { return failure }
            if let failure = conditionFailure(request, blob, write: false) { return failure }
            return getBlob(request, blob, data: store.data(account, container, name), now: now)
        case ("DELETE", nil):
            guard let blob = existing else { return Self.blobNotFound }
            if let failure = leaseFailure(request, blob, now: now, write: true) { return failure }
            if let failure = conditionFailure(request, blob, write: true) { return failure }
            store.deleteBlob(account, container, name)
            return BlobResponse(status: 202, headers: [("x-ms-delete-type-permanent", "true")], body: [])
        default:
            return Self.error(400, "UnsupportedHttpVerb", "The lab's Blob service does not serve this blob operation.")
        }
    }

    private func putBlob(
        _ request: BlobRequest,
        _ target: Target,
        container: String,
        name: String,
        existing: BlobStore.Blob?,
        now: Date
    ) -> BlobResponse {
        guard let type = request.headers["x-ms-blob-type"] else {
            return Self.error(
                400,
                "MissingRequiredHeader",
                "An HTTP header that's mandatory for this request is not specified."
            )
        }
        guard type == "BlockBlob" || type == "AppendBlob" else {
            return Self.error(400, "InvalidHeaderValue", "The lab serves block and append blobs only (x-ms-blob-type).")
        }
        if type == "AppendBlob", !request.body.isEmpty {
            return Self.error(400, "InvalidHeaderValue", "An append blob is created empty (Content-Length: 0).")
        }
        if let existing, let failure = leaseFailure(request, existing, now: now, write: true) { return failure }
        if existing == nil, request.headers["x-ms-lease-id"] != nil {
            return Self.error(412, "LeaseNotPresentWithBlobOperation", "There is currently no lease on the blob.")
        }
        if let failure = conditionFailure(request, existing, write: true) { return failure }
        let blob = BlobStore.Blob(
            type: type,
            etag: Self.newETag(),
            created: existing?.created ?? now,
            lastModified: now,
            contentType: request.headers["x-ms-blob-content-type"] ?? request.headers["content-type"],
            metadata: Self.metadata(request),
            appendedBlocks: type == "AppendBlob" ? 0 : nil,
            lease: existing?.lease
        )
        do {
            try store.putBlob(target.account, container, name, blob, data: Data(request.body))
        } catch { return Self.storeFailure(error) }
        var headers = Self.validators(blob.etag, now)
        headers.append(("x-ms-request-server-encrypted", "true"))
        if type == "BlockBlob" {
            headers.append(("Content-MD5", Data(Insecure.MD5.hash(data: request.body)).base64EncodedString()))
        }
        return BlobResponse(status: 201, headers: headers, body: [])
    }

    private func getBlob(_ request: BlobRequest, _ blob: BlobStore.Blob, data: Data, now: Date) -> BlobResponse {
        var headers = Self.validators(blob.etag, blob.lastModified)
        headers += [
            ("Content-Type", blob.contentType ?? "application/octet-stream"),
            ("x-ms-creation-time", Self.httpDate(blob.created)),
            ("x-ms-blob-type", blob.type),
            ("x-ms-server-encrypted", "true"),
            ("Accept-Ranges", "bytes"),
        ]
        let lease = Self.leaseHeaders(blob, now: now)
        headers += [("x-ms-lease-state", lease.state), ("x-ms-lease-status", lease.status)]
        if let duration = lease.duration { headers.append(("x-ms-lease-duration", duration)) }
        if let blocks = blob.appendedBlocks { headers.append(("x-ms-blob-committed-block-count", "\(blocks)")) }
        headers += blob.metadata.sorted { $0.key < $1.key }.map { ("x-ms-meta-\($0.key)", $0.value) }
        let bytes = [UInt8](data)
        guard let range = request.headers["x-ms-range"] ?? request.headers["range"] else {
            headers.append(("Content-Length", "\(bytes.count)"))
            return BlobResponse(status: 200, headers: headers, body: bytes)
        }
        guard let (start, end) = Self.parseRange(range), start <= end || end < 0 else {
            return Self.error(
                400,
                "InvalidHeaderValue",
                "The value for one of the HTTP headers is not in the correct format."
            )
        }
        guard start < bytes.count else {
            var failure = Self.error(
                416,
                "InvalidRange",
                "The range specified is invalid for the current size of the resource."
            )
            failure.headers.append(("Content-Range", "bytes */\(bytes.count)"))
            return failure
        }
        let last = end < 0 ? bytes.count - 1 : min(end, bytes.count - 1)
        headers += [
            ("Content-Range", "bytes \(start)-\(last)/\(bytes.count)"), ("Content-Length", "\(last - start + 1)"),
        ]
        return BlobResponse(status: 206, headers: headers, body: Array(bytes[start...last]))
    }

    /// `bytes=A-B` or `bytes=A-` (B is then -1).
    static func parseRange(_ value: String) -> (Int, Int)? {
        guard value.hasPrefix("bytes=") else { return nil }
        let parts = value.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int(parts[0]) else { return nil }
        if parts[1].isEmpty { return (start, -1) }
        guard let end = Int(parts[1]) else { return nil }
        return (start, end)
    }

    // MARK: Conditions

    /// If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since, as Storage judges them:
    /// a write that fails one is 412 ConditionNotMet (409 BlobAlreadyExists for `If-None-Match: *`
    /// on a blob that exists); a read is 304 Not Modified where HTTP says so.
    func conditionFailure(_ request: BlobRequest, _ blob: BlobStore.Blob?, write: Bool) -> BlobResponse? {
        let notMet = Self.error(
            412,
            "ConditionNotMet",
            "The condition specified using HTTP conditional header(s) is not met."
        )
        if let match = request.headers["if-match"] {
            guard let blob, match == "*" || Self.sameETag(match, blob.etag) else { return notMet }
        }
        if let noneMatch = request.headers["if-none-match"], let blob {
            if noneMatch == "*" {
                return write
                    ? Self.error(409, "BlobAlreadyExists", "The specified blob already exists.")
                    : BlobResponse(status: 304, headers: [], body: [])
            }
            if Self.sameETag(noneMatch, blob.etag) {
                return write
                    ? notMet
                    : BlobResponse(status: 304, headers: Self.validators(blob.etag, blob.lastModified), body: [])
            }
        }
        let modified = blob.map { floor($0.lastModified.timeIntervalSince1970) }
        if let since = request.headers["if-modified-since"].flatMap(Self.parseHTTPDate), let modified,
            modified <= since.timeIntervalSince1970
        {
            return write ? notMet : BlobResponse(status: 304, headers: [], body: [])
        }
        if let since = request.headers["if-unmodified-since"].flatMap(Self.parseHTTPDate), let modified,
            modified > since.timeIntervalSince1970
        {
            return notMet
        }
        return nil
    }

    static func sameETag(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""])
                == etag.trimmingCharacters(in: ["\""])
        }
    }

    // MARK: Wire helpers

    static let xmlHeader = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"

    static var containerNotFound: BlobResponse {
        error(404, "ContainerNotFound", "The specified container does not exist.")
    }

    static var blobNotFound: BlobResponse { error(404, "BlobNotFound", "The specified blob does not exist.") }

    static func storeFailure(_ error: any Error) -> BlobResponse {
        Self.error(500, "InternalError", "The lab's blob store failed: \(error)")
    }

    /// Storage's error: XML `<Error>` with the code, and the code in `x-ms-error-code` (what
    /// clients read on a HEAD, which has no body).
    static func error(_ status: Int, _ code: String, _ message: String) -> BlobResponse {
        let body =
            xmlHeader + "<Error><Code>\(code)</Code><Message>\(escape(message))\nRequestId:lab\nTime:"
            + "\(ISO8601DateFormatter().string(from: Date()))</Message></Error>"
        var response = xml(status, body)
        response.headers.append(("x-ms-error-code", code))
        return response
    }

    static func xml(_ status: Int, _ text: String) -> BlobResponse {
        let bytes = Array(text.utf8)
        return BlobResponse(
            status: status,
            headers: [("Content-Type", "application/xml"), ("Content-Length", "\(bytes.count)")],
            body: bytes
        )
    }

    static func validators(_ etag: String, _ modified: Date) -> [(String, String)] {
        [("ETag", etag), ("Last-Modified", httpDate(modified))]
    }

    /// A quoted ETag in Storage's `"0x8D…"` form, unique across processes.
    static func newETag() -> String {
        var generator = SystemRandomNumberGenerator()
        return "\"0x8D" + String(format: "%012llX", generator.next() & 0xFFFF_FFFF_FFFF) + "\""
    }

    static func metadata(_ request: BlobRequest) -> [String: String] {
        var metadata: [String: String] = [:]
        for (name, value) in request.headers where name.hasPrefix("x-ms-meta-") {
            metadata[String(name.dropFirst(10))] = value
        }
        return metadata
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func parseQuery(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            result[name] = value.removingPercentEncoding ?? value
        }
        return result
    }

    static func validAccount(_ name: String) -> Bool {
        (3...24).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }

    static func validContainer(_ name: String) -> Bool {
        (3...63).contains(name.count) && !name.hasPrefix("-") && !name.hasSuffix("-") && !name.contains("--")
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
