internal import Crypto
internal import Foundation

/// Leases (`PUT ?comp=lease`) and their hold on writes, as Storage keeps them: a lease of 15–60 s
/// or infinite, renewed by its holder, released, or broken by anyone (at once, or after a break
/// period); while a blob is leased, a write without its `x-ms-lease-id` is 412 `LeaseIdMissing`.
extension BlobService {
    /// The lease headers of a blob now: state, status, and duration while leased.
    static func leaseHeaders(_ blob: BlobStore.Blob, now: Date) -> (state: String, status: String, duration: String?) {
        guard let lease = blob.lease else { return ("available", "unlocked", nil) }
        switch lease.state(at: now) {
        case .leased: return ("leased", "locked", lease.duration < 0 ? "infinite" : "fixed")
        case .expired: return ("expired", "unlocked", nil)
        case .breaking: return ("breaking", "locked", nil)
        case .broken: return ("broken", "unlocked", nil)
        }
    }

    /// Refuses an operation that a lease on the blob forbids.
    func leaseFailure(_ request: BlobRequest, _ blob: BlobStore.Blob, now: Date, write: Bool) -> BlobResponse? {
        let given = request.headers["x-ms-lease-id"]
        let active = blob.lease.flatMap { [.leased, .breaking].contains($0.state(at: now)) ? $0 : nil }
        guard let active else {
            return given == nil
                ? nil : Self.error(412, "LeaseNotPresentWithBlobOperation", "There is currently no lease on the blob.")
        }
        guard let given else {
            return write
                ? Self.error(
                    412,
                    "LeaseIdMissing",
                    "There is currently a lease on the blob and no lease ID was specified in the request."
                )
                : nil
        }
        guard given.lowercased() == active.id.lowercased() else {
            return Self.error(
                412,
                "LeaseIdMismatchWithBlobOperation",
                "The lease ID specified did not match the lease ID for the blob."
            )
        }
        return nil
    }

    func lease(
        _ request: BlobRequest,
        _ target: Target,
        container: String,
        name: String,
        blob: BlobStore.Blob,
        now: Date
    ) -> BlobResponse {
        var blob = blob
        let current = blob.lease
        let state = current?.state(at: now)
        let given = request.headers["x-ms-lease-id"]?.lowercased()
        let action = request.headers["x-ms-lease-action"] ?? ""
        var status = 200
        var headers = Self.validators(blob.etag, blob.lastModified)
        func mismatch() -> BlobResponse {
            Self.error(
                409,
                "LeaseIdMismatchWithLeaseOperation",
                "The lease ID specified did not match the lease ID for the blob."
            )
        }
        let notPresent = Self.error(
            409,
            "LeaseNotPresentWithLeaseOperation",
            "There is currently no lease on the blob."
        )
        switch action {
        case "acquire":
            guard let duration = request.headers["x-ms-lease-duration"].flatMap(Int.init),
                duration == -1 || (15...60).contains(duration)
            else {
                return Self.error(
                    400,
                    "InvalidHeaderValue",
                    "x-ms-lease-duration must be -1 (infinite) or between 15 and 60 seconds."
                )
            }
            let proposed = request.headers["x-ms-proposed-lease-id"]?.lowercased()
            if let proposed, UUID(uuidString: proposed) == nil {
                return Self.error(400, "InvalidHeaderValue", "x-ms-proposed-lease-id must be a GUID.")
            }
            if let current, state == .leased, current.id != proposed {
                return Self.error(409, "LeaseAlreadyPresent", "There is already a lease present.")
            }
            if let current, state == .breaking, current.id != proposed {
                return Self.error(
                    409,
                    "LeaseIsBreakingAndCannotBeAcquired",
                    "There is already a breaking lease present."
                )
            }
            let id = proposed ?? UUID().uuidString.lowercased()
            blob.lease = BlobStore.Lease(
                id: id,
                duration: duration,
                expires: duration < 0 ? nil : now.addingTimeInterval(Double(duration))
            )
            status = 201
            headers.append(("x-ms-lease-id", id))
        case "renew", "release", "change":
            guard let given else {
                return Self.error(400, "MissingRequiredHeader", "x-ms-lease-id is required for a lease \(action).")
            }
            guard let current else { return notPresent }
            guard current.id == given else { return mismatch() }
            switch action {
            case "renew":
                guard state == .leased || state == .expired else {
                    return Self.error(
                        409,
                        "LeaseIsBrokenAndCannotBeRenewed",
                        "The lease ID matched, but the lease has been broken explicitly and cannot be renewed."
                    )
                }
                blob.lease?.expires = current.duration < 0 ? nil : now.addingTimeInterval(Double(current.duration))
                headers.append(("x-ms-lease-id", given))
            case "release":
                blob.lease = nil
            default:
                guard let proposed = request.headers["x-ms-proposed-lease-id"]?.lowercased(),
                    UUID(uuidString: proposed) != nil
                else { return Self.error(400, "InvalidHeaderValue", "x-ms-proposed-lease-id must be a GUID.") }
                guard state == .leased else { return notPresent }
                blob.lease?.id = proposed
                headers.append(("x-ms-lease-id", proposed))
            }
        case "break":
            guard let current, let state else { return notPresent }
            let period = request.headers["x-ms-lease-break-period"].flatMap(Int.init)
            if let text = request.headers["x-ms-lease-break-period"], period.map({ !(0...60).contains($0) }) ?? true {
                return Self.error(400, "InvalidHeaderValue", "x-ms-lease-break-period '\(text)' must be 0 to 60.")
            }
            var breaksAt: Date
            switch state {
            case .broken, .expired:
                breaksAt = current.brokenAt ?? now
                if state == .expired { breaksAt = now }
            case .breaking:
                breaksAt = min(current.brokenAt ?? now, now.addingTimeInterval(Double(period ?? 60)))
            case .leased:
                let remaining = current.expires.map { max(0, $0.timeIntervalSince(now)) }
                // A fixed lease breaks at the earlier of its expiry and the period; infinite, after the period.
                var wait = remaining ?? 0
                if let period { wait = min(Double(period), remaining ?? Double(period)) }
                breaksAt = now.addingTimeInterval(wait)
            }
            blob.lease?.brokenAt = breaksAt
            status = 202
            headers.append(("x-ms-lease-time", "\(max(0, Int(breaksAt.timeIntervalSince(now).rounded(.up))))"))
        default:
            return Self.error(400, "InvalidHeaderValue", "x-ms-lease-action '\(action)' is not one the lab serves.")
        }
        do {
            try store.putBlob(target.account, container, name, blob, data: nil)
        } catch { return Self.storeFailure(error) }
        return BlobResponse(status: status, headers: headers, body: [])
    }

