internal import AsyncHTTPClient
public import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import Reconciler

/// Sends a drift report to a webhook: a JSON POST signed with HMAC-SHA256 of the body
/// (`X-Reconcile-Signature: sha256=HEX`), retried with exponential backoff on connection
/// errors and 5xx answers.
public struct Webhook: Sendable {
    public var url: String
    /// The signing secret's value (from the DriftPolicy's `secret`); unsigned without one.
    public var secret: String?
    /// Tries in all: the first and its retries.
    public var attempts: Int
    /// The wait before the first retry; doubled for each next one.
    public var backoff: Duration

    public init(url: String, secret: String?, attempts: Int = 5, backoff: Duration = .seconds(1)) {
        self.url = url
        self.secret = secret
        self.attempts = attempts
        self.backoff = backoff
    }

    /// `sha256=` and the hex HMAC-SHA256 of `body` keyed with `secret`.
    public static func signature(_ body: Data, secret: String) -> String {
        "sha256=" + Digests.hmacSHA256(Array(body), key: Array(secret.utf8))
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Posts `body`; returns after a 2xx, throws after the last try fails or on a 4xx.
    public func send(_ body: Data) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "reconcile-drift")
        request.headers.add(name: "X-Reconcile-Event", value: "drift")
        if let secret {
            request.headers.add(name: "X-Reconcile-Signature", value: Self.signature(body, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        var wait = backoff
        var last = "no attempt made"
        for attempt in 1...max(1, attempts) {
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                let code = Int(response.status.code)
                if (200..<300).contains(code) { return }
                last = "the webhook answered \(code)"
                if code < 500 { throw Failure(description: "\(last) (not retried)") }
            } catch let failure as Failure {
                throw failure
            } catch {
                last = "cannot reach the webhook: \(error)"
            }
            if attempt < attempts {
                try await Task.sleep(for: wait)
                wait *= 2
            }
        }
        throw Failure(description: "\(last), after \(attempts) tries")
    }
}