    // MARK: Authentication

    /// Bearer tokens are accepted as the lab's ARM accepts them; SharedKey signatures are checked
    /// against `accountKey`; a SAS must name its signature, permissions that cover the operation and
    /// an expiry still ahead (its signature is not checked: the lab has no secret worth guarding).
    func authenticate(_ request: BlobRequest, account: String) -> BlobResponse? {
        let failed = { (why: String) in
            Self.error(
                403,
                "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of Authorization header is formed "
                    + "correctly including the signature. (\(why))"
            )
        }
        if let authorization = request.headers["authorization"] {
            if authorization.hasPrefix("Bearer ") { return nil }
            guard authorization.hasPrefix("SharedKey ") else { return failed("unknown scheme") }
            let credential = authorization.dropFirst(10)
            guard let colon = credential.lastIndex(of: ":") else { return failed("no signature") }
            guard credential[..<colon] == account else { return failed("the key's account is not the request's") }
            let expected = Self.sharedKeySignature(request, account: account, key: Self.accountKey)
            return credential[credential.index(after: colon)...] == expected ? nil : failed("signature mismatch")
        }
        let query = Self.parseQuery(request.query)
        if let signature = query["sig"], !signature.isEmpty {
            guard let expiry = query["se"].flatMap(Self.parseISODate), expiry > clock() else {
                return failed("the SAS has expired or names no expiry (se)")
            }
            let permissions = query["sp"] ?? ""
            let needed: Character =
                switch request.method {
                case "GET", "HEAD": query["comp"] == "list" ? "l" : "r"
                case "DELETE": "d"
                default: query["comp"] == "appendblock" ? "a" : "w"
                }
            let granted = permissions.contains(needed) || (needed == "a" && permissions.contains("w"))
            return granted
                ? nil
                : Self.error(
                    403,
                    "AuthorizationPermissionMismatch",
                    "This request is not authorized to perform this operation using this permission."
                )
        }
        return Self.error(
            401,
            "NoAuthenticationInformation",
            "Server failed to authenticate the request. Please refer to the information in the www-authenticate header."
        )
    }

    /// Storage's SharedKey signature of a request (2009-09-19 and later): HMAC-SHA256 of the
    /// verb, the standard headers, the `x-ms-` headers and the canonical resource.
    static func sharedKeySignature(_ request: BlobRequest, account: String, key: String) -> String {
        let header = { (name: String) -> String in request.headers[name] ?? "" }
        let length = header("content-length") == "0" ? "" : header("content-length")
        var text = request.method + "\n"
        text +=
            [
                header("content-encoding"), header("content-language"), length, header("content-md5"),
                header("content-type"), header("date"), header("if-modified-since"), header("if-match"),
                header("if-none-match"), header("if-unmodified-since"), header("range"),
            ].joined(separator: "\n") + "\n"
        // Storage sorts these by a Windows collation that ignores '-' (ties: fewer dashes first).
        let storageOrder = { (name: String) in
            (
                name.filter { $0 != "-" }.replacingOccurrences(of: "_", with: "!"),
                name.replacingOccurrences(of: "-", with: "~")
            )
        }
        let canonical = request.headers.filter { $0.key.hasPrefix("x-ms-") }
            .sorted { storageOrder($0.key) < storageOrder($1.key) }
        for (name, value) in canonical { text += "\(name):\(value.trimmingCharacters(in: .whitespaces))\n" }
        text += "/" + account + request.path
        var parameters: [String: [String]] = [:]
        for pair in request.query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = (String(parts[0]).removingPercentEncoding ?? String(parts[0])).lowercased()
            let value = parts.count > 1 ? String(parts[1]) : ""
            parameters[name, default: []].append(value.removingPercentEncoding ?? value)
        }
        for name in parameters.keys.sorted() {
            text += "\n\(name):" + (parameters[name] ?? []).sorted().joined(separator: ",")
        }
        let secret = SymmetricKey(data: Data(base64Encoded: key) ?? Data())
        return Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: secret)).base64EncodedString()
    }

    static func parseISODate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}
